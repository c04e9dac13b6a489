//! A worker's earnings statement as documents people read: CSV for spreadsheets
//! (UTF-8; with `bom=true` a byte-order mark first, so spreadsheet software in Japan
//! opens it as UTF-8) and a printable HTML page, each in Japanese or English.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::UserId;
use yui_notify::render::{escape, format_money};

use super::documents::{DocumentLanguage, DocumentParams, PAGE_POLICY, csv_response, csv_row, html_response};
use super::statements::{PeriodStatus, StatementView, one_statement, parse_period};
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(statement_csv).service(statement_html);
}

/// The words of a statement, per language.
struct Words {
    title: &'static str,
    period: &'static str,
    worker: &'static str,
    job: &'static str,
    task: &'static str,
    rate: &'static str,
    minutes: &'static str,
    amount: &'static str,
    adjustment: &'static str,
    exact_total: &'static str,
    gross: &'static str,
    withholding: &'static str,
    net: &'static str,
    rounding: &'static str,
    status_open: &'static str,
    status_closed: &'static str,
    status_skipped: &'static str,
    yes: &'static str,
}

const JA: Words = Words {
    title: "報酬明細書",
    period: "対象期間",
    worker: "氏名",
    job: "案件",
    task: "タスク",
    rate: "時給",
    minutes: "時間（分）",
    amount: "金額",
    adjustment: "前期間の調整",
    exact_total: "合計（端数処理前）",
    gross: "支給額",
    withholding: "源泉徴収税額",
    net: "差引支給額",
    rounding: "各行は正確な金額（分 × 時給 ÷ 60）です。合計は明細ごとに一度だけ、1円未満を四捨五入しています。",
    status_open: "未確定（締め前の見込み）",
    status_closed: "確定",
    status_skipped: "締め対象外",
    yes: "はい",
};

const EN: Words = Words {
    title: "Earnings statement",
    period: "Period",
    worker: "Worker",
    job: "Job",
    task: "Task",
    rate: "Hourly rate",
    minutes: "Minutes",
    amount: "Amount",
    adjustment: "Adjustment from an earlier period",
    exact_total: "Total before rounding",
    gross: "Gross pay",
    withholding: "Withholding tax",
    net: "Net pay",
    rounding: "Each line is exact (minutes × hourly rate ÷ 60); the total is rounded once per statement, to the yen, half up.",
    status_open: "Open (a preview until the period closes)",
    status_closed: "Closed",
    status_skipped: "Not closed",
    yes: "yes",
};

fn words(lang: DocumentLanguage) -> &'static Words {
    match lang {
        DocumentLanguage::Ja => &JA,
        DocumentLanguage::En => &EN,
    }
}

fn status_word(words: &Words, status: PeriodStatus) -> &'static str {
    match status {
        PeriodStatus::Open => words.status_open,
        PeriodStatus::Closed => words.status_closed,
        PeriodStatus::Skipped => words.status_skipped,
    }
}

/// The statement as CSV (RFC 4180, CRLF line ends).
fn render_csv(view: &StatementView, lang: DocumentLanguage, bom: bool) -> String {
    let w = words(lang);
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    let period = format!("{} ({} – {})", view.period, view.first_day, view.last_day);
    out.push_str(&csv_row(&[w.title, status_word(w, view.status)]));
    out.push_str(&csv_row(&[w.worker, &view.display_name]));
    out.push_str(&csv_row(&[w.period, &period]));
    out.push_str(&csv_row(&[w.job, w.task, w.rate, w.minutes, w.amount, w.adjustment]));
    for line in &view.lines {
        let rate = line.hourly_rate.amount_minor.to_string();
        let minutes = line.minutes.to_string();
        let adjustment = if line.adjustment { w.yes } else { "" };
        out.push_str(&csv_row(&[&line.job_title, &line.task_title, &rate, &minutes, &line.amount, adjustment]));
    }
    let currency = &view.gross.currency;
    out.push_str(&csv_row(&[w.minutes, &view.minutes.to_string()]));
    out.push_str(&csv_row(&[w.exact_total, &view.exact_total, currency]));
    out.push_str(&csv_row(&[w.gross, &view.gross.amount_minor.to_string(), currency]));
    out.push_str(&csv_row(&[w.withholding, &view.withholding.amount_minor.to_string(), currency]));
    out.push_str(&csv_row(&[w.net, &view.net.amount_minor.to_string(), currency]));
    out.push_str(&csv_row(&[w.rounding]));
    out
}

