//! Yui's HTTP API (actix-web).
//!
//! Request path: an extractor parses and validates input into DTOs (bad input →
//! `4xx` problem+json), the handler converts them into domain types, then runs its
//! whole database work as one transaction on the blocking pool through
//! [`AppState`]; any [`ApiError`] becomes an RFC 9457 problem document.
//!
//! Dependencies run one way: this crate uses `yui-store` and `yui-domain`; nothing
//! depends on it but the `yui` binary and the end-to-end tests.

mod access;
mod auth;
mod body_shape;
mod caller;
mod clock_time;
mod error;
mod extract;
mod flow;
mod flow_views;
mod headers;
mod idempotency;
mod input;
mod metrics;
mod not_served;
mod openapi;
mod pagination;
mod quality;
mod rate_leases;
mod rate_limit;
mod request_id;
mod requirements;
mod routes;
mod server;
mod settings;
mod state;
mod views;

pub use auth::{hash_password, verify_password};
pub use error::{ApiError, ErrorCode, FieldError, Problem};
pub use openapi::document as openapi_document;
pub use server::Application;
pub use settings::HttpSettings;
pub use state::AppState;
