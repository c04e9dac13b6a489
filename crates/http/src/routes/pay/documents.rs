//! What the printable documents (earnings statements, invoices) share: the language
//! parameter, CSV fields that spreadsheets never run as formulas, and the headers of
//! a CSV download and of a printable page that runs no script.

use actix_web::HttpResponse;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The language of a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentLanguage {
    #[default]
    Ja,
    En,
}

/// How to render a document.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentParams {
    /// `ja` (default) or `en`.
    #[param(inline)]
    pub lang: Option<DocumentLanguage>,
    /// CSV only: start with a UTF-8 byte-order mark (for spreadsheet software in Japan).
    pub bom: Option<bool>,
}

/// The printable page's policy: nothing but its own inline styles, no scripts. It is
/// repeated in the page, so a saved copy keeps it.
pub const PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// The header's policy adds what only a header can say: never in a frame.
const HEADER_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A CSV field: quoted when it holds a separator, a quote or a line break; a field
/// starting like a formula gets a leading apostrophe so spreadsheets show it as text.
pub fn csv_field(value: &str) -> String {
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() };
    if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

pub fn csv_row(fields: &[&str]) -> String {
    let mut row = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    row.push_str("\r\n");
    row
}

/// A CSV download named `filename`.
pub fn csv_response(body: String, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{filename}\"")))
        .body(body)
}

/// A printable page under the strict policy, never in a frame.
pub fn html_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CONTENT_SECURITY_POLICY, HEADER_POLICY))
        .insert_header((actix_web::http::header::X_FRAME_OPTIONS, "DENY"))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("Route 19"), "Route 19");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("-1"), "'-1");
    }
}
