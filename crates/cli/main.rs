//! The `yui` binary: configuration, wiring and subcommands.
//!
//! `yui serve` runs the API (SQLite in `./data` unless `DATABASE_URL` says
//! otherwise) and, by default, the outbox dispatcher beside it; `yui worker` runs
//! the dispatcher alone; `yui outbox` lists or retries messages; `yui migrate`
//! applies migrations, `yui openapi` prints the API description, `yui bootstrap`
//! opens a centre with its first admin. Every option is also an environment
//! variable; `README.md` has the table.

mod allocator;
mod bootstrap;
mod config;
mod demo;
mod outbox;
mod secret;

use std::net::TcpListener;

use anyhow::Context as _;
use clap::Parser as _;
use yui_store::Database;

use crate::config::{Cli, Command, LogFormat, ServeArgs};

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&cli.log).unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).init(),
        LogFormat::Json => logs.json().with_current_span(true).with_span_list(false).init(),
    }

    match cli.command {
        Command::Serve(args) => serve(&cli.database, args).await,
        Command::Migrate => {
            let db = cli.database.open_for_command()?;
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
            let db = cli.database.open_for_command()?;
            db.migrate()?;
            bootstrap::run(&db, args)
        }
        Command::Worker(outbound) => {
            let db = cli.database.open()?;
            db.migrate()?;
            let dispatcher = outbound.dispatcher(db, &cli.database.data_dir)?;
            tracing::info!("Yui worker: sending outbox messages and running housekeeping");
            tokio::select! {
                () = yui_notify::run(dispatcher, outbound.housekeeping()) => {}
                () = shutdown_signal() => tracing::info!("stopping"),
            }
            Ok(())
        }
        Command::Outbox(args) => {
            let db = cli.database.open_for_command()?;
            db.migrate()?;
            outbox::run(&db, args)
        }
    }
}

async fn serve(database: &config::DatabaseArgs, args: ServeArgs) -> anyhow::Result<()> {
    // Configuration first: nothing touches the database before it is known to be valid.
    let secret = secret::jwt_secret(args.jwt_secret.as_deref(), &database.data_dir)?;
    let db: Database = database.open()?;
    let dispatcher =
        if args.dispatcher { Some(args.outbound.dispatcher(db.clone(), &database.data_dir)?) } else { None };
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
    let background =
        dispatcher.map(|dispatcher| actix_web::rt::spawn(yui_notify::run(dispatcher, args.outbound.housekeeping())));
    app.run_until_stopped().await?;
    if let Some(background) = background {
        background.abort();
    }
    Ok(())
}

/// Ctrl-C or SIGTERM (what `docker stop` and systemd send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
