//! What every response says about itself beyond its body: security headers, cache
//! rules and server timing, added in one middleware.
//!
//! * `X-Content-Type-Options: nosniff` everywhere, so a browser never runs a JSON
//!   error as a script or a page.
//! * `Cache-Control: no-store` on every API response except the public directory:
//!   tokens and tenant data must not sit in a shared or browser cache.
//! * The docs page gets a `Content-Security-Policy` that allows only this origin
//!   (Swagger UI is served from the binary, so nothing else is needed) and may not be
//!   framed (`frame-ancestors 'none'`, `X-Frame-Options: DENY`, against clickjacking).
//! * `Server-Timing: app;dur=…`: how long the server spent on the request (for
//!   benchmarks and browser dev tools).

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// The docs page's policy: scripts, styles, images and the spec from this origin
/// only (Swagger UI's own stylesheet sets a few inline styles; its logo is a data:
/// image).
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// Adds the headers for a response to `path`, served in `millis`.
pub fn add(path: &str, millis: f64, headers: &mut HeaderMap) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if path.starts_with("/v1/") && !path.starts_with("/v1/public/") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if path == "/docs" || path.starts_with("/docs/") {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCS_POLICY));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={millis:.3}")) {
        headers.insert(HeaderName::from_static("server-timing"), value);
    }
}
