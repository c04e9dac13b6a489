//! Cursor pagination, the same for every list.
//!
//! `?limit=` (1–100, default 50) and `?cursor=` (opaque: the `next_cursor` of the
//! previous page). Lists are ordered by id, and ids are UUIDv7, so the order is
//! creation order and stays stable while rows are added.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
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
    #[param(max_length = 64)]
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

fn decode_cursor(cursor: &str) -> Result<Uuid, ApiError> {
    URL_SAFE_NO_PAD.decode(cursor).ok().and_then(|bytes| Uuid::from_slice(&bytes).ok()).ok_or_else(unknown_cursor)
}

/// The answer to a `cursor` this API did not return (or that points nowhere the
/// caller may see).
pub fn unknown_cursor() -> ApiError {
    ApiError::bad_request(ErrorCode::InvalidQueryParameter, "`cursor` is not a cursor this API returned.")
}

fn encode_cursor(after: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(after.as_bytes())
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
}
