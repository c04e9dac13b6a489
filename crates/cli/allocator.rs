//! The `yui` process's allocator: jemalloc, configured to give freed memory back.
//!
//! glibc's malloc keeps an arena per thread that touched it and returns little of
//! what a burst freed: a demo server grew past 170 MB under the documented flow and
//! stayed there, and a login's 19 MiB Argon2 block could stay resident per arena.
//! jemalloc with a background thread purges pages left unused for a second
//! (`dirty_decay_ms:1000`, `muzzy_decay_ms:0`, set at build time in
//! `.cargo/config.toml`), so the server settles back to its working set between bursts.
//! docs/benchmarks.md ("Memory") has the measurements of both, and of mimalloc, which
//! held more.
//!
//! It replaces `malloc` for the whole process (`unprefixed_malloc_on_supported_platforms`),
//! so SQLite's page caches and libpq's buffers, allocated on whichever blocking thread
//! ran the query, are purged the same way; with Rust's allocations alone on jemalloc,
//! the SQLite server held about 10 MB more after the flow.

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
