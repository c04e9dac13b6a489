//! `GET /metrics`: what a Prometheus server scrapes, in its text format.
//!
//! * `yui_http_requests_total{route,method,status}`: answers by route template
//!   (`/v1/tasks/{id}`, never the concrete path, so the series stay few; paths that
//!   match no route are `other`);
//! * `yui_http_request_duration_seconds{route,method}`: a latency histogram;
//! * `yui_db_pool_connections{pool,state}` (`in_use`, `idle`), `yui_db_pool_max{pool}`
//!   and `yui_db_waiting`: the connection pools and the transactions waiting for a
//!   connection (or, on SQLite, for their turn to write);
//! * `yui_outbox_messages{status}` and `yui_webhook_deliveries{status}`: the backlog
//!   of e-mails and webhook deliveries, read from the database at scrape time;
//! * `yui_roster_loads_total{kind}`: workforce rosters read, `whole` or only the
//!   `changed_workers` (`yui_store::roster`); many `whole` loads mean centre-wide
//!   changes (the centre, a team) are frequent;
//! * `yui_build_info{version}` and `yui_uptime_seconds`.
//!
//! The endpoint is off unless the operator sets a token (`YUI_METRICS_TOKEN`); then
//! it wants `Authorization: Bearer <token>` (Prometheus: `authorization.credentials`).
//! It is not part of the API, so not in the OpenAPI document.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use yui_store::roster::RosterCache;
use yui_store::{Database, outbox, webhooks};

use crate::error::ApiError;
use crate::state::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bound, count) in BUCKETS.iter().zip(&mut self.counts) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

#[derive(Default)]
struct Recorded {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<(String, String), Histogram>,
}

/// This server's request counters, shared by its workers.
pub struct Metrics {
    started: Instant,
    recorded: Mutex<Recorded>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self { started: Instant::now(), recorded: Mutex::default() }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn record(&self, route: Option<&str>, method: &str, status: u16, elapsed: Duration) {
        let route = route.unwrap_or("other").to_owned();
        let mut recorded = self.recorded.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *recorded.requests.entry((route.clone(), method.to_owned(), status)).or_default() += 1;
        recorded.latency.entry((route, method.to_owned())).or_default().observe(elapsed.as_secs_f64());
    }

    /// Everything in the Prometheus text format (0.0.4).
    fn render(&self, db: &Database, rosters: &RosterCache, backlog: &Backlog) -> String {
        let mut out = String::new();
        let recorded = self.recorded.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        family(
            &mut out,
            "yui_http_requests_total",
            "counter",
            "Requests answered, by route template, method and status.",
        );
        for ((route, method, status), n) in &recorded.requests {
            let _ = writeln!(
                out,
                "yui_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        let name = "yui_http_request_duration_seconds";
        family(&mut out, name, "histogram", "Time from request to answer, by route template and method.");
        for ((route, method), histogram) in &recorded.latency {
            let labels = format!("route=\"{}\",method=\"{method}\"", escape(route));
            for (bound, count) in BUCKETS.iter().zip(histogram.counts) {
                let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {count}");
            }
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", histogram.count);
            let _ = writeln!(out, "{name}_sum{{{labels}}} {}", histogram.sum);
            let _ = writeln!(out, "{name}_count{{{labels}}} {}", histogram.count);
        }
        drop(recorded);

        family(&mut out, "yui_db_pool_connections", "gauge", "Database connections by pool, in use or idle.");
        let pools = db.pool_stats();
        for pool in &pools {
            let in_use = pool.open.saturating_sub(pool.idle);
            let _ = writeln!(out, "yui_db_pool_connections{{pool=\"{}\",state=\"in_use\"}} {in_use}", pool.name);
            let _ = writeln!(out, "yui_db_pool_connections{{pool=\"{}\",state=\"idle\"}} {}", pool.name, pool.idle);
        }
        family(&mut out, "yui_db_pool_max", "gauge", "The most connections each pool opens.");
        for pool in &pools {
            let _ = writeln!(out, "yui_db_pool_max{{pool=\"{}\"}} {}", pool.name, pool.max);
        }
        family(
            &mut out,
            "yui_db_waiting",
            "gauge",
            "Transactions waiting for a connection or for their turn to write.",
        );
        let _ = writeln!(out, "yui_db_waiting {}", db.waiting());

        family(&mut out, "yui_outbox_messages", "gauge", "E-mails in the outbox, by status.");
        for (status, n) in &backlog.messages {
            let _ = writeln!(out, "yui_outbox_messages{{status=\"{status}\"}} {n}");
        }
        family(&mut out, "yui_webhook_deliveries", "gauge", "Webhook deliveries, by status.");
        for (status, n) in &backlog.deliveries {
            let _ = writeln!(out, "yui_webhook_deliveries{{status=\"{status}\"}} {n}");
        }

        family(&mut out, "yui_roster_loads_total", "counter", "Workforce rosters read, whole or changed workers only.");
        let loads = rosters.loads();
        let _ = writeln!(out, "yui_roster_loads_total{{kind=\"whole\"}} {}", loads.whole);
        let _ = writeln!(out, "yui_roster_loads_total{{kind=\"changed_workers\"}} {}", loads.changed_workers);

        family(&mut out, "yui_build_info", "gauge", "The running build.");
        let _ = writeln!(out, "yui_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
        family(&mut out, "yui_uptime_seconds", "gauge", "Seconds since this server started.");
        let _ = writeln!(out, "yui_uptime_seconds {}", self.started.elapsed().as_secs_f64());
        out
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value as the text format wants it.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The outbox and webhook backlogs, by status.
struct Backlog {
    messages: Vec<(String, i64)>,
    deliveries: Vec<(String, i64)>,
}

/// Whether `presented` is `expected`, in time that does not depend on where they differ.
fn same_secret(presented: &[u8], expected: &[u8]) -> bool {
    presented.len() == expected.len() && presented.iter().zip(expected).fold(0_u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// `GET /metrics`.
pub async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, ApiError> {
    let Some(token) = state.settings.metrics_token.as_deref() else {
        return Err(ApiError::not_found("metrics endpoint (set YUI_METRICS_TOKEN to turn it on)"));
    };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !same_secret(presented.trim().as_bytes(), token.as_bytes()) {
        return Err(ApiError::unauthorized());
    }
    let backlog = state
        .read(|conn| {
            let messages = outbox::counts(conn)?.into_iter().map(|(s, n)| (s.as_str().to_owned(), n)).collect();
            Ok(Backlog { messages, deliveries: webhooks::counts(conn)? })
        })
        .await?;
    let body = metrics.render(&state.db, &state.rosters, &backlog);
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_counts_each_observation_in_every_bucket_at_or_above_it() {
        let mut histogram = Histogram::default();
        histogram.observe(0.003);
        histogram.observe(0.2);
        assert_eq!(histogram.counts[..3], [0, 0, 1]);
        assert_eq!(histogram.counts[BUCKETS.len() - 1], 2);
        assert_eq!(histogram.count, 2);
        assert!((histogram.sum - 0.203).abs() < 1e-9);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
        assert_eq!(escape("a\"b\\c"), "a\\\"b\\\\c");
    }
}
