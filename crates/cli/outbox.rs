//! `yui outbox`: what the dispatcher has sent, is waiting to send, or gave up on,
//! and putting dead messages back in the queue once their cause is fixed (see
//! docs/operations.md).

use anyhow::Context as _;
use clap::{Args, Subcommand};
use uuid::Uuid;
use yui_domain::PageLimit;
use yui_store::Database;
use yui_store::outbox::{self, Status};

#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[command(subcommand)]
    command: OutboxCommand,
}

#[derive(Debug, Subcommand)]
enum OutboxCommand {
    /// How many messages are in each state.
    Status,
    /// Messages, oldest first: id, state, attempts, template, recipient, last error.
    List {
        /// Only messages in this state.
        #[arg(long, value_parser = ["pending", "held", "digested", "sent", "dead", "dropped"])]
        status: Option<String>,
        /// At most this many (1–100).
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Put dead messages back in the queue with fresh attempts.
    Retry {
        /// The message to retry.
        #[arg(required_unless_present = "all_dead", conflicts_with = "all_dead")]
        id: Option<Uuid>,
        /// Retry every dead message.
        #[arg(long)]
        all_dead: bool,
    },
}

pub fn run(db: &Database, args: OutboxArgs) -> anyhow::Result<()> {
    match args.command {
        OutboxCommand::Status => {
            let counts = db.read(outbox::counts)?;
            for status in Status::ALL {
                let n = counts.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n);
                println!("{:<9} {n}", status.as_str());
            }
        }
        OutboxCommand::List { status, limit } => {
            let limit = PageLimit::new(limit).context("--limit is 1 to 100")?;
            let status = status.and_then(|s| Status::ALL.into_iter().find(|st| st.as_str() == s));
            let page = db.read(|conn| outbox::list(conn, status, None, limit))?;
            for message in page.items {
                println!(
                    "{}  {:<8} attempts={:<2} {:<18} {}  {}",
                    message.id,
                    message.status.as_str(),
                    message.attempts,
                    message.template.as_str(),
                    message.recipient,
                    message.last_error.unwrap_or_default()
                );
            }
        }
        OutboxCommand::Retry { id, all_dead } => {
            let id = if all_dead { None } else { id };
            let retried = db.write(|conn| outbox::retry_dead(conn, id))?;
            println!("{retried} dead message(s) back in the queue");
            if retried == 0 && id.is_some() {
                anyhow::bail!("no dead message has this id");
            }
        }
    }
    Ok(())
}
