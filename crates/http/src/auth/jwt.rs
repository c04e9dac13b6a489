//! Signing and verifying access tokens.
//!
//! Exactly one algorithm (HS256) is accepted, so `alg: none` and algorithm-confusion
//! tokens fail verification. Issuer, audience, expiry and subject are required.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use yui_domain::{Role, SessionId, UserId};

use crate::error::ApiError;

const AUDIENCE: &str = "yui-api";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    sid: String,
    role: String,
    iat: i64,
    exp: i64,
}

/// What a verified access token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessClaims {
    pub user: UserId,
    pub session: SessionId,
}

/// A freshly signed access token and its lifetime.
#[derive(Debug, Clone)]
pub struct IssuedAccessToken {
    pub token: String,
    pub expires_in: Duration,
}

/// The keys and rules for access tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    access_ttl: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys").field("issuer", &self.issuer).finish_non_exhaustive()
    }
}

impl TokenKeys {
    #[must_use]
    pub fn new(secret: &[u8], issuer: &str, access_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            access_ttl,
        }
    }

    /// Signs an access token for `user` in `session`.
    pub fn issue(&self, user: UserId, session: SessionId, role: Role) -> Result<IssuedAccessToken, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(self.access_ttl.as_secs()).unwrap_or(i64::MAX);
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: AUDIENCE.into(),
            sub: user.to_string(),
            sid: session.to_string(),
            role: role.as_str().into(),
            iat: now,
            exp: now.saturating_add(ttl),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(ApiError::internal)?;
        Ok(IssuedAccessToken { token, expires_in: self.access_ttl })
    }

    /// Verifies signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).map_err(|_| ApiError::unauthorized())?;
        let user = data.claims.sub.parse().map_err(|_| ApiError::unauthorized())?;
        let session = data.claims.sid.parse().map_err(|_| ApiError::unauthorized())?;
        Ok(AccessClaims { user, session })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &[u8], issuer: &str) -> TokenKeys {
        TokenKeys::new(secret, issuer, Duration::from_secs(900))
    }

    #[test]
    fn a_token_verifies_with_the_keys_that_signed_it() {
        let keys = keys(b"0123456789abcdef0123456789abcdef", "yui");
        let (user, session) = (UserId::generate(), SessionId::generate());
        let issued = keys.issue(user, session, Role::Worker).expect("signs");
        assert_eq!(keys.verify(&issued.token).expect("verifies"), AccessClaims { user, session });
    }

    #[test]
    fn other_secrets_and_issuers_are_refused() {
        let signer = keys(b"0123456789abcdef0123456789abcdef", "yui");
        let issued = signer.issue(UserId::generate(), SessionId::generate(), Role::Admin).expect("signs");
        assert!(keys(b"another secret, another secret!!", "yui").verify(&issued.token).is_err());
        assert!(keys(b"0123456789abcdef0123456789abcdef", "other").verify(&issued.token).is_err());
        assert!(signer.verify("not.a.jwt").is_err());
    }
}
