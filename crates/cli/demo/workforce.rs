//! The demo's workforce: a skill catalogue, assessed levels, profiles, availability
//! that looks like the centre's real people (school-hours parents, evening workers, a
//! worker with a lower weekly cap), three teams, and one absence that puts a task at
//! risk so the cover flow has something to show.

use chrono::{Datelike, Duration, Utc};
use serde_json::json;
use yui_domain::flow::TaskAction;
use yui_domain::workforce::{DayException, ExceptionKind, Level, SkillRequirement, WeeklyWindow};
use yui_domain::{CenterId, Currency, Money, UserId};
use yui_store::flow::{self, FlowError};
use yui_store::jobs::Job;
use yui_store::pay_rates::{self, PayRate};
use yui_store::profiles::{self, Profile};
use yui_store::roster::Roster;
use yui_store::skills::NewAssessment;
use yui_store::tasks::TaskSpec;
use yui_store::teams::{self, TeamRole};
use yui_store::{DbConnection, StoreError, availability, centers, locks, skills};

/// The centre's skills: (slug, name).
pub const CATALOGUE: &[(&str, &str)] = &[
    ("bookkeeping", "Bookkeeping"),
    ("data-entry", "Data entry"),
    ("graphic-design", "Graphic design"),
    ("hd-map-editing", "HD-map editing"),
    ("ict-support", "School ICT support"),
    ("image-annotation", "Image annotation"),
    ("scanning", "Document scanning"),
    ("translation", "Translation (Japanese–English)"),
    ("writing", "Writing"),
];

/// One worker's demo set-up.
struct Person {
    levels: &'static [(&'static str, i64)],
    /// (weekdays, start, end) in minutes from midnight.
    windows: &'static [(&'static [u8], u16, u16)],
    weekly_cap_hours: u32,
    daily_cap_hours: u32,
    public_name: Option<&'static str>,
    accommodations: &'static str,
}

const WEEKDAYS: &[u8] = &[0, 1, 2, 3, 4];

/// worker1 … worker8, in order.
const PEOPLE: [Person; 8] = [
    // A school-hours parent, map expert.
    Person {
        levels: &[("hd-map-editing", 4), ("image-annotation", 3)],
        windows: &[(WEEKDAYS, 570, 840)],
        weekly_cap_hours: 20,
        daily_cap_hours: 5,
        public_name: Some("Aya K."),
        accommodations: "",
    },
    Person {
        levels: &[("hd-map-editing", 3), ("image-annotation", 4)],
        windows: &[(&[0, 1, 2, 3], 600, 900)],
        weekly_cap_hours: 18,
        daily_cap_hours: 5,
        public_name: None,
        accommodations: "",
    },
    // An evening worker.
    Person {
        levels: &[("image-annotation", 5), ("data-entry", 3)],
        windows: &[(WEEKDAYS, 1140, 1320)],
        weekly_cap_hours: 15,
        daily_cap_hours: 3,
        public_name: Some("Yuki W."),
        accommodations: "",
    },
    Person {
        levels: &[("bookkeeping", 4), ("data-entry", 4)],
        windows: &[(&[0, 2, 4], 540, 780)],
        weekly_cap_hours: 12,
        daily_cap_hours: 4,
        public_name: Some("Mai Y."),
        accommodations: "",
    },
    Person {
        levels: &[("bookkeeping", 3), ("translation", 4)],
        windows: &[(&[1, 3], 570, 900), (&[5], 600, 720)],
        weekly_cap_hours: 14,
        daily_cap_hours: 6,
        public_name: None,
        accommodations: "",
    },
    // Evenings and weekends.
    Person {
        levels: &[("image-annotation", 3), ("hd-map-editing", 2)],
        windows: &[(WEEKDAYS, 1200, 1320), (&[5, 6], 540, 720)],
        weekly_cap_hours: 12,
        daily_cap_hours: 3,
        public_name: None,
        accommodations: "",
    },
    Person {
        levels: &[("translation", 3), ("writing", 4)],
        windows: &[(WEEKDAYS, 780, 1020)],
        weekly_cap_hours: 20,
        daily_cap_hours: 4,
        public_name: None,
        accommodations: "",
    },
    // Full days but a lower weekly cap; accommodations the directors know about.
    Person {
        levels: &[("ict-support", 4), ("hd-map-editing", 3)],
        windows: &[(WEEKDAYS, 540, 1050)],
        weekly_cap_hours: 15,
        daily_cap_hours: 6,
        public_name: None,
        accommodations: "Uses a screen reader; prefers written instructions.",
    },
];

/// A demo team: its members are indexes into the workers (worker1 = 0).
struct DemoTeam {
    name: &'static str,
    description: &'static str,
    members: &'static [(usize, TeamRole)],
}

const TEAMS: [DemoTeam; 3] = [
    DemoTeam {
        name: "Map team",
        description: "HD maps of local roads for autonomous driving, kept fresh by people who drive them.",
        members: &[(0, TeamRole::Reviewer), (1, TeamRole::Member), (5, TeamRole::Member), (7, TeamRole::Member)],
    },
    DemoTeam {
        name: "Annotation team",
        description: "Image and data annotation for AI, with two-step quality checks.",
        members: &[(2, TeamRole::Reviewer), (1, TeamRole::Member), (5, TeamRole::Member)],
    },
    DemoTeam {
        name: "Back-office team",
        description: "Bookkeeping, data entry and translation for local businesses.",
        members: &[(3, TeamRole::Reviewer), (4, TeamRole::Member), (6, TeamRole::Member)],
    },
];

