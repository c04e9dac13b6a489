//! The public showcase: a centre's public teams, what they can do, and a track record
//! computed from real deliveries only. Workers appear by name only if they opted in
//! (a public name in their profile); otherwise they are not named at all.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use yui_domain::workforce::Level;
use yui_domain::workforce::{QualityCounts, quality};
use yui_domain::{CenterId, UserId};
use yui_store::worker_stats;
use yui_store::{centers, profiles, skills, tasks, teams};

use crate::error::ApiError;
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(public_teams);
}

/// A team's verified record.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackRecord {
    /// Completed jobs the team's members delivered work for.
    pub jobs_completed: i64,
    /// Tasks in deliveries the client accepted.
    pub tasks_delivered: i64,
    /// Whether the rates below are shown: only for teams of at least 3 members, or
    /// when every member opted in to being shown publicly; a smaller team's rates
    /// would be one person's quality record.
    pub quality_published: bool,
    /// Share of reviewed tasks approved at the first review, 0–1 (`null` before any,
    /// or when not published).
    pub first_pass_rate: Option<f64>,
    /// Share of approved tasks approved by their due date, 0–1 (`null` before any,
    /// or when not published).
    pub on_time_rate: Option<f64>,
    /// Hours of delivered work (by the tasks' estimates).
    pub hours_delivered: f64,
}

/// A public team.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicTeamView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    /// Skills at least one member holds at level 3 or above.
    pub skills_offered: Vec<String>,
    pub member_count: usize,
    /// Public names of the members who opted in; others are not named.
    pub named_members: Vec<String>,
    pub track_record: TrackRecord,
}

fn round(rate: Option<f64>) -> Option<f64> {
    rate.map(|r| (r * 1000.0).round() / 1000.0)
}

/// A centre's public teams and their track records (public, no authentication).
#[utoipa::path(
    tag = tags::PUBLIC,
    params(("id" = Uuid, Path, description = "The centre's id.")),
    responses((status = 200, description = "The centre's public teams.", body = Vec<PublicTeamView>))
)]
#[get("/public/centers/{id}/teams")]
async fn public_teams(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<PublicTeamView>>, ApiError> {
    let center = CenterId::from(id.into_inner());
    let views = state
        .read(move |conn| {
            centers::find(conn, center)?.ok_or_else(|| ApiError::not_found("centre"))?;
            let mut views = Vec::new();
            for team in teams::list(conn, center, true)? {
                let members: Vec<UserId> = teams::members(conn, team.id)?.into_iter().map(|m| m.worker_id).collect();
                let mut quality = QualityCounts::default();
                let mut named_members = Vec::new();
                for member in &members {
                    quality += worker_stats::of(conn, *member)?;
                    if let Some(name) = profiles::find(conn, *member)?.and_then(|p| p.public_name) {
                        named_members.push(name);
                    }
                }
                let published = quality::publishable(members.len(), named_members.len());
                let (delivered, minutes, completed) = tasks::accepted_by(conn, &members)?;
                let hours_delivered = yui_domain::workforce::hours(minutes);
                views.push(PublicTeamView {
                    id: team.id.as_uuid(),
                    name: team.name,
                    description: team.description,
                    skills_offered: skills::held_by(conn, &members, Level::new(3).unwrap_or(Level::MAX))?,
                    member_count: members.len(),
                    named_members,
                    track_record: TrackRecord {
                        jobs_completed: completed,
                        tasks_delivered: delivered,
                        quality_published: published,
                        first_pass_rate: round(quality.first_pass_rate().filter(|_| published)),
                        on_time_rate: round(quality.on_time_rate().filter(|_| published)),
                        hours_delivered,
                    },
                });
            }
            Ok(views)
        })
        .await?;
    Ok(web::Json(views))
}
