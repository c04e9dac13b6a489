//! The `Authorization: Bearer <token>` extractor.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, web};
use sha2::{Digest, Sha256};

use super::{AccessClaims, TokenKeys, is_api_key, to_hex};
use crate::error::ApiError;

/// A request carrying a credential: a valid access token (a person's session), or
/// something shaped like an API key. Handlers that take it are authenticated; the
/// session or key, and which role and tenant may act, are checked against the
/// database in the handler's transaction (`AppState::read_as`).
#[derive(Debug, Clone, Copy)]
pub enum Bearer {
    Session(AccessClaims),
    /// The SHA-256 of the presented key (never the key itself).
    ApiKey([u8; 32]),
}

impl Bearer {
    /// The stored form of the key's hash (hex), for an API key.
    #[must_use]
    pub fn api_key_hash(&self) -> Option<String> {
        match self {
            Bearer::ApiKey(digest) => Some(to_hex(digest)),
            Bearer::Session(_) => None,
        }
    }
}

impl FromRequest for Bearer {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(authenticate(req))
    }
}

/// What [`authenticate`] found, kept in the request so the layers before the handler
/// (rate limit, idempotency) and the extractor check the token once between them.
#[derive(Clone, Copy)]
struct Checked(Option<Bearer>);

/// Reads and checks the request's credential without touching the database, once
/// per request.
pub fn authenticate(req: &HttpRequest) -> Result<Bearer, ApiError> {
    if let Some(Checked(checked)) = req.extensions().get::<Checked>().copied() {
        return checked.ok_or_else(ApiError::unauthorized);
    }
    let checked = check(req);
    req.extensions_mut().insert(Checked(checked.as_ref().ok().copied()));
    checked
}

fn check(req: &HttpRequest) -> Result<Bearer, ApiError> {
    let keys =
        req.app_data::<web::Data<TokenKeys>>().ok_or_else(|| ApiError::internal("token keys are not configured"))?;
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(ApiError::unauthorized)?;
    let value = value.to_str().map_err(|_| ApiError::unauthorized())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(ApiError::unauthorized)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::unauthorized());
    }
    let token = token.trim();
    if is_api_key(token) {
        return Ok(Bearer::ApiKey(Sha256::digest(token.as_bytes()).into()));
    }
    keys.verify(token).map(Bearer::Session)
}
