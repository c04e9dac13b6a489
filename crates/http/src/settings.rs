//! The HTTP layer's settings, filled in by the `yui` binary from flags and
//! environment variables (see the configuration table in `README.md`).

use std::time::Duration;

/// Everything the HTTP app needs to know that is not in the database.
#[derive(Clone)]
pub struct HttpSettings {
    /// The HS256 key for access tokens. Never logged.
    pub jwt_secret: Vec<u8>,
    /// The `iss` claim of access tokens.
    pub jwt_issuer: String,
    /// How long an access token is valid.
    pub access_token_ttl: Duration,
    /// How long a login session (and so its refresh tokens) lasts.
    pub session_ttl: Duration,
    /// How long an invitation can be accepted.
    pub invitation_ttl: Duration,
    /// The largest accepted JSON body.
    pub max_body_bytes: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Failed logins per account in [`Self::login_window`] before `429`.
    pub login_max_failures_per_account: i64,
    /// Failed logins per client address in [`Self::login_window`] before `429`.
    pub login_max_failures_per_address: i64,
    pub login_window: Duration,
    /// Worker threads; `None` means one per core.
    pub workers: Option<usize>,
    /// Accept webhook URLs on loopback, private and link-local addresses (tests and
    /// local development only).
    pub webhook_allow_private: bool,
    /// Requests each caller (person, API key, or client address without either) may
    /// send per minute, across all instances; `0` turns the limit off.
    pub requests_per_minute: u32,
    /// The bearer token `GET /metrics` wants; `None` turns the endpoint off.
    pub metrics_token: Option<String>,
    /// How long a stopping server lets requests in flight finish.
    pub shutdown_timeout: Duration,
}

impl std::fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSettings")
            .field("jwt_secret", &"<redacted>")
            .field("jwt_issuer", &self.jwt_issuer)
            .field("access_token_ttl", &self.access_token_ttl)
            .field("session_ttl", &self.session_ttl)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl HttpSettings {
    /// Production defaults around the given secret.
    #[must_use]
    pub fn with_secret(jwt_secret: Vec<u8>) -> Self {
        Self {
            jwt_secret,
            jwt_issuer: "yui".into(),
            access_token_ttl: Duration::from_secs(15 * 60),
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            invitation_ttl: Duration::from_secs(7 * 24 * 3600),
            max_body_bytes: 4 * 1024 * 1024,
            trust_forwarded_for: false,
            login_max_failures_per_account: 5,
            login_max_failures_per_address: 50,
            login_window: Duration::from_secs(15 * 60),
            workers: None,
            webhook_allow_private: false,
            requests_per_minute: 600,
            metrics_token: None,
            shutdown_timeout: Duration::from_secs(30),
        }
    }
}
