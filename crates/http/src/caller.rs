//! Who a request counts against, for rate limits and idempotency keys, decided
//! before the handler runs and without the database.
//!
//! A person is known by the user id in their verified access token, a machine
//! client by the hash of its API key (only the key's holder can produce it), and a
//! request with neither by its client address. Whether the session or key is still
//! live is checked later, in the handler's transaction; a revoked credential only
//! spends its own budget.

use actix_web::HttpRequest;
use yui_domain::UserId;

use crate::auth::{Bearer, authenticate};
use crate::extract::client_address;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    User(UserId),
    /// The hex SHA-256 of the API key.
    Key(String),
    /// No usable credential: the client address.
    Address(String),
}

impl Caller {
    #[must_use]
    pub fn of(req: &HttpRequest) -> Self {
        match authenticate(req) {
            Ok(Bearer::Session(claims)) => Caller::User(claims.user),
            Ok(key @ Bearer::ApiKey(_)) => Caller::Key(key.api_key_hash().unwrap_or_default()),
            Err(_) => Caller::Address(client_address(req)),
        }
    }

    /// The caller as stored with its counters and records.
    #[must_use]
    pub fn storage_key(&self) -> String {
        match self {
            Caller::User(user) => format!("user:{user}"),
            Caller::Key(hash) => format!("key:{hash}"),
            Caller::Address(address) => format!("address:{address}"),
        }
    }

    /// Whether the caller presented a credential (a person or a key).
    #[must_use]
    pub fn is_identified(&self) -> bool {
        !matches!(self, Caller::Address(_))
    }
}
