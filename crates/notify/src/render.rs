//! Turning an outbox message (template, locale, data) into a subject, a plain-text
//! body and an HTML body.
//!
//! The wording lives in files, `templates/<locale>/<template>.txt` (its first line is
//! `Subject: …`) and `.html` (the message's content, then `<!-- footer -->` and the
//! footer), compiled into the binary so a deployment cannot lose them. Every HTML
//! message is framed by its locale's `layout.html` (document head, styles, title =
//! subject), kept in one place. They use a small mustache subset: `{{name}}` (HTML-escaped in `.html`),
//! `{{{name}}}` (raw, only for HTML built here and already escaped), and
//! `{{#name}}…{{/name}}` (kept only when `name` is not empty). A placeholder without
//! a value is an error, never a silent blank: the tests render every template.
//!
//! Values are prepared per locale here: times (`*_at`, RFC 3339 in the data) in the
//! centre's time zone, amounts of money, role names, and the link (the web app's
//! address + the data's `path`, + `?token=` for account messages).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;
use yui_domain::{Locale, Template};

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenderError {
    #[error("template {template} ({locale}) uses `{name}`, which the message does not have")]
    MissingValue { template: &'static str, locale: &'static str, name: String },
    #[error("template {template} ({locale}) is malformed: {problem}")]
    Malformed { template: &'static str, locale: &'static str, problem: String },
    #[error("the message data is not an object")]
    NotAnObject,
}

macro_rules! template_files {
    ($($name:literal),+ $(,)?) => {
        /// The (text, HTML) sources of a template in a locale.
        fn sources(template: Template, locale: Locale) -> (&'static str, &'static str) {
            match (locale, template.as_str()) {
                $(
                    (Locale::En, $name) => (
                        include_str!(concat!("../templates/en/", $name, ".txt")),
                        include_str!(concat!("../templates/en/", $name, ".html")),
                    ),
                    (Locale::Ja, $name) => (
                        include_str!(concat!("../templates/ja/", $name, ".txt")),
                        include_str!(concat!("../templates/ja/", $name, ".html")),
                    ),
                )+
                _ => ("", ""),
            }
        }
    };
}

/// The HTML frame of every message in a locale.
fn layout(locale: Locale) -> &'static str {
    match locale {
        Locale::En => include_str!("../templates/en/layout.html"),
        Locale::Ja => include_str!("../templates/ja/layout.html"),
    }
}

const FOOTER_MARK: &str = "<!-- footer -->\n";

template_files!(
    "invitation",
    "verify_email",
    "password_reset",
    "task_assigned",
    "changes_requested",
    "task_released",
    "quote_sent",
    "delivery_ready",
    "job_completed",
    "job_posted",
    "work_at_risk",
    "digest",
    "endpoint_disabled",
    "statement_closed",
    "invoice_issued",
    "invoice_overdue",
    "invoice_paid",
    "time_approved",
    "time_rejected",
);

/// The values a template is filled with.
#[derive(Debug, Clone, Default)]
pub struct Values {
    plain: BTreeMap<String, String>,
    /// Already-escaped HTML, for `{{{name}}}`.
    raw_html: BTreeMap<String, String>,
}

impl Values {
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.plain.insert(name.to_owned(), value.into());
    }

    pub fn set_html(&mut self, name: &str, html: impl Into<String>) {
        self.raw_html.insert(name.to_owned(), html.into());
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.plain.get(name).map(String::as_str)
    }

    /// The message's link (the web app's address + its path).
    #[must_use]
    pub fn link(&self) -> Option<&str> {
        self.get("link")
    }
}

/// Renders `template` in `locale` with `values`.
pub fn render(template: Template, locale: Locale, values: &Values) -> Result<Rendered, RenderError> {
    let (text_source, html_source) = sources(template, locale);
    let names = (template.as_str(), locale.as_str());
    let malformed =
        |problem: &str| RenderError::Malformed { template: names.0, locale: names.1, problem: problem.to_owned() };
    let (subject_line, body) = text_source.split_once('\n').ok_or_else(|| malformed("no subject line"))?;
    let subject_source =
        subject_line.strip_prefix("Subject: ").ok_or_else(|| malformed("the first line is not `Subject: …`"))?;
    let subject = fill(subject_source, values, false, names)?.trim().to_owned();
    let text = fill(body.trim_start_matches('\n'), values, false, names)?;
    let (content, footer) =
        html_source.split_once(FOOTER_MARK).ok_or_else(|| malformed("no `<!-- footer -->` line"))?;
    let mut framed = values.clone();
    framed.set("subject", subject.clone());
    framed.set_html("content", fill(content, values, true, names)?.trim_end());
    framed.set_html("footer", fill(footer, values, true, names)?.trim_end());
    let html = fill(layout(locale), &framed, true, names)?;
    Ok(Rendered { subject, text, html })
}