/// The statement as a printable HTML page.
fn render_html(view: &StatementView, lang: DocumentLanguage) -> String {
    let w = words(lang);
    let lang_code = if lang == DocumentLanguage::Ja { "ja" } else { "en" };
    let currency = view.gross.currency.clone();
    let money = |amount: i64| escape(&format_money(amount, &currency));
    let mut rows = String::new();
    for line in &view.lines {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            escape(&line.job_title),
            escape(&line.task_title),
            money(line.hourly_rate.amount_minor),
            line.minutes,
            escape(&line.amount),
            if line.adjustment { w.yes } else { "" },
        ));
    }
    let total = |label: &str, amount: String| {
        format!("<tr><th colspan=\"4\">{label}</th><td class=\"n\">{amount}</td><td></td></tr>\n")
    };
    let totals = [
        total(w.exact_total, format!("{} {}", escape(&view.exact_total), escape(&currency))),
        total(w.gross, money(view.gross.amount_minor)),
        total(w.withholding, money(view.withholding.amount_minor)),
        total(w.net, money(view.net.amount_minor)),
    ]
    .concat();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang_code}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n<title>{title} {period}</title>\n\
         <style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border:1px solid #999;padding:.3em .5em;text-align:left}}.n{{text-align:right}}\
         @media print{{body{{margin:0}}}}</style>\n</head>\n<body>\n<h1>{title}</h1>\n\
         <p>{worker_label}: <strong>{worker}</strong><br>{period_label}: {period} ({first} – {last})<br>{status}</p>\n\
         <table>\n<thead><tr><th>{job}</th><th>{task}</th><th>{rate}</th><th>{minutes}</th><th>{amount}</th><th>{adjustment}</th></tr></thead>\n\
         <tbody>\n{rows}</tbody>\n<tfoot>\n<tr><th colspan=\"3\">{minutes}</th><td class=\"n\">{total_minutes}</td><td colspan=\"2\"></td></tr>\n{totals}</tfoot>\n</table>\n\
         <p>{rounding}</p>\n</body>\n</html>\n",
        title = w.title,
        period = escape(&view.period),
        worker_label = w.worker,
        worker = escape(&view.display_name),
        period_label = w.period,
        first = view.first_day,
        last = view.last_day,
        status = status_word(w, view.status),
        job = w.job,
        task = w.task,
        rate = w.rate,
        minutes = w.minutes,
        amount = w.amount,
        adjustment = w.adjustment,
        total_minutes = view.minutes,
        rounding = w.rounding,
        policy = PAGE_POLICY,
    )
}

/// A worker's statement as CSV (the worker; the centre's directors and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(
        ("id" = Uuid, Path, description = "The worker's id."),
        ("period" = String, Path, description = "The month the period closes in, `YYYY-MM`.", pattern = r"^\d{4}-\d{2}$"),
        DocumentParams,
    ),
    responses((status = 200, description = "The statement as UTF-8 CSV.", content_type = "text/csv", body = String))
)]
#[get("/workers/{id}/statements/{period}/csv")]
async fn statement_csv(
    state: web::Data<AppState>,
    bearer: Bearer,
    path: web::Path<(Uuid, String)>,
    params: web::Query<DocumentParams>,
) -> Result<HttpResponse, ApiError> {
    let (id, period) = path.into_inner();
    let (id, period) = (UserId::from(id), parse_period(&period)?);
    let view = state.read_as(bearer, move |conn, actor| one_statement(conn, actor, id, period)).await?;
    let body = render_csv(&view, params.lang.unwrap_or_default(), params.bom.unwrap_or(false));
    Ok(csv_response(body, &format!("statement-{}-{}.csv", view.period, view.worker_id)))
}

/// A worker's statement as a printable page (the worker; the centre's directors
/// and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    params(
        ("id" = Uuid, Path, description = "The worker's id."),
        ("period" = String, Path, description = "The month the period closes in, `YYYY-MM`.", pattern = r"^\d{4}-\d{2}$"),
        DocumentParams,
    ),
    responses((status = 200, description = "The statement as HTML.", content_type = "text/html", body = String))
)]
#[get("/workers/{id}/statements/{period}/html")]
async fn statement_html(
    state: web::Data<AppState>,
    bearer: Bearer,
    path: web::Path<(Uuid, String)>,
    params: web::Query<DocumentParams>,
) -> Result<HttpResponse, ApiError> {
    let (id, period) = path.into_inner();
    let (id, period) = (UserId::from(id), parse_period(&period)?);
    let view = state.read_as(bearer, move |conn, actor| one_statement(conn, actor, id, period)).await?;
    Ok(html_response(render_html(&view, params.lang.unwrap_or_default())))
}
