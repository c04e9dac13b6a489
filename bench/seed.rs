//! `cargo run --release --example bench-seed -- --database-url URL [--workers N] [--tasks M]`
//!
//! Seeds a benchmark centre through the same store functions the API uses: one
//! director, `N` workers (2–3 assessed skills each from a 10-skill catalogue, weekly
//! windows in five patterns, saved profiles, a few absences, 20 teams), a client
//! organisation, and `M` tasks in active jobs of 1 000 tasks each, spread over the
//! task states (about 70 % open, 22 % assigned or in progress, 3 % submitted, 5 %
//! approved). The database must be empty (it is migrated first).
//!
//! The last line of the output is JSON with what `bench/load.py` needs.

use std::error::Error;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use yui_domain::flow::{JobAction, Pricing, TaskAction, Verdict};
use yui_domain::workforce::{DayException, ExceptionKind, Level, SkillRequirement, WeeklyWindow};
use yui_domain::{Currency, Email, Money, Role, Tenant, UserId};
use yui_store::centers::{self, Center, NewCenter};
use yui_store::flow;
use yui_store::jobs::{self, Job, JobSpec};
use yui_store::pay_rates::{self, PayRate};
use yui_store::profiles::{self, Profile};
use yui_store::quotes::QuoteTerms;
use yui_store::skills::NewAssessment;
use yui_store::submissions::SubmissionContent;
use yui_store::tasks::{Task, TaskSpec};
use yui_store::teams::{self, Team, TeamRole};
use yui_store::users::{self, NewUser};
use yui_store::{Database, DbConnection, PoolSettings, availability, organizations, skills};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const DIRECTOR_EMAIL: &str = "director@bench.example";
const PASSWORD: &str = "bench-password-123";
const TASKS_PER_JOB: usize = 1000;
const TEAMS: usize = 20;
/// Workers seeded per transaction.
const WORKER_BATCH: usize = 1000;

const CATALOGUE: [(&str, &str); 10] = [
    ("bookkeeping", "Bookkeeping"),
    ("data-entry", "Data entry"),
    ("graphic-design", "Graphic design"),
    ("hd-map-editing", "HD-map editing"),
    ("ict-support", "School ICT support"),
    ("image-annotation", "Image annotation"),
    ("scanning", "Document scanning"),
    ("translation", "Translation (Japanese–English)"),
    ("writing", "Writing"),
    ("transcription", "Audio transcription"),
];

const WEEKDAYS: &[u8] = &[0, 1, 2, 3, 4];

/// Weekly patterns: (weekdays, start, end) in minutes from local midnight.
type Pattern = &'static [(&'static [u8], u16, u16)];
const PATTERNS: [Pattern; 5] = [
    // School hours.
    &[(WEEKDAYS, 570, 840)],
    // Evenings.
    &[(WEEKDAYS, 1140, 1320)],
    // Full days.
    &[(WEEKDAYS, 540, 1050)],
    // Mornings three days a week and Saturday.
    &[(&[0, 2, 4], 540, 780), (&[5], 600, 720)],
    // Evenings and weekends.
    &[(WEEKDAYS, 1200, 1320), (&[5, 6], 540, 720)],
];

struct Args {
    database_url: String,
    workers: usize,
    tasks: usize,
}

