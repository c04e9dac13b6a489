//! Webhook endpoints and the signed deliveries sent to them.
//!
//! An endpoint belongs to a centre or a client organisation and subscribes to event
//! types. Each published event ([`crate::events::Published`]) becomes one delivery
//! row per subscribed endpoint, in the transaction that records the event (the
//! webhook outbox), with the exact body to send: a centre's endpoints get what its
//! directors may read, an organisation's what its clients may read (job events only,
//! no actors). The dispatcher (`yui-notify`) claims due deliveries with a lease, as
//! it does e-mails, and records every attempt.
//!
//! The signing secret must be readable to sign, so it is stored as is (unlike tokens,
//! which are only ever compared): protect the database accordingly.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use uuid::Uuid;
use yui_domain::{CenterId, PageLimit, Tenant, UserId};

use crate::events::{Event, Published};
use crate::ids::{from_db_time, parse_json, parse_tenant, parse_uuid, tenant_columns, to_db_time, to_json};
use crate::schema::{
    jobs, webhook_attempts as attempts, webhook_deliveries as deliveries, webhook_endpoints as endpoints,
};
use crate::{DbConnection, Page, StoreError, overfetch};

/// An endpoint, as its owners see it (the secret is shown only when created or rotated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub id: Uuid,
    pub tenant: Tenant,
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    /// Since when every delivery has failed, if they do.
    pub failing_since: Option<DateTime<Utc>>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = endpoints)]
struct EndpointRow {
    id: String,
    center_id: Option<String>,
    organization_id: Option<String>,
    url: String,
    description: String,
    event_types: String,
    enabled: bool,
    disabled_reason: Option<String>,
    failing_since: Option<NaiveDateTime>,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<EndpointRow> for Endpoint {
    type Error = StoreError;
    fn try_from(row: EndpointRow) -> Result<Self, StoreError> {
        Ok(Endpoint {
            id: parse_uuid(&row.id)?,
            tenant: parse_tenant(row.center_id.as_deref(), row.organization_id.as_deref())?,
            url: row.url,
            description: row.description,
            event_types: parse_json(&row.event_types)?,
            enabled: row.enabled,
            disabled_reason: row.disabled_reason,
            failing_since: row.failing_since.map(from_db_time),
            created_by: parse_uuid(&row.created_by)?.into(),
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
        })
    }
}

/// A new endpoint.
#[derive(Debug, Clone)]
pub struct NewEndpoint<'a> {
    pub tenant: Tenant,
    pub url: &'a str,
    pub description: &'a str,
    pub event_types: &'a [String],
    pub secret: &'a str,
    pub created_by: UserId,
}

pub fn insert(conn: &mut DbConnection, new: NewEndpoint<'_>) -> Result<Endpoint, StoreError> {
    let id = Uuid::now_v7();
    let now = to_db_time(crate::now());
    let (center_id, organization_id) = tenant_columns(new.tenant);
    diesel::insert_into(endpoints::table)
        .values((
            endpoints::id.eq(id.to_string()),
            endpoints::center_id.eq(center_id),
            endpoints::organization_id.eq(organization_id),
            endpoints::url.eq(new.url),
            endpoints::description.eq(new.description),
            endpoints::event_types.eq(to_json(&new.event_types)?),
            endpoints::secret.eq(new.secret),
            endpoints::enabled.eq(true),
            endpoints::created_by.eq(new.created_by.to_string()),
            endpoints::created_at.eq(now),
            endpoints::updated_at.eq(now),
        ))
        .execute(conn)?;
    find_in_tenant(conn, new.tenant, id)?.ok_or_else(|| StoreError::Corrupt("the new endpoint vanished".into()))
}

fn of_tenant(tenant: Tenant) -> endpoints::BoxedQuery<'static, crate::db::MultiBackend> {
    let query = endpoints::table.into_boxed();
    match tenant {
        Tenant::Center(center) => query.filter(endpoints::center_id.eq(center.to_string())),
        Tenant::Organization(org) => query.filter(endpoints::organization_id.eq(org.to_string())),
    }
}

/// An endpoint of `tenant`; another tenant's is `None`, as if it did not exist.
pub fn find_in_tenant(conn: &mut DbConnection, tenant: Tenant, id: Uuid) -> Result<Option<Endpoint>, StoreError> {
    of_tenant(tenant)
        .filter(endpoints::id.eq(id.to_string()))
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()?
        .map(Endpoint::try_from)
        .transpose()
}

