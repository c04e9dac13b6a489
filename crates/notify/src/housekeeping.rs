//! Periodic work, run by the same process that dispatches messages.
//!
//! * **Prune**: ended sessions with their refresh tokens, spent or expired account
//!   tokens, invitations expired long ago, old login failures, and final outbox
//!   messages and webhook deliveries past their retention.
//! * **At-risk sweep**: a task can become impossible to finish in time just because
//!   time passed (nobody changed anything). The sweep records an `at_risk` event for
//!   each such task once per assignment (which also tells the directors).
//! * **Overdue invoices**: an issued invoice still unpaid after its due date (in its
//!   centre's calendar) is reported once, as `invoice.overdue`, on the same cadence.
//! * **Daily digests**: each user's held notices, gathered into one message.
//!
//! Each job claims its turn in `housekeeping_runs` with compare-and-set, so with
//! several dispatchers it still runs once per period. Everything here is blocking
//! database work; the runner calls it on the blocking pool.

use std::time::Duration;

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use serde_json::json;
use yui_domain::workforce::risk;
use yui_domain::{PageLimit, Template};
use yui_store::outbox::{self, NewMessage};
use yui_store::roster::RosterCache;
use yui_store::{
    Database, StoreError, account_tokens, centers, events, flow, housekeeping, idempotency, invitations, invoices,
    login_failures, rate_limits, sessions, tasks, users, webhooks,
};

/// When each periodic job runs.
#[derive(Debug, Clone)]
pub struct HousekeepingSettings {
    /// How often the runner checks whether a job is due.
    pub check_every: Duration,
    pub prune_every: Duration,
    pub at_risk_every: Duration,
    /// The time of day (UTC) daily digests go out: 23:00 UTC is 08:00 in Japan.
    pub digest_at: NaiveTime,
    /// How long sent messages stay in the outbox for inspection.
    pub keep_sent: Duration,
}