fn parse_args() -> Result<Args> {
    let mut database_url = std::env::var("DATABASE_URL").ok();
    let mut workers = 10_000;
    let mut tasks = 100_000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--database-url" => database_url = Some(value()?),
            "--workers" => workers = value()?.parse()?,
            "--tasks" => tasks = value()?.parse()?,
            "-h" | "--help" => {
                println!("usage: bench-seed --database-url URL [--workers N (10000)] [--tasks M (100000)]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    let database_url = database_url.ok_or("--database-url (or DATABASE_URL) is required")?;
    if workers == 0 || tasks == 0 {
        return Err("--workers and --tasks must be at least 1".into());
    }
    Ok(Args { database_url, workers, tasks })
}

/// A small deterministic mixer (splitmix64), so every run seeds the same data.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `mix(n) % m` as a usize (m > 0).
fn pick(n: usize, salt: u64, m: usize) -> usize {
    let m64 = u64::try_from(m).unwrap_or(u64::MAX);
    usize::try_from(mix(u64::try_from(n).unwrap_or(u64::MAX) ^ (salt << 40)) % m64).unwrap_or(0)
}

fn level(value: usize) -> Result<Level> {
    Ok(Level::new(i64::try_from(value)?)?)
}

fn add_user(
    conn: &mut DbConnection,
    hash: &str,
    email: &str,
    name: &str,
    role: Role,
    tenant: Tenant,
) -> Result<UserId> {
    let email = Email::parse(email).map_err(|e| format!("e-mail {email}: {e}"))?;
    Ok(users::insert(
        conn,
        NewUser {
            email: &email,
            password_hash: hash,
            display_name: name,
            role,
            tenant,
            locale: yui_domain::Locale::default(),
            email_verified: true,
        },
    )?
    .id)
}

/// Everything the seeding steps share.
struct Centre {
    center: Center,
    director: UserId,
    client: UserId,
    organization: yui_domain::OrganizationId,
    teams: Vec<Team>,
}

fn seed_centre(db: &Database, hash: &str) -> Result<Centre> {
    db.write(|conn| -> Result<Centre> {
        let center = centers::insert(
            conn,
            NewCenter {
                slug: "bench-centre".into(),
                name: "Benchmark Telework Centre".into(),
                description: "Seeded by bench/seed.rs.".into(),
                time_zone: chrono_tz::Asia::Tokyo,
                minimum_hourly_rate: Money::new(1000, Currency::JPY),
            },
        )?;
        let director =
            add_user(conn, hash, DIRECTOR_EMAIL, "Bench Director", Role::Director, Tenant::Center(center.id))?;
        let organization = organizations::insert(conn, "Benchmark Client Ltd")?;
        let client = add_user(
            conn,
            hash,
            "client@bench.example",
            "Bench Client",
            Role::Client,
            Tenant::Organization(organization.id),
        )?;
        for (slug, name) in CATALOGUE {
            skills::insert(conn, center.id, slug, name, "")?;
        }
        let mut team_list = Vec::new();
        for n in 0..TEAMS {
            team_list.push(teams::insert(
                conn,
                center.id,
                &format!("Team {n:02}"),
                "Seeded team.",
                n.is_multiple_of(2),
            )?);
        }
        Ok(Centre { center, director, client, organization: organization.id, teams: team_list })
    })
}

fn seed_worker(conn: &mut DbConnection, centre: &Centre, hash: &str, n: usize) -> Result<UserId> {
    let center = centre.center.id;
    let worker = add_user(
        conn,
        hash,
        &format!("worker{n:05}@bench.example"),
        &format!("Bench Worker {n}"),
        Role::Worker,
        Tenant::Center(center),
    )?;
    let locks = yui_store::locks::workers(conn, [worker])?;
    // 2–3 distinct skills (stride 3 is coprime with 10), levels 1–5.
    let skill_count = 2 + pick(n, 1, 2);
    let first = pick(n, 2, CATALOGUE.len());
    for k in 0..skill_count {
        let (slug, _) = CATALOGUE[(first + 3 * k) % CATALOGUE.len()];
        let value = level(1 + pick(n * 3 + k, 3, 5))?;
        let assessment = NewAssessment {
            worker,
            skill: slug,
            level: value,
            evidence: "Seeded assessment.",
            assessed_by: centre.director,
        };
        skills::assess(conn, &locks, center, assessment)?;
    }
    let pattern = PATTERNS[pick(n, 4, PATTERNS.len())];
    let windows: Vec<WeeklyWindow> = pattern
        .iter()
        .flat_map(|(days, start, end)| {
            days.iter().map(move |d| WeeklyWindow { weekday: *d, start_minute: *start, end_minute: *end })
        })
        .collect();
    availability::replace_windows(conn, &locks, center, worker, &windows)?;
    let weekly_hours = 12 + 2 * u32::try_from(pick(n, 5, 10))?;
    let daily_hours = 3 + u32::try_from(pick(n, 6, 4))?;
    let profile = Profile {
        weekly_cap_minutes: weekly_hours * 60,
        daily_cap_minutes: daily_hours * 60,
        ..Profile::default_for(worker, &centre.center)
    };
    profiles::save(conn, &locks, center, profile)?;
    let rate = PayRate {
        worker_id: worker,
        effective_from: centre.center.today(),
        rate: Money::new(1000 + 50 * i64::try_from(pick(n, 7, 10))?, Currency::JPY),
        set_by: Some(centre.director),
        created_at: Utc::now(),
    };
    pay_rates::set(conn, &locks, center, rate)?;
    // One in twenty is away one day in the next two weeks.
    if pick(n, 8, 20) == 0 {
        let day = (Utc::now() + Duration::days(i64::try_from(pick(n, 9, 14))?)).date_naive();
        let exception = DayException { day, kind: ExceptionKind::Absent, span: None };
        availability::add_exception(conn, &locks, center, worker, exception, "Seeded absence.")?;
    }
    // Four in five are in one team; the first of each team reviews.
    if n % 10 < 8 {
        let team = &centre.teams[n % TEAMS];
        let role = if n < TEAMS { TeamRole::Reviewer } else { TeamRole::Member };
        teams::set_member(conn, &locks, team, worker, role)?;
    }
    // One in fifty is inactive.
    if n % 50 == 49 {
        users::set_active(conn, Tenant::Center(center), worker, false)?;
    }
    Ok(worker)
}

fn active_job(conn: &mut DbConnection, centre: &Centre, n: usize) -> Result<Job> {
    let (skill, _) = CATALOGUE[n % CATALOGUE.len()];
    let spec = JobSpec {
        title: format!("Benchmark job {n}"),
        description: "Seeded by bench/seed.rs.".into(),
        category: "back-office".into(),
        required_skills: vec![SkillRequirement { skill: skill.into(), min_level: level(2)? }],
        pricing: Pricing::Fixed,
        budget: Money::new(5_000_000, Currency::JPY),
        due_at: Utc::now() + Duration::days(60),
        deliverable_spec: "One file per task.".into(),
        preferred_team_id: if n.is_multiple_of(2) { Some(centre.teams[n % TEAMS].id.as_uuid()) } else { None },
    };
    let job = jobs::insert(conn, centre.center.id, centre.organization, centre.client, spec)?;
    flow::record_job_event(conn, centre.client, &job, "created", None, json!({}))?;
    let job = flow::advance_job(conn, centre.client, job, JobAction::Post, json!({}))?;
    let terms = QuoteTerms {
        estimated_minutes: 100_000,
        price: Money::new(4_500_000, Currency::JPY),
        planned_delivery_at: Utc::now() + Duration::days(55),
        note: "Seeded quote.".into(),
    };
    let job = flow::quote(conn, centre.director, job, terms)?;
    Ok(flow::decide_quote(conn, centre.client, job, None)?)
}

fn task_spec(global: usize, now: DateTime<Utc>) -> Result<TaskSpec> {
    let (skill, _) = CATALOGUE[pick(global, 10, CATALOGUE.len())];
    // One in a hundred is already past due; the rest are due in 1–40 days.
    let due_at = if pick(global, 11, 100) == 0 {
        now - Duration::hours(20)
    } else {
        now + Duration::days(1 + i64::try_from(pick(global, 12, 40))?)
            + Duration::hours(i64::try_from(pick(global, 13, 24))?)
    };
    Ok(TaskSpec {
        title: format!("Task {global}"),
        instructions: "See the job's deliverable specification.".into(),
        estimated_minutes: 30 + 15 * i64::try_from(pick(global, 14, 11))?,
        due_at,
        // Four in five need a skill, at level 1–3.
        requirement: if pick(global, 15, 5) == 0 {
            None
        } else {
            Some(SkillRequirement { skill: skill.into(), min_level: level(1 + pick(global, 16, 3))? })
        },
    })
}

/// The task the candidates benchmark asks about: open, needs `data-entry` at level 2,
/// due in 14 days (a typical horizon).
fn probe_spec(now: DateTime<Utc>) -> Result<TaskSpec> {
    Ok(TaskSpec {
        title: "Benchmark probe task".into(),
        instructions: "The task whose candidates the benchmark ranks.".into(),
        estimated_minutes: 120,
        due_at: now + Duration::days(14),
        requirement: Some(SkillRequirement { skill: "data-entry".into(), min_level: level(2)? }),
    })
}

fn submission(task: &Task) -> SubmissionContent {
    SubmissionContent {
        result_text: format!("Result for {}", task.spec.title),
        links: vec![format!("https://files.bench.example/{}.json", task.id)],
        payload: None,
        note: String::new(),
    }
}

/// Moves a freshly added task to the state picked for it, through the flow.
fn spread(conn: &mut DbConnection, centre: &Centre, workers: &[UserId], global: usize, task: Task) -> Result<()> {
    let state = pick(global, 20, 100);
    if state < 70 {
        return Ok(());
    }
    // Inactive workers (n % 50 == 49) get no new work.
    let mut index = pick(global, 21, workers.len());
    if index % 50 == 49 {
        index -= 1;
    }
    let worker = workers[index];
    let director = centre.director;
    let mut task = task;
    task.assignee_id = Some(worker);
    let details = json!({"assignee_id": worker.to_string()});
    let task = flow::advance_task(conn, director, task, TaskAction::Assign, details)?;
    if state < 84 {
        return Ok(());
    }
    let task = flow::advance_task(conn, worker, task, TaskAction::Start, json!({}))?;
    if state < 92 {
        return Ok(());
    }
    let content = submission(&task);
    let (task, submitted) = flow::submit(conn, worker, task, content)?;
    if state < 95 {
        return Ok(());
    }
    flow::review(conn, director, task, submitted.id, Verdict::Approved, "Looks good.")?;
    Ok(())
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let started = Instant::now();
    let db = Database::connect(&args.database_url, PoolSettings::default())?;
    db.migrate()?;
    let hash = yui_http::hash_password(PASSWORD).map_err(|e| format!("hashing the password: {e:?}"))?;
    let centre = seed_centre(&db, &hash)?;

    let mut workers = Vec::with_capacity(args.workers);
    for batch in (0..args.workers).collect::<Vec<_>>().chunks(WORKER_BATCH) {
        let seeded = db.write(|conn| -> Result<Vec<UserId>> {
            batch.iter().map(|n| seed_worker(conn, &centre, &hash, *n)).collect()
        })?;
        workers.extend(seeded);
        eprintln!("workers: {}/{} ({:.1} s)", workers.len(), args.workers, started.elapsed().as_secs_f64());
    }

    let now = Utc::now();
    let job_count = args.tasks.div_ceil(TASKS_PER_JOB);
    let mut probe = None;
    let mut global = 0;
    for n in 0..job_count {
        let count = TASKS_PER_JOB.min(args.tasks - global);
        let first_global = global;
        let created = db.write(|conn| -> Result<Option<Task>> {
            let job = active_job(conn, &centre, n)?;
            let mut specs = Vec::with_capacity(count);
            for k in 0..count {
                specs.push(if first_global + k == 0 { probe_spec(now)? } else { task_spec(first_global + k, now)? });
            }
            let tasks = flow::add_tasks(conn, centre.director, &job, specs)?;
            let mut probe = None;
            for (k, task) in tasks.into_iter().enumerate() {
                if first_global + k == 0 {
                    probe = Some(task);
                } else {
                    spread(conn, &centre, &workers, first_global + k, task)?;
                }
            }
            Ok(probe)
        })?;
        global += count;
        if probe.is_none() {
            probe = created;
        }
        if (n + 1) % 10 == 0 || n + 1 == job_count {
            eprintln!("tasks: {global}/{} ({:.1} s)", args.tasks, started.elapsed().as_secs_f64());
        }
    }
    let probe = probe.ok_or("no probe task was seeded")?;
    eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    let out = json!({
        "center_id": centre.center.id.to_string(),
        "task_id": probe.id.to_string(),
        "director_email": DIRECTOR_EMAIL,
        "director_password": PASSWORD,
        "workers": args.workers,
        "tasks": args.tasks,
        "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    });
    println!("{out}");
    Ok(())
}
