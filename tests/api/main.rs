//! End-to-end tests: the real server on a random port, real HTTP, a real database.
//!
//! Every scenario runs on SQLite, and on PostgreSQL when `YUI_TEST_POSTGRES_URL` is
//! set (in CI it must be: a CI run without it fails rather than skipping). Each test
//! gets a database of its own.

mod helpers;

mod accounts;
mod api_keys;
mod authorization;
mod authorization_keys;
mod bad_input;
mod billing;
mod binary;
mod checkpoints;
mod docs;
mod event_feed;
mod flow;
mod flow_rules;
mod headers;
mod housekeeping;
mod idempotency;
mod invitations;
mod invoices;
mod isolation;
mod migrations;
mod notifications;
mod observability;
mod openapi;
mod outbox;
mod password_reset;
mod races;
mod rate_limits;
mod receiver;
mod roster_cache;
mod sessions;
mod smtp;
mod statements;
mod time_and_pay;
mod tokens;
mod webhooks;
mod worker_commitments;
mod workforce;
