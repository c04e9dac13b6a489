//! An invoice or credit note as documents people read: CSV for the client's
//! accounting (UTF-8, `bom=true` for spreadsheet software in Japan) and a printable
//! page, in Japanese or English. Both carry what a qualified invoice (適格請求書)
//! must show: the issuer's name and registration number, the recipient, the day of
//! the work, the lines with the reduced-rate ones marked, the subtotal and the
//! consumption tax per rate, and the total. A credit note (返還インボイス) names the
//! invoice it corrects; its amounts are what is taken back.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::InvoiceId;
use yui_domain::access::Action;
use yui_domain::invoicing::TaxRate;
use yui_notify::render::{escape, format_money};
use yui_store::invoices;

use super::documents::{DocumentLanguage, DocumentParams, PAGE_POLICY, csv_response, csv_row, html_response};
use super::invoices::{InvoiceKindName, InvoiceStatusName, InvoiceView, view_of};
use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(invoice_csv).service(invoice_html);
}

/// The words of an invoice, per language.
struct Words {
    invoice: &'static str,
    credit_note: &'static str,
    draft: &'static str,
    void: &'static str,
    paid: &'static str,
    number: &'static str,
    corrects: &'static str,
    issued_on: &'static str,
    due_on: &'static str,
    transaction_date: &'static str,
    period: &'static str,
    recipient_suffix: &'static str,
    issuer: &'static str,
    registration: &'static str,
    description: &'static str,
    minutes: &'static str,
    rate: &'static str,
    amount: &'static str,
    subtotal_at: &'static str,
    tax_at: &'static str,
    total: &'static str,
    /// Set after a reduced-rate line, and its explanation.
    mark: &'static str,
    reduced_mark: &'static str,
    reason: &'static str,
    rounding: &'static str,
}

const JA: Words = Words {
    invoice: "適格請求書",
    credit_note: "適格返還請求書",
    draft: "下書き（未発行）",
    void: "無効",
    paid: "入金済",
    number: "番号",
    corrects: "対象の請求書番号",
    issued_on: "発行日",
    due_on: "支払期日",
    transaction_date: "取引年月日",
    period: "対象期間",
    recipient_suffix: " 御中",
    issuer: "発行者",
    registration: "登録番号",
    description: "内容",
    minutes: "時間（分）",
    rate: "税率",
    amount: "金額（税抜）",
    subtotal_at: "対象",
    tax_at: "消費税",
    total: "合計（税込）",
    mark: " ※",
    reduced_mark: "※は軽減税率（8%）対象",
    reason: "理由",
    rounding: "消費税は税率ごとに合計額から一度だけ計算しています。",
};

const EN: Words = Words {
    invoice: "Qualified invoice",
    credit_note: "Qualified credit note",
    draft: "Draft (not issued)",
    void: "Void",
    paid: "Paid",
    number: "No.",
    corrects: "Corrects invoice no.",
    issued_on: "Issued on",
    due_on: "Due on",
    transaction_date: "Transaction date",
    period: "Period",
    recipient_suffix: "",
    issuer: "Issuer",
    registration: "Registration number",
    description: "Description",
    minutes: "Minutes",
    rate: "Tax rate",
    amount: "Amount (before tax)",
    subtotal_at: "Subtotal at",
    tax_at: "Consumption tax at",
    total: "Total (tax included)",
    mark: " *",
    reduced_mark: "* marks the reduced rate (8 %)",
    reason: "Reason",
    rounding: "Consumption tax is computed once per rate, on that rate's subtotal.",
};

fn words(lang: DocumentLanguage) -> &'static Words {
    match lang {
        DocumentLanguage::Ja => &JA,
        DocumentLanguage::En => &EN,
    }
}

/// An invoice, with the number of the invoice a credit note corrects.
struct Document {
    view: InvoiceView,
    corrects_number: Option<i64>,
}

fn title(w: &Words, view: &InvoiceView) -> &'static str {
    if view.kind == InvoiceKindName::CreditNote { w.credit_note } else { w.invoice }
}

fn status_word(w: &Words, view: &InvoiceView) -> &'static str {
    match view.status {
        InvoiceStatusName::Draft => w.draft,
        InvoiceStatusName::Void => w.void,
        InvoiceStatusName::Paid => w.paid,
        InvoiceStatusName::Issued => "",
    }
}

