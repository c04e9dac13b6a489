//! `yui bootstrap`: open a centre and create its first admin, for a real deployment.
//!
//! The admin's password is read from `YUI_ADMIN_PASSWORD`, or from the first line of
//! standard input, never from a flag (flags show up in `ps` and shell history).

use anyhow::{Context as _, anyhow};
use clap::Args;
use yui_domain::text::{Name, Slug};
use yui_domain::{Currency, Email, Money, NewPassword, Role, Tenant};
use yui_store::centers::{self, NewCenter};
use yui_store::users::{self, NewUser};
use yui_store::{Database, StoreError};

#[derive(Debug, Args)]
pub struct BootstrapArgs {
    /// The centre's name.
    #[arg(long)]
    pub center_name: String,
    /// Short unique name for URLs, e.g. `shiojiri-kado`.
    #[arg(long)]
    pub center_slug: String,
    /// IANA time zone of the centre.
    #[arg(long, default_value = "Asia/Tokyo")]
    pub time_zone: String,
    /// ISO 4217 currency of the centre.
    #[arg(long, default_value = "JPY")]
    pub currency: String,
    /// Minimum hourly rate, in minor units of the currency.
    #[arg(long, default_value_t = 950)]
    pub minimum_hourly_rate: i64,
    /// The first admin's e-mail address (their login).
    #[arg(long)]
    pub admin_email: String,
    /// The first admin's display name.
    #[arg(long)]
    pub admin_name: String,
}

pub fn run(db: &Database, args: BootstrapArgs) -> anyhow::Result<()> {
    let name = Name::parse(&args.center_name, 200).map_err(|e| anyhow!("--center-name {e}"))?;
    let slug = Slug::parse(&args.center_slug).map_err(|e| anyhow!("--center-slug: {e}"))?;
    let currency: Currency = args.currency.parse().map_err(|e| anyhow!("--currency: {e}"))?;
    let time_zone: chrono_tz::Tz =
        args.time_zone.parse().map_err(|_| anyhow!("--time-zone: {:?} is not an IANA time zone", args.time_zone))?;
    if args.minimum_hourly_rate < 0 {
        return Err(anyhow!("--minimum-hourly-rate cannot be negative"));
    }
    let email = Email::parse(&args.admin_email).map_err(|e| anyhow!("--admin-email: {e}"))?;
    let admin_name = Name::parse(&args.admin_name, 100).map_err(|e| anyhow!("--admin-name {e}"))?;
    let password = NewPassword::parse(&read_password()?).map_err(|e| anyhow!("admin password: {e}"))?;
    let password_hash = yui_http::hash_password(password.expose()).map_err(|e| anyhow!("{e}"))?;

    let (center, admin) = db
        .write(|conn| {
            let center = centers::insert(
                conn,
                NewCenter {
                    slug: slug.as_str().to_owned(),
                    name: name.as_str().to_owned(),
                    description: String::new(),
                    time_zone,
                    minimum_hourly_rate: Money::new(args.minimum_hourly_rate, currency),
                },
            )?;
            let admin = users::insert(
                conn,
                NewUser {
                    email: &email,
                    password_hash: &password_hash,
                    display_name: admin_name.as_str(),
                    role: Role::Admin,
                    tenant: Tenant::Center(center.id),
                    locale: yui_domain::Locale::default(),
                    // The operator who runs bootstrap vouches for the address.
                    email_verified: true,
                },
            )?;
            Ok::<_, StoreError>((center, admin))
        })
        .map_err(|e| match e {
            StoreError::Conflict { constraint } => anyhow!("already taken: {constraint}"),
            other => anyhow!(other),
        })?;
    println!("created centre {} ({}) and admin {} ({})", center.slug, center.id, admin.email, admin.id);
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("YUI_ADMIN_PASSWORD") {
        return Ok(password);
    }
    eprintln!("admin password (or set YUI_ADMIN_PASSWORD):");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