/// Fills one template source.
fn fill(source: &str, values: &Values, html: bool, names: (&'static str, &'static str)) -> Result<String, RenderError> {
    let malformed = |problem: String| RenderError::Malformed { template: names.0, locale: names.1, problem };
    let mut out = String::with_capacity(source.len() + 256);
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        if let Some(inner) = after.strip_prefix("{{{") {
            let end = inner.find("}}}").ok_or_else(|| malformed("unclosed `{{{`".into()))?;
            let name = inner[..end].trim();
            let value = values.raw_html.get(name).ok_or_else(|| missing(name, names))?;
            out.push_str(value);
            rest = &inner[end + 3..];
            continue;
        }
        let inner = &after[2..];
        let end = inner.find("}}").ok_or_else(|| malformed("unclosed `{{`".into()))?;
        let tag = inner[..end].trim();
        let after_tag = &inner[end + 2..];
        if let Some(name) = tag.strip_prefix('#') {
            let name = name.trim();
            let close = format!("{{{{/{name}}}}}");
            let section_end =
                after_tag.find(&close).ok_or_else(|| malformed(format!("`{{{{#{name}}}}}` is never closed")))?;
            let section = &after_tag[..section_end];
            let value = values.get(name).or_else(|| values.raw_html.get(name).map(String::as_str));
            let value = value.ok_or_else(|| missing(name, names))?;
            if !value.trim().is_empty() {
                out.push_str(&fill(section, values, html, names)?);
            }
            rest = &after_tag[section_end + close.len()..];
        } else if tag.starts_with('/') {
            return Err(malformed(format!("`{{{{{tag}}}}}` closes nothing")));
        } else {
            let value = values.get(tag).ok_or_else(|| missing(tag, names))?;
            if html {
                escape_into(&mut out, value);
            } else {
                out.push_str(value);
            }
            rest = after_tag;
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn missing(name: &str, (template, locale): (&'static str, &'static str)) -> RenderError {
    RenderError::MissingValue { template, locale, name: name.to_owned() }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Prepares the values of a message from its stored data: every string or number
/// as it is, times formatted for `locale`, money, the role's name, and the link.
pub fn values_of(data: &Value, locale: Locale, app_url: &str) -> Result<Values, RenderError> {
    let Value::Object(map) = data else { return Err(RenderError::NotAnObject) };
    let zone: Tz = map.get("time_zone").and_then(Value::as_str).and_then(|z| z.parse().ok()).unwrap_or(Tz::Asia__Tokyo);
    let mut values = Values::default();
    for (name, value) in map {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        let text = match DateTime::parse_from_rfc3339(&text) {
            Ok(time) if name.ends_with("_at") => format_time(time.with_timezone(&Utc), zone, locale),
            _ => text,
        };
        values.set(name, text);
    }
    if let (Some(amount), Some(currency)) =
        (map.get("amount_minor").and_then(Value::as_i64), map.get("currency").and_then(Value::as_str))
    {
        values.set("amount", format_money(amount, currency));
    }
    if let Some(role) = map.get("role").and_then(Value::as_str) {
        values.set("role_label", role_label(role, locale));
    }
    let path = map.get("path").and_then(Value::as_str).unwrap_or("/");
    let mut link = format!("{}{path}", app_url.trim_end_matches('/'));
    if let Some(token) = map.get("token").and_then(Value::as_str) {
        link.push_str("?token=");
        link.push_str(token);
    }
    values.set("link", link);
    Ok(values)
}

/// A time as a person in `zone` reads it, e.g. `2026年12月1日 17:00 (Asia/Tokyo)`.
#[must_use]
pub fn format_time(time: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    let local = time.with_timezone(&zone);
    match locale {
        Locale::Ja => format!("{} ({})", local.format("%Y年%-m月%-d日 %H:%M"), zone.name()),
        Locale::En => format!("{} ({})", local.format("%-d %B %Y, %H:%M"), zone.name()),
    }
}

/// An amount in minor units, e.g. `¥12,000` or `12.50 EUR`.
#[must_use]
pub fn format_money(amount_minor: i64, currency: &str) -> String {
    let grouped = |n: u64| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let sign = if amount_minor < 0 { "-" } else { "" };
    let magnitude = amount_minor.unsigned_abs();
    if currency == "JPY" {
        format!("{sign}¥{}", grouped(magnitude))
    } else {
        format!("{sign}{}.{:02} {currency}", grouped(magnitude / 100), magnitude % 100)
    }
}

fn role_label(role: &str, locale: Locale) -> String {
    let label = match (locale, role) {
        (Locale::Ja, "admin") => "管理者",
        (Locale::Ja, "director") => "ディレクター",
        (Locale::Ja, "worker") => "ワーカー",
        (Locale::Ja, "client") => "クライアント",
        (Locale::En, "admin") => "admin",
        (Locale::En, "director") => "director",
        (Locale::En, "worker") => "worker",
        (Locale::En, "client") => "client",
        (_, other) => other,
    };
    label.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values each template is documented to receive (docs/notifications.md).
    fn documented(template: Template) -> &'static [&'static str] {
        const NOTICE: [&str; 7] =
            ["recipient_name", "job_title", "center_name", "organization_name", "actor_name", "job_due_at", "link"];
        match template.as_str() {
            "invitation" => &["inviter_name", "tenant_name", "role_label", "link", "expires_at"],
            "verify_email" | "password_reset" => &["recipient_name", "link", "expires_at"],
            "digest" => &["recipient_name", "count", "items"],
            "endpoint_disabled" => &["recipient_name", "endpoint_url", "reason", "link"],
            "statement_closed" => &["recipient_name", "center_name", "period", "amount", "link"],
            "invoice_issued" | "invoice_overdue" => {
                &["recipient_name", "center_name", "billed_for", "invoice_number", "amount", "due_on", "link"]
            }
            "invoice_paid" => {
                &["recipient_name", "center_name", "billed_for", "invoice_number", "amount", "paid_on", "link"]
            }
            "time_approved" | "time_rejected" => {
                &["recipient_name", "actor_name", "task_title", "job_title", "minutes", "reason", "link"]
            }
            "task_assigned" | "changes_requested" | "task_released" | "work_at_risk" => &[
                NOTICE[0],
                NOTICE[1],
                NOTICE[2],
                NOTICE[3],
                NOTICE[4],
                NOTICE[5],
                NOTICE[6],
                "task_title",
                "due_at",
                "assignee_name",
                "comment",
                "note",
                "reason",
            ],
            "quote_sent" => &[NOTICE[0], NOTICE[1], NOTICE[2], NOTICE[3], NOTICE[4], NOTICE[5], NOTICE[6], "amount"],
            "delivery_ready" => {
                &[NOTICE[0], NOTICE[1], NOTICE[2], NOTICE[3], NOTICE[4], NOTICE[5], NOTICE[6], "task_count"]
            }
            _ => &NOTICE,
        }
    }

    #[test]
    fn every_template_renders_in_every_locale_with_its_documented_values() {
        for template in Template::all() {
            for locale in Locale::ALL {
                let mut values = Values::default();
                for name in documented(template) {
                    values.set(name, format!("<{name}>"));
                    values.set_html(name, format!("<li>{name}</li>"));
                }
                let rendered = render(template, locale, &values)
                    .unwrap_or_else(|e| panic!("{} {}: {e}", template.as_str(), locale.as_str()));
                assert!(!rendered.subject.is_empty(), "{} {}: empty subject", template.as_str(), locale.as_str());
                for part in [&rendered.subject, &rendered.text, &rendered.html] {
                    assert!(
                        !part.contains("{{"),
                        "{} {}: a placeholder is left: {part}",
                        template.as_str(),
                        locale.as_str()
                    );
                }
                assert!(rendered.html.contains(&format!("lang=\"{}\"", locale.as_str())));
                let title = format!("<title>{}</title>", escape(&rendered.subject));
                assert!(
                    rendered.html.contains(&title),
                    "{} {}: the title is the subject",
                    template.as_str(),
                    locale.as_str()
                );
                assert!(rendered.html.trim_end().ends_with("</html>"));
                // Values are escaped in HTML and kept as they are in text.
                if documented(template).contains(&"link") {
                    assert!(rendered.text.contains("<link>"));
                    assert!(rendered.html.contains("&lt;link&gt;"));
                }
            }
        }
    }

    #[test]
    fn sections_show_only_non_empty_values_and_missing_values_are_errors() {
        let mut values = Values::default();
        values.set("a", "x");
        values.set("b", " ");
        assert_eq!(fill("[{{#a}}A={{a}}{{/a}}][{{#b}}B{{/b}}]", &values, false, ("t", "en")), Ok("[A=x][]".into()));
        assert!(matches!(fill("{{c}}", &values, false, ("t", "en")), Err(RenderError::MissingValue { .. })));
        assert!(matches!(fill("{{#a}}never closed", &values, false, ("t", "en")), Err(RenderError::Malformed { .. })));
        assert_eq!(
            fill(
                "{{a}}",
                &{
                    let mut v = Values::default();
                    v.set("a", "<&\"'>");
                    v
                },
                true,
                ("t", "en")
            ),
            Ok("&lt;&amp;&quot;&#39;&gt;".into())
        );
    }

    #[test]
    fn values_are_prepared_per_locale() {
        let data = serde_json::json!({
            "due_at": "2026-12-01T08:00:00+00:00",
            "time_zone": "Asia/Tokyo",
            "amount_minor": 1_234_567,
            "currency": "JPY",
            "role": "worker",
            "path": "/accept-invitation",
            "token": "abc",
        });
        let ja = values_of(&data, Locale::Ja, "https://yui.example/").expect("values");
        assert_eq!(ja.get("due_at"), Some("2026年12月1日 17:00 (Asia/Tokyo)"));
        assert_eq!(ja.get("amount"), Some("¥1,234,567"));
        assert_eq!(ja.get("role_label"), Some("ワーカー"));
        assert_eq!(ja.get("link"), Some("https://yui.example/accept-invitation?token=abc"));
        let en = values_of(&data, Locale::En, "https://yui.example").expect("values");
        assert_eq!(en.get("due_at"), Some("1 December 2026, 17:00 (Asia/Tokyo)"));
        assert_eq!(format_money(1250, "EUR"), "12.50 EUR");
        assert_eq!(format_money(-1000, "JPY"), "-¥1,000");
    }
}