fn number_text(number: Option<i64>) -> String {
    number.map(|n| format!("{n:06}")).unwrap_or_default()
}

fn day_text(day: Option<chrono::NaiveDate>) -> String {
    day.map(|d| d.to_string()).unwrap_or_default()
}

fn marked(w: &Words, description: &str, rate: i64) -> String {
    let mark = if rate == TaxRate::Reduced8.percent() { w.mark } else { "" };
    format!("{description}{mark}")
}

fn render_csv(doc: &Document, lang: DocumentLanguage, bom: bool) -> String {
    let (w, view) = (words(lang), &doc.view);
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    let currency = view.total.currency.as_str();
    out.push_str(&csv_row(&[title(w, view), status_word(w, view)]));
    out.push_str(&csv_row(&[w.number, &number_text(view.number)]));
    if let Some(number) = doc.corrects_number {
        out.push_str(&csv_row(&[w.corrects, &number_text(Some(number))]));
    }
    out.push_str(&csv_row(&[w.issued_on, &day_text(view.issued_on)]));
    out.push_str(&csv_row(&[w.due_on, &day_text(view.due_on)]));
    out.push_str(&csv_row(&[w.transaction_date, &view.transaction_date.to_string()]));
    if let Some(period) = &view.period {
        out.push_str(&csv_row(&[w.period, period]));
    }
    out.push_str(&csv_row(&[w.recipient_suffix.trim(), &view.recipient_name]));
    if let Some(issuer) = &view.issuer {
        out.push_str(&csv_row(&[w.issuer, &issuer.legal_name, &issuer.address]));
        out.push_str(&csv_row(&[w.registration, &issuer.registration_number]));
    }
    out.push_str(&csv_row(&[w.description, w.minutes, w.rate, w.amount, currency]));
    for line in &view.lines {
        let minutes = line.minutes.map(|m| m.to_string()).unwrap_or_default();
        let rate = format!("{}%", line.tax_rate);
        let description = marked(w, &line.description, line.tax_rate);
        out.push_str(&csv_row(&[&description, &minutes, &rate, &line.amount.amount_minor.to_string()]));
    }
    for rate in &view.by_rate {
        let label = format!("{} {}%", w.subtotal_at, rate.tax_rate);
        out.push_str(&csv_row(&[&label, "", "", &rate.subtotal.amount_minor.to_string()]));
        let label = format!("{} {}%", w.tax_at, rate.tax_rate);
        out.push_str(&csv_row(&[&label, "", "", &rate.tax.amount_minor.to_string()]));
    }
    out.push_str(&csv_row(&[w.total, "", "", &view.total.amount_minor.to_string()]));
    if let Some(reason) = &view.reason {
        out.push_str(&csv_row(&[w.reason, reason]));
    }
    out.push_str(&csv_row(&[w.reduced_mark]));
    out.push_str(&csv_row(&[w.rounding]));
    out
}

