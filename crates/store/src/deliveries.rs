//! Deliveries: approved tasks of a job bundled for the client, each pinned to the
//! submission version that was delivered.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::flow::DeliveryStatus;
use yui_domain::{CenterId, DeliveryId, JobId, PageLimit, SubmissionId, TaskId, UserId};

use crate::ids::{from_db_time, parse_status, parse_uuid, to_db_time};
use crate::jobs::Job;
use crate::schema::{deliveries, delivery_items};
use crate::{DbConnection, Page, StoreError, overfetch};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: DeliveryId,
    pub job_id: JobId,
    pub center_id: CenterId,
    pub created_by: UserId,
    pub note: String,
    pub status: DeliveryStatus,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

/// One delivered task and the version of its result that was delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryItem {
    pub task_id: TaskId,
    pub submission_id: SubmissionId,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = deliveries)]
struct DeliveryRow {
    id: String,
    job_id: String,
    center_id: String,
    created_by: String,
    note: String,
    status: String,
    decision_reason: Option<String>,
    decided_at: Option<NaiveDateTime>,
    version: i64,
    created_at: NaiveDateTime,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StoreError;
    fn try_from(row: DeliveryRow) -> Result<Self, StoreError> {
        Ok(Delivery {
            id: parse_uuid(&row.id)?.into(),
            job_id: parse_uuid(&row.job_id)?.into(),
            center_id: parse_uuid(&row.center_id)?.into(),
            created_by: parse_uuid(&row.created_by)?.into(),
            note: row.note,
            status: parse_status(&row.status, DeliveryStatus::parse)?,
            decision_reason: row.decision_reason,
            decided_at: row.decided_at.map(from_db_time),
            version: row.version,
            created_at: from_db_time(row.created_at),
        })
    }
}

pub fn insert(
    conn: &mut DbConnection,
    job: &Job,
    created_by: UserId,
    note: &str,
    items: &[DeliveryItem],
) -> Result<Delivery, StoreError> {
    let delivery = Delivery {
        id: DeliveryId::generate(),
        job_id: job.id,
        center_id: job.center_id,
        created_by,
        note: note.to_owned(),
        status: DeliveryStatus::Pending,
        decision_reason: None,
        decided_at: None,
        version: 1,
        created_at: crate::now(),
    };
    diesel::insert_into(deliveries::table)
        .values((
            deliveries::id.eq(delivery.id.to_string()),
            deliveries::job_id.eq(job.id.to_string()),
            deliveries::center_id.eq(job.center_id.to_string()),
            deliveries::created_by.eq(created_by.to_string()),
            deliveries::note.eq(note),
            deliveries::status.eq(delivery.status.as_str()),
            deliveries::version.eq(delivery.version),
            deliveries::created_at.eq(to_db_time(delivery.created_at)),
        ))
        .execute(conn)?;
    for chunk in items.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|item| {
                (
                    delivery_items::delivery_id.eq(delivery.id.to_string()),
                    delivery_items::task_id.eq(item.task_id.to_string()),
                    delivery_items::submission_id.eq(item.submission_id.to_string()),
                )
            })
            .collect();
        crate::db::on_engine!(conn, |c| diesel::insert_into(delivery_items::table).values(rows).execute(c))?;
    }
    Ok(delivery)
}

pub fn find(conn: &mut DbConnection, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
    deliveries::table
        .filter(deliveries::id.eq(id.to_string()))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?
        .map(Delivery::try_from)
        .transpose()
}

/// The tasks in a delivery, in task order.
pub fn items(conn: &mut DbConnection, delivery: DeliveryId) -> Result<Vec<DeliveryItem>, StoreError> {
    let rows: Vec<(String, String)> = delivery_items::table
        .filter(delivery_items::delivery_id.eq(delivery.to_string()))
        .order(delivery_items::task_id.asc())
        .select((delivery_items::task_id, delivery_items::submission_id))
        .load(conn)?;
    rows.into_iter()
        .map(|(task, submission)| {
            Ok(DeliveryItem { task_id: parse_uuid(&task)?.into(), submission_id: parse_uuid(&submission)?.into() })
        })
        .collect()
}

/// A job's deliveries in creation order.
pub fn list_for_job(
    conn: &mut DbConnection,
    job: JobId,
    after: Option<DeliveryId>,
    limit: PageLimit,
) -> Result<Page<Delivery>, StoreError> {
    let mut query = deliveries::table
        .filter(deliveries::job_id.eq(job.to_string()))
        .order(deliveries::id.asc())
        .select(DeliveryRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(deliveries::id.gt(after.to_string()));
    }
    let rows =
        query.limit(overfetch(limit)).load(conn)?.into_iter().map(Delivery::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit.get(), |d| d.id.as_uuid()))
}

/// Records the client's decision if nobody decided since `delivery` was read.
pub fn save_decision(conn: &mut DbConnection, mut delivery: Delivery) -> Result<Delivery, StoreError> {
    let now = crate::now();
    let updated = diesel::update(
        deliveries::table
            .filter(deliveries::id.eq(delivery.id.to_string()))
            .filter(deliveries::version.eq(delivery.version)),
    )
    .set((
        deliveries::status.eq(delivery.status.as_str()),
        deliveries::decision_reason.eq(&delivery.decision_reason),
        deliveries::decided_at.eq(to_db_time(now)),
        deliveries::version.eq(delivery.version + 1),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::VersionConflict);
    }
    delivery.version += 1;
    delivery.decided_at = Some(now);
    Ok(delivery)
}