impl Default for HousekeepingSettings {
    fn default() -> Self {
        Self {
            check_every: Duration::from_secs(30),
            prune_every: Duration::from_secs(3600),
            at_risk_every: Duration::from_secs(300),
            digest_at: NaiveTime::from_hms_opt(23, 0, 0).unwrap_or_default(),
            keep_sent: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// How many rows a prune removed, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub sessions: usize,
    pub account_tokens: usize,
    pub invitations: usize,
    pub login_failures: usize,
    pub messages: usize,
    pub webhook_deliveries: usize,
    /// Rate-limit windows that ended.
    pub rate_limit_windows: usize,
    /// Idempotency records older than a day.
    pub idempotency_records: usize,
}

/// Runs every job that is due at `now`.
pub fn run_due(
    db: &Database,
    rosters: &RosterCache,
    settings: &HousekeepingSettings,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if claim(db, "prune", before(now, settings.prune_every))? {
        let pruned = prune(db, settings)?;
        tracing::info!(?pruned, "housekeeping: pruned");
    }
    if claim(db, "at_risk_sweep", before(now, settings.at_risk_every))? {
        let recorded = sweep_at_risk(db, rosters, now)?;
        if recorded > 0 {
            tracing::info!(recorded, "housekeeping: tasks newly at risk");
        }
    }
    if claim(db, "overdue_sweep", before(now, settings.at_risk_every))? {
        let recorded = sweep_overdue(db, now)?;
        if recorded > 0 {
            tracing::info!(recorded, "housekeeping: invoices newly overdue");
        }
    }
    if claim(db, "digest", last_digest_time(settings.digest_at, now))? {
        let sent = send_digests(db)?;
        tracing::info!(sent, "housekeeping: daily digests");
    }
    Ok(())
}

/// The most recent daily digest time at or before `now`.
#[must_use]
pub fn last_digest_time(at: NaiveTime, now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.date_naive().and_time(at).and_utc();
    if today <= now { today } else { today - TimeDelta::days(1) }
}

fn claim(db: &Database, job: &'static str, due_before: DateTime<Utc>) -> Result<bool, StoreError> {
    db.write(|conn| housekeeping::claim_turn(conn, job, due_before))
}

/// Deletes what no longer serves anyone.
pub fn prune(db: &Database, settings: &HousekeepingSettings) -> Result<Pruned, StoreError> {
    let day = TimeDelta::days(1);
    let keep_sent = delta(settings.keep_sent);
    db.write(|conn| {
        Ok(Pruned {
            sessions: sessions::prune_ended(conn, day)?,
            account_tokens: account_tokens::prune(conn, day)?,
            invitations: invitations::prune_expired(conn, TimeDelta::days(30))?,
            login_failures: login_failures::prune(conn)?,
            messages: outbox::prune_final(conn, keep_sent)?,
            webhook_deliveries: webhooks::prune_final(conn, keep_sent)?,
            rate_limit_windows: rate_limits::prune(conn, yui_store::now().timestamp() - 120)?,
            idempotency_records: idempotency::prune(conn, yui_store::now() - idempotency::RETENTION)?,
        })
    })
}

/// Records `at_risk` for every task that cannot be finished in time as of `now`
/// and has not been reported since it was last assigned. Returns how many.
pub fn sweep_at_risk(db: &Database, rosters: &RosterCache, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let mut all_centres = Vec::new();
    let mut after = None;
    loop {
        let page = db.read(|conn| centers::list(conn, after, PageLimit::new(100).unwrap_or(PageLimit::DEFAULT)))?;
        all_centres.extend(page.items);
        match page.next_after {
            Some(next) => after = Some(next.into()),
            None => break,
        }
    }
    let mut recorded = 0;
    for center in all_centres {
        recorded += db.write(|conn| {
            let roster = rosters.current(conn, &center, now)?;
            let risky = risk::at_risk(|w| roster.schedule(w), tasks::commitments(conn, center.id)?, now);
            let mut recorded = 0;
            for at_risk in risky {
                let task_id = at_risk.commitment.task_id;
                if events::at_risk_since_assignment(conn, task_id)? {
                    continue;
                }
                let Some(task) = tasks::find(conn, task_id)? else { continue };
                // Nobody acted: time passed. The event names the task's worker, whose
                // time ran out.
                let details = json!({
                    "reason": "time",
                    "needed_minutes": at_risk.needed_minutes,
                    "available_minutes": at_risk.available_minutes,
                });
                flow::record_task_event(conn, at_risk.commitment.worker, &task, "at_risk", details)?;
                recorded += 1;
            }
            Ok::<_, StoreError>(recorded)
        })?;
    }
    Ok(recorded)
}

/// Records `invoice_overdue` once for every issued invoice whose due date has
/// passed in its centre's calendar as of `now`. Returns how many.
pub fn sweep_overdue(db: &Database, now: DateTime<Utc>) -> Result<usize, StoreError> {
    // The latest calendar day anywhere (UTC+14) bounds the candidates; each
    // centre's own today decides.
    let latest_today = (now + TimeDelta::hours(14)).date_naive();
    let mut recorded = 0;
    loop {
        let candidates = db.read(|conn| invoices::possibly_overdue(conn, latest_today, 100))?;
        let mut progressed = false;
        for invoice in &candidates {
            let marked = db.write(|conn| {
                let Some(center) = centers::find(conn, invoice.center_id)? else { return Ok::<_, StoreError>(false) };
                let today = now.with_timezone(&center.time_zone).date_naive();
                if invoice.due_on.is_none_or(|due| due >= today) {
                    return Ok(false);
                }
                let Some(actor) = invoice.issued_by else { return Ok(false) };
                if !invoices::mark_overdue(conn, invoice, now)? {
                    return Ok(false);
                }
                let details = json!({
                    "invoice_id": invoice.id.to_string(),
                    "number": invoice.number,
                    "due_on": invoice.due_on.map(|d| d.to_string()),
                    "total": invoice.totals.total,
                    "currency": invoice.currency.as_str(),
                    "period": invoice.period,
                });
                // Nobody acted: time passed. The event names the director who issued it.
                flow::record_invoice_event(conn, actor, invoice, "invoice_overdue", details)?;
                Ok(true)
            })?;
            if marked {
                recorded += 1;
                progressed = true;
            }
        }
        if candidates.len() < 100 || !progressed {
            return Ok(recorded);
        }
    }
}

/// Gathers each user's held notices into one digest message. Returns how many
/// digests were written.
pub fn send_digests(db: &Database) -> Result<usize, StoreError> {
    let waiting = db.read(outbox::users_with_held)?;
    let mut written = 0;
    for user in waiting {
        written += db.write(|conn| {
            let held = outbox::take_held(conn, user)?;
            let Some(recipient) = users::find(conn, user)?.filter(|u| u.active) else { return Ok::<_, StoreError>(0) };
            if held.is_empty() {
                return Ok(0);
            }
            let items: Vec<_> = held.iter().map(|m| json!({"template": m.template.as_str(), "data": m.data})).collect();
            outbox::enqueue(
                conn,
                &[NewMessage {
                    recipient_user: Some(recipient.id),
                    recipient: recipient.email,
                    locale: recipient.locale,
                    template: Template::Digest,
                    data: json!({"recipient_name": recipient.display_name, "path": "/v1/me", "items": items}),
                    held: false,
                }],
            )?;
            Ok(1)
        })?;
    }
    Ok(written)
}

fn before(now: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    now.checked_sub_signed(delta(duration)).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}
