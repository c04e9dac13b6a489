//! The `yui` binary: configuration, wiring and subcommands.
//!
//! `yui serve` runs the API (SQLite in `./data` unless `DATABASE_URL` says
//! otherwise), `yui migrate` applies migrations, `yui openapi` prints the API
//! description, `yui bootstrap` opens a centre with its first admin. Every option is
//! also an environment variable; `README.md` has the table.

mod bootstrap;
mod config;
mod demo;
mod secret;

use std::net::TcpListener;

use anyhow::Context as _;
use clap::Parser as _;
use yui_store::Database;

use crate::config::{Cli, Command, ServeArgs};

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&cli.log).unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    match cli.command {
        Command::Serve(args) => serve(&cli.database, args).await,
        Command::Migrate => {
            let db = cli.database.open()?;
            let applied = db.migrate()?;
            println!("{} migration(s) applied on {}", applied.len(), db.engine().name());
            Ok(())
        }
        Command::Openapi => {
            let spec = yui_http::openapi_document().to_pretty_json().context("serialising the OpenAPI document")?;
            println!("{spec}");
            Ok(())
        }
        Command::Bootstrap(args) => {
            let db = cli.database.open()?;
            db.migrate()?;
            bootstrap::run(&db, args)
        }
    }
}

async fn serve(database: &config::DatabaseArgs, args: ServeArgs) -> anyhow::Result<()> {
    // Configuration first: nothing touches the database before it is known to be valid.
    let secret = secret::jwt_secret(args.jwt_secret.as_deref(), &database.data_dir)?;
    let db: Database = database.open()?;
    let applied = db.migrate()?;
    tracing::info!(engine = db.engine().name(), applied = applied.len(), "database ready");
    if args.demo {
        demo::seed(&db)?;
    }
    let settings = args.http_settings(secret);
    let listener = TcpListener::bind(&args.bind).with_context(|| format!("binding {}", args.bind))?;
    let address = listener.local_addr()?;
    let app = yui_http::Application::build(listener, db, settings)?;
    tracing::info!("Yui listening on http://{address} (API docs at http://{address}/docs/)");
    app.run_until_stopped().await?;
    Ok(())
}