fn render_html(doc: &Document, lang: DocumentLanguage) -> String {
    let (w, view) = (words(lang), &doc.view);
    let lang_code = if lang == DocumentLanguage::Ja { "ja" } else { "en" };
    let currency = view.total.currency.clone();
    let money = |amount: i64| escape(&format_money(amount, &currency));
    let mut rows = String::new();
    for line in &view.lines {
        rows.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}%</td><td class=\"n\">{}</td></tr>\n",
            escape(&marked(w, &line.description, line.tax_rate)),
            line.minutes.map(|m| m.to_string()).unwrap_or_default(),
            line.tax_rate,
            money(line.amount.amount_minor),
        ));
    }
    let mut totals = String::new();
    for rate in &view.by_rate {
        totals.push_str(&format!(
            "<tr><th colspan=\"3\">{} {}%</th><td class=\"n\">{}</td></tr>\n<tr><th colspan=\"3\">{} {}%</th><td class=\"n\">{}</td></tr>\n",
            w.subtotal_at,
            rate.tax_rate,
            money(rate.subtotal.amount_minor),
            w.tax_at,
            rate.tax_rate,
            money(rate.tax.amount_minor),
        ));
    }
    totals.push_str(&format!(
        "<tr><th colspan=\"3\">{}</th><td class=\"n\"><strong>{}</strong></td></tr>\n",
        w.total,
        money(view.total.amount_minor)
    ));
    let issuer = view.issuer.as_ref().map_or_else(String::new, |i| {
        format!(
            "<p>{}: <strong>{}</strong><br>{}<br>{}: {}</p>\n",
            w.issuer,
            escape(&i.legal_name),
            escape(&i.address),
            w.registration,
            escape(&i.registration_number)
        )
    });
    let corrects =
        doc.corrects_number.map_or_else(String::new, |n| format!("{}: {}<br>", w.corrects, number_text(Some(n))));
    let period = view.period.as_ref().map_or_else(String::new, |p| format!("<br>{}: {}", w.period, escape(p)));
    let reason = view.reason.as_ref().map_or_else(String::new, |r| format!("<p>{}: {}</p>\n", w.reason, escape(r)));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang_code}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n<title>{title} {number}</title>\n\
         <style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border:1px solid #999;padding:.3em .5em;text-align:left}}.n{{text-align:right}}\
         @media print{{body{{margin:0}}}}</style>\n</head>\n<body>\n<h1>{title} <small>{status}</small></h1>\n\
         <p><strong>{recipient}{suffix}</strong></p>\n\
         <p>{number_label}: {number}<br>{corrects}{issued_label}: {issued}<br>{due_label}: {due}<br>{transaction_label}: {transaction}{period}</p>\n\
         {issuer}<table>\n<thead><tr><th>{description}</th><th>{minutes}</th><th>{rate}</th><th>{amount}</th></tr></thead>\n\
         <tbody>\n{rows}</tbody>\n<tfoot>\n{totals}</tfoot>\n</table>\n{reason}<p>{mark}<br>{rounding}</p>\n</body>\n</html>\n",
        policy = PAGE_POLICY,
        title = title(w, view),
        status = status_word(w, view),
        recipient = escape(&view.recipient_name),
        suffix = w.recipient_suffix,
        number_label = w.number,
        number = number_text(view.number),
        issued_label = w.issued_on,
        issued = day_text(view.issued_on),
        due_label = w.due_on,
        due = day_text(view.due_on),
        transaction_label = w.transaction_date,
        transaction = view.transaction_date,
        description = w.description,
        minutes = w.minutes,
        rate = w.rate,
        amount = w.amount,
        mark = w.reduced_mark,
        rounding = w.rounding,
    )
}

async fn document(state: &AppState, bearer: Bearer, id: InvoiceId) -> Result<Document, ApiError> {
    state
        .read_as(bearer, move |conn, actor| {
            let invoice = access::invoice(conn, actor, id, Action::ViewInvoice)?;
            let corrects_number = match invoice.credits {
                Some(original) => invoices::find(conn, original)?.and_then(|o| o.number),
                None => None,
            };
            Ok(Document { view: view_of(conn, invoice)?, corrects_number })
        })
        .await
}

/// An invoice or credit note as CSV (the centre's directors and admins; the billed
/// client once it is issued).
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:read"])),
    params(("id" = Uuid, Path, description = "The invoice's id."), DocumentParams),
    responses((status = 200, description = "The invoice as UTF-8 CSV.", content_type = "text/csv", body = String))
)]
#[get("/invoices/{id}/csv")]
async fn invoice_csv(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    params: web::Query<DocumentParams>,
) -> Result<HttpResponse, ApiError> {
    let doc = document(&state, bearer, InvoiceId::from(id.into_inner())).await?;
    let body = render_csv(&doc, params.lang.unwrap_or_default(), params.bom.unwrap_or(false));
    let name = doc.view.number.map_or_else(|| format!("draft-{}", doc.view.id), |n| format!("{n:06}"));
    Ok(csv_response(body, &format!("invoice-{name}.csv")))
}

/// An invoice or credit note as a printable page (the centre's directors and
/// admins; the billed client once it is issued).
#[utoipa::path(
    tag = tags::INVOICES,
    security(("bearer_token" = []), ("api_key" = ["invoices:read"])),
    params(("id" = Uuid, Path, description = "The invoice's id."), DocumentParams),
    responses((status = 200, description = "The invoice as HTML.", content_type = "text/html", body = String))
)]
#[get("/invoices/{id}/html")]
async fn invoice_html(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    params: web::Query<DocumentParams>,
) -> Result<HttpResponse, ApiError> {
    let doc = document(&state, bearer, InvoiceId::from(id.into_inner())).await?;
    Ok(html_response(render_html(&doc, params.lang.unwrap_or_default())))
}