/// A tenant's endpoints, oldest first, one page after `after`.
pub fn list_in_tenant(
    conn: &mut DbConnection,
    tenant: Tenant,
    after: Option<Uuid>,
    limit: PageLimit,
) -> Result<Page<Endpoint>, StoreError> {
    let mut query = of_tenant(tenant).order(endpoints::id.asc());
    if let Some(after) = after {
        query = query.filter(endpoints::id.gt(after.to_string()));
    }
    let rows = query
        .select(EndpointRow::as_select())
        .limit(overfetch(limit))
        .load(conn)?
        .into_iter()
        .map(Endpoint::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |e| e.id))
}

/// Changes to an endpoint; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    /// Turning an endpoint back on forgets its failures.
    pub enabled: Option<bool>,
}

pub fn update(conn: &mut DbConnection, endpoint: &Endpoint, changes: EndpointChanges) -> Result<Endpoint, StoreError> {
    let now = to_db_time(crate::now());
    let one = endpoints::table.filter(endpoints::id.eq(endpoint.id.to_string()));
    if let Some(url) = &changes.url {
        diesel::update(one.clone()).set(endpoints::url.eq(url)).execute(conn)?;
    }
    if let Some(description) = &changes.description {
        diesel::update(one.clone()).set(endpoints::description.eq(description)).execute(conn)?;
    }
    if let Some(types) = &changes.event_types {
        diesel::update(one.clone()).set(endpoints::event_types.eq(to_json(types)?)).execute(conn)?;
    }
    match changes.enabled {
        Some(true) => {
            diesel::update(one.clone())
                .set((
                    endpoints::enabled.eq(true),
                    endpoints::disabled_reason.eq(None::<String>),
                    endpoints::failing_since.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
        }
        Some(false) => {
            diesel::update(one.clone())
                .set((endpoints::enabled.eq(false), endpoints::disabled_reason.eq(Some("disabled by its owner"))))
                .execute(conn)?;
        }
        None => {}
    }
    diesel::update(one.clone()).set(endpoints::updated_at.eq(now)).execute(conn)?;
    find_in_tenant(conn, endpoint.tenant, endpoint.id)?.ok_or_else(|| StoreError::Corrupt("endpoint vanished".into()))
}

/// Deletes an endpoint with its deliveries and their attempts.
pub fn delete(conn: &mut DbConnection, endpoint: &Endpoint) -> Result<(), StoreError> {
    let id = endpoint.id.to_string();
    let of_endpoint = deliveries::table.filter(deliveries::endpoint_id.eq(&id)).select(deliveries::id);
    diesel::delete(attempts::table.filter(attempts::delivery_id.eq_any(of_endpoint))).execute(conn)?;
    diesel::delete(deliveries::table.filter(deliveries::endpoint_id.eq(&id))).execute(conn)?;
    diesel::delete(endpoints::table.filter(endpoints::id.eq(&id))).execute(conn)?;
    Ok(())
}

/// Replaces the secret; the old one still signs (beside the new) until `overlap` ends.
pub fn rotate_secret(
    conn: &mut DbConnection,
    endpoint: &Endpoint,
    secret: &str,
    overlap: TimeDelta,
) -> Result<(), StoreError> {
    let now = crate::now();
    let one = endpoints::table.filter(endpoints::id.eq(endpoint.id.to_string()));
    let old: String = one.clone().select(endpoints::secret).first(conn)?;
    diesel::update(one.clone())
        .set((
            endpoints::secret.eq(secret),
            endpoints::previous_secret.eq(Some(old)),
            endpoints::previous_secret_until.eq(Some(to_db_time(now + overlap))),
            endpoints::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes a delivery of `body` (a published event) to `endpoint`.
pub fn enqueue(
    conn: &mut DbConnection,
    endpoint: Uuid,
    event_id: Uuid,
    event_type: &str,
    body: &serde_json::Value,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    let now = to_db_time(crate::now());
    diesel::insert_into(deliveries::table)
        .values((
            deliveries::id.eq(id.to_string()),
            deliveries::endpoint_id.eq(endpoint.to_string()),
            deliveries::event_id.eq(event_id.to_string()),
            deliveries::event_type.eq(event_type),
            deliveries::payload.eq(to_json(body)?),
            deliveries::status.eq("pending"),
            deliveries::attempts.eq(0),
            deliveries::next_attempt_at.eq(now),
            deliveries::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Writes the deliveries the given just-recorded published events cause.
pub(crate) fn for_events(conn: &mut DbConnection, published: &[(CenterId, Event)]) -> Result<(), StoreError> {
    // Each centre's endpoints are read once per call, however many events it has.
    let mut centre_endpoints: HashMap<CenterId, Vec<Subscriber>> = HashMap::new();
    for (center, event) in published {
        if !centre_endpoints.contains_key(center) {
            let found = subscribers(conn, endpoints::center_id.eq(center.to_string()))?;
            centre_endpoints.insert(*center, found);
        }
        let centre = &centre_endpoints[center];
        let draft_cancelled =
            event.task_id.is_none() && event.from_state.as_deref() == Some("draft") && event.kind != "posted";
        if !draft_cancelled && let Some(staff_view) = Published::of(event, false) {
            for endpoint in centre.iter().filter(|e| e.wants(staff_view.event_type.as_str())) {
                enqueue(conn, endpoint.id, event.id, staff_view.event_type.as_str(), &staff_view.to_json())?;
            }
        }
        if event.task_id.is_none() {
            let organization: Option<String> = match (event.organization_id, event.job_id) {
                (Some(organization), _) => Some(organization.to_string()),
                (None, Some(job)) => jobs::table
                    .filter(jobs::id.eq(job.to_string()))
                    .select(jobs::organization_id)
                    .first(conn)
                    .optional()?,
                (None, None) => None,
            };
            let Some(organization) = organization else { continue };
            let Some(client_view) = Published::of(event, true) else { continue };
            for endpoint in subscribers(conn, endpoints::organization_id.eq(organization))? {
                if endpoint.wants(client_view.event_type.as_str()) {
                    enqueue(conn, endpoint.id, event.id, client_view.event_type.as_str(), &client_view.to_json())?;
                }
            }
        }
    }
    Ok(())
}

#[derive(Debug)]
struct Subscriber {
    id: Uuid,
    event_types: Vec<String>,
}

impl Subscriber {
    fn wants(&self, event_type: &str) -> bool {
        self.event_types.iter().any(|t| t == event_type)
    }
}

fn subscribers<F>(conn: &mut DbConnection, owner: F) -> Result<Vec<Subscriber>, StoreError>
where
    F: diesel::expression::BoxableExpression<
            endpoints::table,
            crate::db::MultiBackend,
            SqlType = diesel::sql_types::Nullable<diesel::sql_types::Bool>,
        > + diesel::expression::NonAggregate
        + diesel::query_builder::QueryId
        + 'static,
{
    let rows: Vec<(String, String)> = endpoints::table
        .into_boxed()
        .filter(owner)
        .filter(endpoints::enabled.eq(true))
        .select((endpoints::id, endpoints::event_types))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, types)| Ok(Subscriber { id: parse_uuid(&id)?, event_types: parse_json(&types)? }))
        .collect()
}

/// A delivery claimed for sending, with what is needed to send it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub url: String,
    pub payload: String,
    /// The secrets to sign with: the current one, and the previous one while its
    /// overlap lasts.
    pub secrets: Vec<String>,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub failing_since: Option<DateTime<Utc>>,
}

/// Whether any delivery is due (a cheap read before claiming). Ordered so that
/// `webhook_deliveries_due_idx` is the plan whatever the statistics say, as
/// [`crate::outbox::any_due`] explains.
pub fn any_due(conn: &mut DbConnection) -> Result<bool, StoreError> {
    let now = to_db_time(crate::now());
    let due: Option<String> = deliveries::table
        .filter(deliveries::status.eq("pending"))
        .filter(deliveries::next_attempt_at.le(now))
        .filter(deliveries::locked_until.is_null().or(deliveries::locked_until.lt(now)))
        .order(deliveries::next_attempt_at.asc())
        .select(deliveries::id)
        .first(conn)
        .optional()?;
    Ok(due.is_some())
}

/// Claims up to `limit` due deliveries for `lease`; each claim counts as an attempt.
pub fn claim(conn: &mut DbConnection, limit: i64, lease: TimeDelta) -> Result<Vec<Outgoing>, StoreError> {
    let now = crate::now();
    let due = deliveries::table
        .filter(deliveries::status.eq("pending"))
        .filter(deliveries::next_attempt_at.le(to_db_time(now)))
        .filter(deliveries::locked_until.is_null().or(deliveries::locked_until.lt(to_db_time(now))))
        .order((deliveries::next_attempt_at.asc(), deliveries::id.asc()))
        .limit(limit)
        .select(deliveries::id);
    let ids: Vec<String> = match conn {
        DbConnection::Postgresql(pg) => due.for_update().skip_locked().load(pg)?,
        DbConnection::Sqlite(lite) => due.load(lite)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(deliveries::table.filter(deliveries::id.eq_any(&ids)))
        .set((deliveries::locked_until.eq(to_db_time(now + lease)), deliveries::attempts.eq(deliveries::attempts + 1)))
        .execute(conn)?;
    type Row =
        (String, String, String, String, i32, String, Option<String>, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let rows: Vec<Row> = deliveries::table
        .inner_join(endpoints::table.on(endpoints::id.eq(deliveries::endpoint_id)))
        .filter(deliveries::id.eq_any(&ids))
        .order(deliveries::id.asc())
        .select((
            deliveries::id,
            deliveries::endpoint_id,
            endpoints::url,
            deliveries::payload,
            deliveries::attempts,
            endpoints::secret,
            endpoints::previous_secret,
            endpoints::previous_secret_until,
            endpoints::failing_since,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, endpoint_id, url, payload, attempts, secret, previous, previous_until, failing_since)| {
            let mut secrets = vec![secret];
            if let (Some(previous), Some(until)) = (previous, previous_until)
                && from_db_time(until) > now
            {
                secrets.push(previous);
            }
            Ok(Outgoing {
                id: parse_uuid(&id)?,
                endpoint_id: parse_uuid(&endpoint_id)?,
                url,
                payload,
                secrets,
                attempts,
                failing_since: failing_since.map(from_db_time),
            })
        })
        .collect()
}

/// What one attempt got back.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    pub status_code: Option<u16>,
    pub latency_ms: i64,
    pub response_excerpt: String,
    pub error: Option<String>,
}

/// Records an attempt and its result: delivered, retried at `retry_at`, or failed
/// for good (`retry_at` `None`). A success clears the endpoint's failing streak; a
/// failure starts it if it is not running.
pub fn record_attempt(
    conn: &mut DbConnection,
    delivery: &Outgoing,
    outcome: &AttemptOutcome,
    delivered: bool,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let now = crate::now();
    // Its endpoint may have been deleted while it was being sent: nothing to record.
    let exists: Option<String> = deliveries::table
        .filter(deliveries::id.eq(delivery.id.to_string()))
        .select(deliveries::id)
        .first(conn)
        .optional()?;
    if exists.is_none() {
        return Ok(());
    }
    diesel::insert_into(attempts::table)
        .values((
            attempts::id.eq(Uuid::now_v7().to_string()),
            attempts::delivery_id.eq(delivery.id.to_string()),
            attempts::attempted_at.eq(to_db_time(now)),
            attempts::status_code.eq(outcome.status_code.map(i32::from)),
            attempts::latency_ms.eq(outcome.latency_ms),
            attempts::response_excerpt.eq(&outcome.response_excerpt),
            attempts::error.eq(&outcome.error),
        ))
        .execute(conn)?;
    let one = deliveries::table.filter(deliveries::id.eq(delivery.id.to_string()));
    let endpoint = endpoints::table.filter(endpoints::id.eq(delivery.endpoint_id.to_string()));
    if delivered {
        diesel::update(one.clone())
            .set((
                deliveries::status.eq("delivered"),
                deliveries::delivered_at.eq(Some(to_db_time(now))),
                deliveries::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        diesel::update(endpoint.clone()).set(endpoints::failing_since.eq(None::<NaiveDateTime>)).execute(conn)?;
    } else {
        let (status, next) = match retry_at {
            Some(at) => ("pending", at),
            None => ("failed", now),
        };
        diesel::update(one.clone())
            .set((
                deliveries::status.eq(status),
                deliveries::next_attempt_at.eq(to_db_time(next)),
                deliveries::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        diesel::update(endpoint.filter(endpoints::failing_since.is_null()))
            .set(endpoints::failing_since.eq(Some(to_db_time(now))))
            .execute(conn)?;
    }
    Ok(())
}

/// Disables an endpoint that failed for too long; its pending deliveries fail.
/// Returns the endpoint when this call disabled it (so its owners are told once).
pub fn disable_for_failing(
    conn: &mut DbConnection,
    endpoint: Uuid,
    reason: &str,
) -> Result<Option<Endpoint>, StoreError> {
    let updated = diesel::update(
        endpoints::table.filter(endpoints::id.eq(endpoint.to_string())).filter(endpoints::enabled.eq(true)),
    )
    .set((endpoints::enabled.eq(false), endpoints::disabled_reason.eq(Some(reason))))
    .execute(conn)?;
    if updated == 0 {
        return Ok(None);
    }
    diesel::update(
        deliveries::table
            .filter(deliveries::endpoint_id.eq(endpoint.to_string()))
            .filter(deliveries::status.eq("pending")),
    )
    .set((deliveries::status.eq("failed"), deliveries::locked_until.eq(None::<NaiveDateTime>)))
    .execute(conn)?;
    let row: Option<EndpointRow> = endpoints::table
        .filter(endpoints::id.eq(endpoint.to_string()))
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()?;
    row.map(Endpoint::try_from).transpose()
}

/// A delivery in an endpoint's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub tries: Vec<AttemptRecord>,
}

/// One attempt in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    pub response_excerpt: String,
    pub error: Option<String>,
}

/// An endpoint's deliveries, newest first, each with its attempts.
pub fn deliveries_of(
    conn: &mut DbConnection,
    endpoint: Uuid,
    after: Option<Uuid>,
    limit: PageLimit,
) -> Result<Page<DeliveryRecord>, StoreError> {
    let mut query = deliveries::table
        .filter(deliveries::endpoint_id.eq(endpoint.to_string()))
        .order(deliveries::id.desc())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(deliveries::id.lt(after.to_string()));
    }
    type Row = (String, String, String, String, i32, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>);
    let rows: Vec<Row> = query
        .select((
            deliveries::id,
            deliveries::event_id,
            deliveries::event_type,
            deliveries::status,
            deliveries::attempts,
            deliveries::next_attempt_at,
            deliveries::created_at,
            deliveries::delivered_at,
        ))
        .limit(overfetch(limit))
        .load(conn)?;
    let mut records = Vec::with_capacity(rows.len());
    for (id, event_id, event_type, status, count, next, created, delivered) in rows {
        type Try = (NaiveDateTime, Option<i32>, i64, String, Option<String>);
        let tries: Vec<Try> = attempts::table
            .filter(attempts::delivery_id.eq(&id))
            .order(attempts::id.asc())
            .select((
                attempts::attempted_at,
                attempts::status_code,
                attempts::latency_ms,
                attempts::response_excerpt,
                attempts::error,
            ))
            .load(conn)?;
        records.push(DeliveryRecord {
            id: parse_uuid(&id)?,
            event_id: parse_uuid(&event_id)?,
            event_type,
            status,
            attempts: count,
            next_attempt_at: from_db_time(next),
            created_at: from_db_time(created),
            delivered_at: delivered.map(from_db_time),
            tries: tries
                .into_iter()
                .map(|(at, code, latency, excerpt, error)| AttemptRecord {
                    attempted_at: from_db_time(at),
                    status_code: code,
                    latency_ms: latency,
                    response_excerpt: excerpt,
                    error,
                })
                .collect(),
        });
    }
    Ok(Page::from_overfetch(records, limit.get(), |d| d.id))
}

/// Sends a delivery of `endpoint` again (delivered or failed ones too), with the
/// same `webhook-id`. `false` when the endpoint has no such delivery.
pub fn redeliver(conn: &mut DbConnection, endpoint: Uuid, delivery: Uuid) -> Result<bool, StoreError> {
    let updated = diesel::update(
        deliveries::table
            .filter(deliveries::id.eq(delivery.to_string()))
            .filter(deliveries::endpoint_id.eq(endpoint.to_string())),
    )
    .set((
        deliveries::status.eq("pending"),
        deliveries::next_attempt_at.eq(to_db_time(crate::now())),
        deliveries::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Deletes final deliveries (delivered or failed) older than `age`, with their attempts.
pub fn prune_final(conn: &mut DbConnection, age: TimeDelta) -> Result<usize, StoreError> {
    let before = to_db_time(crate::now() - age);
    let old = deliveries::table
        .filter(deliveries::status.ne("pending"))
        .filter(deliveries::created_at.lt(before))
        .select(deliveries::id);
    diesel::delete(attempts::table.filter(attempts::delivery_id.eq_any(old))).execute(conn)?;
    Ok(diesel::delete(
        deliveries::table.filter(deliveries::status.ne("pending")).filter(deliveries::created_at.lt(before)),
    )
    .execute(conn)?)
}

/// How many deliveries are in each status (`pending`, `delivered`, `failed`).
pub fn counts(conn: &mut DbConnection) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(deliveries::table
        .group_by(deliveries::status)
        .select((deliveries::status, diesel::dsl::count_star()))
        .order(deliveries::status.asc())
        .load(conn)?)
}
