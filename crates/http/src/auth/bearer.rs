//! The `Authorization: Bearer <token>` extractor.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::{AccessClaims, TokenKeys};
use crate::error::ApiError;

/// A request carrying a valid access token. Handlers that take it are authenticated;
/// which role and tenant may act is decided against the database in the handler's
/// transaction.
#[derive(Debug, Clone, Copy)]
pub struct Bearer(pub AccessClaims);

impl FromRequest for Bearer {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Bearer, ApiError> {
    let keys =
        req.app_data::<web::Data<TokenKeys>>().ok_or_else(|| ApiError::internal("token keys are not configured"))?;
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(ApiError::unauthorized)?;
    let value = value.to_str().map_err(|_| ApiError::unauthorized())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(ApiError::unauthorized)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::unauthorized());
    }
    keys.verify(token.trim()).map(Bearer)
}
