#!/usr/bin/env bash
# Memory and import time of a demo server under the documented flow, on SQLite and
# PostgreSQL (bench/flow.py says what a round of the flow is). For each engine, a
# fresh `yui serve --demo`:
#   1. the RSS after start, then after each of RUNS runs of ROUNDS rounds of the flow
#      (each round splits a job into 2 000 tasks in one request);
#   2. a soak of SOAK_SECONDS of mixed traffic, RSS sampled every 10 s: flat means the
#      end is within 10 % of the end of the second minute;
#   3. on a second fresh demo server: importing 10 000 tasks as two splits of 5 000,
#      the server time of each.
# docs/benchmarks.md records the results and the method.
#
#   bash bench/memory.sh
#
# Environment (all optional):
#   ENGINES="sqlite postgres"   RUNS=3 ROUNDS=30 SOAK_SECONDS=600
#   PG_URL=postgres://postgres@127.0.0.1:5432   a database bench_demo_<pid> is created there and dropped
#   SKIP_BUILD=1                reuse target/release/yui
#   YUI_EXTRA_ENV="MALLOC_ARENA_MAX=8"   extra environment for the server (to compare settings)
#
# Traffic goes to 127.0.0.1 only; the server and temporary data are removed on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
ENGINES=${ENGINES:-"sqlite postgres"}
RUNS=${RUNS:-3}
ROUNDS=${ROUNDS:-30}
SOAK_SECONDS=${SOAK_SECONDS:-600}
# shellcheck source=bench/server.sh
source bench/server.sh

if [[ -z "${SKIP_BUILD:-}" ]]; then
    cargo build --release --bin yui
fi
YUI=$PWD/target/release/yui

bench_begin memory

label() {
    sed -u "s/^{/{\"engine\": \"$1\", /"
}

echo "$(machine)${YUI_EXTRA_ENV:+, server env: $YUI_EXTRA_ENV}"
for engine in $ENGINES; do
    start_demo "$engine"
    python3 bench/flow.py "$PORT" "$SERVER_PID" runs "$RUNS" "$ROUNDS" | label "$engine"
    python3 bench/flow.py "$PORT" "$SERVER_PID" soak "$SOAK_SECONDS" | label "$engine"
    stop_server
    start_demo "$engine"
    python3 bench/flow.py "$PORT" "$SERVER_PID" import | label "$engine"
    stop_server
done
