//! Cursor pagination, the same for every list.
//!
//! `?limit=` (1–100, default 50) and `?cursor=` (opaque: the `next_cursor` of the
//! previous page). Lists are ordered by id, and ids are UUIDv7, so the order is
//! creation order and stays stable while rows are added.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yui_domain::PageLimit;
use yui_store::Page;

use crate::error::{ApiError, ErrorCode};

/// The paging part of a list's query string.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items to return, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$", example = "AZ_80hJd3Zp2mB5kXw9qRg")]
    pub cursor: Option<String>,
}

/// A decoded page request.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub after: Option<Uuid>,
    pub limit: PageLimit,
}

impl PageParams {
    pub fn parse(&self) -> Result<PageRequest, ApiError> {
        let limit = match self.limit {
            None => PageLimit::DEFAULT,
            Some(limit) => PageLimit::new(limit)
                .map_err(|e| ApiError::bad_request(ErrorCode::InvalidQueryParameter, format!("`limit`: {e}.")))?,
        };
        let after = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(PageRequest { after, limit })
    }
}

/// A cursor is a UUID's 16 bytes in URL-safe base64 without padding: 22 characters,
/// the last of which carries 2 bits (the pattern in the spec says the same).
fn decode_cursor(cursor: &str) -> Result<Uuid, ApiError> {
    URL_SAFE_NO_PAD.decode(cursor).ok().and_then(|bytes| Uuid::from_slice(&bytes).ok()).ok_or_else(unknown_cursor)
}

/// The answer to a `cursor` this API did not return (or that points nowhere the
/// caller may see).
pub fn unknown_cursor() -> ApiError {
    ApiError::bad_request(ErrorCode::InvalidQueryParameter, "`cursor` is not a cursor this API returned.")
}

pub fn encode_cursor(after: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(after.as_bytes())
}

/// Paging for a list ordered by a time, then by id (the at-risk list, soonest due
/// first). Its cursor carries both, so any well-formed cursor is a place in the
/// list, whether or not its task still exists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimedPageParams {
    /// How many items to return, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    #[param(pattern = "^[A-Za-z0-9_-]{32}$")]
    pub cursor: Option<String>,
}

/// A decoded page request of a list ordered by time, then id.
#[derive(Debug, Clone, Copy)]
pub struct TimedPageRequest {
    pub after: Option<(DateTime<Utc>, Uuid)>,
    pub limit: PageLimit,
}

impl TimedPageParams {
    pub fn parse(&self) -> Result<TimedPageRequest, ApiError> {
        let limit = PageParams { limit: self.limit, cursor: None }.parse()?.limit;
        let after = self.cursor.as_deref().map(decode_timed_cursor).transpose()?;
        Ok(TimedPageRequest { after, limit })
    }
}

/// The cursor after the item at `at` with id `id`: 8 bytes of nanoseconds since the
/// epoch (times are kept to the nanosecond on SQLite) and the 16 bytes of the id, in
/// URL-safe base64 (32 characters).
#[must_use]
pub fn timed_cursor(at: DateTime<Utc>, id: Uuid) -> String {
    let nanos = at.timestamp_nanos_opt().unwrap_or(if at.timestamp() < 0 { i64::MIN } else { i64::MAX });
    let mut bytes = [0u8; 24];
    bytes[..8].copy_from_slice(&nanos.to_be_bytes());
    bytes[8..].copy_from_slice(id.as_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_timed_cursor(cursor: &str) -> Result<(DateTime<Utc>, Uuid), ApiError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok().filter(|b| b.len() == 24).ok_or_else(unknown_cursor)?;
    let mut nanos = [0u8; 8];
    nanos.copy_from_slice(&bytes[..8]);
    let at = DateTime::from_timestamp_nanos(i64::from_be_bytes(nanos));
    let id = Uuid::from_slice(&bytes[8..]).map_err(|_| unknown_cursor())?;
    Ok((at, id))
}

/// One page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T: ToSchema> {
    /// The items of this page, oldest first.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Paginated<T> {
    /// Converts a store page into a response page.
    pub fn from_page<S>(page: Page<S>, view: impl Fn(S) -> T) -> Self {
        Self { items: page.items.into_iter().map(view).collect(), next_cursor: page.next_after.map(encode_cursor) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let id = Uuid::now_v7();
        let params = PageParams { limit: Some(10), cursor: Some(encode_cursor(id)) };
        let request = params.parse().expect("valid");
        assert_eq!(request.after, Some(id));
        assert_eq!(request.limit.get(), 10);
        for bad in ["", "!!!", "AAAA"] {
            let params = PageParams { limit: None, cursor: Some(bad.into()) };
            assert!(params.parse().is_err(), "{bad:?}");
        }
        assert!(PageParams { limit: Some(0), cursor: None }.parse().is_err());
    }

    #[test]
    fn timed_cursors_round_trip_and_any_well_formed_one_is_a_place() {
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 123_000).expect("time");
        let id = Uuid::now_v7();
        let params = TimedPageParams { limit: None, cursor: Some(timed_cursor(at, id)) };
        assert_eq!(params.parse().expect("valid").after, Some((at, id)));
        for any in ["A".repeat(32), "_".repeat(32), "-".repeat(32)] {
            assert!(TimedPageParams { limit: None, cursor: Some(any.clone()) }.parse().is_ok(), "{any}");
        }
        assert!(TimedPageParams { limit: None, cursor: Some("A".repeat(22)) }.parse().is_err());
    }
}