fn level(value: i64) -> Level {
    Level::new(value).unwrap_or(Level::MIN)
}

/// Seeds the catalogue, levels, profiles, windows and teams (before the jobs).
pub fn seed_people(
    conn: &mut DbConnection,
    center: CenterId,
    director: UserId,
    workers: &[UserId],
) -> Result<(), StoreError> {
    for (slug, name) in CATALOGUE {
        skills::insert(conn, center, slug, name, "")?;
    }
    let center_row = centers::find(conn, center)?.ok_or_else(|| StoreError::Corrupt("demo centre vanished".into()))?;
    let locks = locks::workers(conn, workers.iter().copied())?;
    for (worker, person) in workers.iter().zip(PEOPLE.iter()) {
        for (skill, value) in person.levels {
            let evidence = "Assessed at registration (demo).";
            let assessment =
                NewAssessment { worker: *worker, skill, level: level(*value), evidence, assessed_by: director };
            skills::assess(conn, &locks, center, assessment)?;
        }
        let windows: Vec<WeeklyWindow> = person
            .windows
            .iter()
            .flat_map(|(days, start, end)| {
                days.iter().map(move |d| WeeklyWindow { weekday: *d, start_minute: *start, end_minute: *end })
            })
            .collect();
        availability::replace_windows(conn, &locks, center, *worker, &windows)?;
        let profile = Profile {
            weekly_cap_minutes: person.weekly_cap_hours * 60,
            daily_cap_minutes: person.daily_cap_hours * 60,
            public_name: person.public_name.map(str::to_owned),
            accommodations: person.accommodations.into(),
            ..Profile::default_for(*worker, &center_row)
        };
        profiles::save(conn, &locks, center, profile)?;
        let rate = PayRate {
            worker_id: *worker,
            effective_from: center_row.today() - chrono::TimeDelta::days(90),
            rate: Money::new(1000, Currency::JPY),
            set_by: Some(director),
            created_at: yui_store::now(),
        };
        pay_rates::set(conn, &locks, center, rate.clone())?;
        // Raised for this autumn's minimum wage (¥1 061, see `time.rs`), all but the
        // last worker: the shortfall list shows directors whose rate to fix.
        if Some(worker) != workers.last() {
            let raise = PayRate {
                effective_from: center_row.today() - chrono::TimeDelta::days(60),
                rate: Money::new(1100, Currency::JPY),
                ..rate
            };
            pay_rates::set(conn, &locks, center, raise)?;
        }
    }
    for team in TEAMS {
        let created = teams::insert(conn, center, team.name, team.description, true)?;
        for (index, role) in team.members {
            teams::set_member(conn, &locks, &created, workers[*index], *role)?;
        }
    }
    Ok(())
}

/// An urgent task for worker1, then her absence until after it is due: the task
/// can no longer be done in time and shows up on the at-risk list.
pub fn seed_absence(conn: &mut DbConnection, job: &Job, director: UserId, worker: UserId) -> Result<(), FlowError> {
    let spec = TaskSpec {
        title: "Route 19, km 11–12 (new bypass, urgent)".into(),
        instructions: "The bypass opened last week; redraw the lane markings.".into(),
        estimated_minutes: 240,
        due_at: Utc::now() + Duration::days(4),
        requirement: Some(SkillRequirement { skill: "hd-map-editing".into(), min_level: level(3) }),
    };
    let task = flow::add_tasks(conn, director, job, vec![spec])?.remove(0);
    let mut task = task;
    task.assignee_id = Some(worker);
    let task =
        flow::advance_task(conn, director, task, TaskAction::Assign, json!({"assignee_id": worker.to_string()}))?;
    flow::advance_task(conn, worker, task, TaskAction::Start, json!({}))?;
    let center =
        centers::find(conn, job.center_id)?.ok_or_else(|| StoreError::Corrupt("demo centre vanished".into()))?;
    let today = Utc::now().with_timezone(&center.time_zone).date_naive();
    let locks = locks::workers(conn, [worker])?;
    for offset in 0..=4 {
        let day = today + Duration::days(offset);
        let exception = DayException { day, kind: ExceptionKind::Absent, span: None };
        availability::add_exception(conn, &locks, center.id, worker, exception, "Child is ill (demo).")?;
    }
    let now = Utc::now();
    let mine = yui_store::tasks::committed(conn, job.center_id, worker)?;
    // The absence is already written: a fresh roster, never the cache.
    let roster = Roster::load(conn, &center, today)?;
    let commitments = mine.iter().filter_map(yui_store::tasks::commitment_of).collect();
    for risk in yui_domain::workforce::risk::at_risk(|w| roster.schedule(w), commitments, now) {
        let Some(task) = mine.iter().find(|t| t.id == risk.commitment.task_id) else { continue };
        let details =
            json!({"reason": "absence", "day": today.to_string(), "weekday": today.weekday().num_days_from_monday()});
        flow::record_task_event(conn, worker, task, "at_risk", details)?;
    }
    Ok(())
}
