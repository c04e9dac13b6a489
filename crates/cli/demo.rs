//! `yui serve --demo`: a demo centre a newcomer can explore at once.
//!
//! Seeded on first start only: if the demo centre exists, nothing is touched, so
//! whatever was done in the demo survives restarts. Every demo account has the
//! password [`DEMO_PASSWORD`] (listed in `README.md`; demo only). The demo jobs, one in
//! each state of the flow, are described in `demo/jobs.rs`.

mod invoices;
mod jobs;
mod time;
mod workforce;

use anyhow::anyhow;
use yui_domain::{Currency, Email, Locale, Money, Role, Tenant, UserId};
use yui_store::centers::{self, NewCenter};
use yui_store::users::{self, NewUser};
use yui_store::{Database, DbConnection, StoreError, organizations};

pub const DEMO_PASSWORD: &str = "yui-demo-password";
const DEMO_CENTER_SLUG: &str = "shiojiri-kado";

const KADO_STAFF: &[(&str, &str, Role)] = &[
    ("admin@kado.example", "Keiko Admin", Role::Admin),
    ("director1@kado.example", "Daichi Mori", Role::Director),
    ("director2@kado.example", "Naomi Ishikawa", Role::Director),
    ("worker1@kado.example", "Aya Kobayashi", Role::Worker),
    ("worker2@kado.example", "Haruka Saito", Role::Worker),
    ("worker3@kado.example", "Yuki Watanabe", Role::Worker),
    ("worker4@kado.example", "Mai Yamamoto", Role::Worker),
    ("worker5@kado.example", "Emi Nakamura", Role::Worker),
    ("worker6@kado.example", "Rina Kato", Role::Worker),
    ("worker7@kado.example", "Sakura Yoshida", Role::Worker),
    ("worker8@kado.example", "Kenta Yamada", Role::Worker),
];

pub fn seed(db: &Database) -> anyhow::Result<()> {
    let exists = db.read(|conn| centers::find_by_slug(conn, DEMO_CENTER_SLUG))?.is_some();
    if exists {
        tracing::info!("demo data already present; leaving it as it is");
        return Ok(());
    }
    // One hash for all demo accounts: they share the demo password anyway.
    let password_hash = yui_http::hash_password(DEMO_PASSWORD).map_err(|e| anyhow!("{e}"))?;
    db.write(|conn| {
        let kado = centers::insert(
            conn,
            NewCenter {
                slug: DEMO_CENTER_SLUG.into(),
                name: "Shiojiri KADO Telework Centre".into(),
                description: "Data annotation, HD-map editing and back-office work by local teams \
                          working school hours and short shifts."
                    .into(),
                time_zone: chrono_tz::Asia::Tokyo,
                minimum_hourly_rate: Money::new(950, Currency::JPY),
            },
        )?;
        let mut staff = Vec::new();
        for (email, name, role) in KADO_STAFF {
            staff.push((*role, add_user(conn, &password_hash, email, name, *role, Tenant::Center(kado.id))?));
        }
        let asahikawa = centers::insert(
            conn,
            NewCenter {
                slug: "asahikawa-team-job".into(),
                name: "Asahikawa Crowd Worker Community".into(),
                description: "Home-based crowd workers taking local writing and web work as a team.".into(),
                time_zone: chrono_tz::Asia::Tokyo,
                minimum_hourly_rate: Money::new(1010, Currency::JPY),
            },
        )?;
        add_user(
            conn,
            &password_hash,
            "admin@asahikawa.example",
            "Takeshi Admin",
            Role::Admin,
            Tenant::Center(asahikawa.id),
        )?;
        let organization = organizations::insert(conn, "Shiojiri Map Works")?;
        let client = add_user(
            conn,
            &password_hash,
            "client@mapworks.example",
            "Aiko Tanaka",
            Role::Client,
            Tenant::Organization(organization.id),
        )?;
        let with_role = |wanted: Role| staff.iter().filter(move |(role, _)| *role == wanted).map(|(_, id)| *id);
        let cast = jobs::Cast {
            center: kado.id,
            organization: organization.id,
            client,
            director: with_role(Role::Director)
                .next()
                .ok_or_else(|| StoreError::Corrupt("the demo has no director".into()))?,
            workers: with_role(Role::Worker).collect(),
        };
        workforce::seed_people(conn, kado.id, cast.director, &cast.workers)?;
        jobs::seed(conn, &cast).map_err(|e| StoreError::Corrupt(format!("seeding the demo jobs: {e}")))?;
        let admin = with_role(Role::Admin).next().ok_or_else(|| StoreError::Corrupt("the demo has no admin".into()))?;
        time::seed_minimum_wage(conn, &kado, admin)?;
        time::seed_time(conn, &kado, cast.director, &cast.workers)?;
        invoices::seed(conn, &kado, admin, cast.director)?;
        Ok::<_, StoreError>(())
    })?;
    tracing::info!("seeded the demo centre; every demo login uses the password {DEMO_PASSWORD:?}");
    Ok(())
}

fn add_user(
    conn: &mut DbConnection,
    password_hash: &str,
    email: &str,
    display_name: &str,
    role: Role,
    tenant: Tenant,
) -> Result<UserId, StoreError> {
    let email = Email::parse(email).map_err(|e| StoreError::Corrupt(format!("demo e-mail {email}: {e}")))?;
    Ok(users::insert(
        conn,
        NewUser {
            email: &email,
            password_hash,
            display_name,
            role,
            tenant,
            locale: Locale::default(),
            email_verified: true,
        },
    )?
    .id)
}
