//! Authentication: passwords, access tokens, API keys, refresh and invitation
//! tokens, and the bearer extractor.
//!
//! Access tokens are short-lived HS256 JWTs naming the user and their session. The
//! [`Bearer`] extractor only checks the signature and claims (no I/O); the handler's
//! one database transaction then resolves the session to an [`yui_domain::Actor`]
//! (see `AppState::read_as`), so a revoked session or a deactivated user is refused
//! on the very next request. API keys (`yui_…`) travel in the same header; they are
//! resolved the same way, to the key's creator narrowed to the key's scopes.

mod api_key;
mod bearer;
mod jwt;
mod password;
mod secret_token;

pub use api_key::{NewApiKeySecret, is_api_key};
pub use bearer::{Bearer, authenticate};
pub use jwt::{AccessClaims, IssuedAccessToken, TokenKeys};
pub use password::{hash_password, verify_password};
pub use secret_token::{SecretToken, hash_token, to_hex};
