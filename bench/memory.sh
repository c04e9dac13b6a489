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
#   PG_URL=postgres://postgres@127.0.0.1:5432   a database bench_mem_<pid> is created there and dropped
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
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
export YUI_JWT_SECRET=bench-jwt-secret-0123456789abcdefghijklmnop
export YUI_LOG=warn
# Long enough for the whole run on one login; a budget no run reaches.
export YUI_ACCESS_TOKEN_TTL=14400
export YUI_RATE_LIMIT_PER_MINUTE=100000000
export YUI_MAIL_TRANSPORT=off
unset DATABASE_URL

if [[ -z "${SKIP_BUILD:-}" ]]; then
    cargo build --release --bin yui
fi
YUI=$PWD/target/release/yui

WORK=$(mktemp -d -t yui-memory.XXXXXX)
SERVER_PID=""
PG_DB=""

stop_server() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
    if [[ -n "$PG_DB" ]]; then
        psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
        PG_DB=""
    fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts a fresh demo server on ENGINE; sets PORT and SERVER_PID.
start_demo() {
    local engine=$1 data
    data=$(mktemp -d -p "$WORK")
    case "$engine" in
        sqlite) url="$data/yui.sqlite3" ;;
        postgres)
            PG_DB="bench_mem_$$"
            psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
            psql "$PG_URL/postgres" -qc "CREATE DATABASE $PG_DB" >/dev/null
            url="$PG_URL/$PG_DB"
            ;;
        *)
            echo "unknown engine $engine" >&2
            exit 2
            ;;
    esac
    PORT=$(free_port)
    # shellcheck disable=SC2086 # YUI_EXTRA_ENV is a list of NAME=value words
    env ${YUI_EXTRA_ENV:-} YUI_DATA_DIR="$data" DATABASE_URL="$url" \
        "$YUI" serve --demo --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/readyz', timeout=1)" 2>/dev/null; then
            return
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            cat "$WORK/server.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "the server did not start" >&2
    exit 1
}

label() {
    sed -u "s/^{/{\"engine\": \"$1\", /"
}

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')${YUI_EXTRA_ENV:+, server env: $YUI_EXTRA_ENV}"
for engine in $ENGINES; do
    start_demo "$engine"
    python3 bench/flow.py "$PORT" "$SERVER_PID" runs "$RUNS" "$ROUNDS" | label "$engine"
    python3 bench/flow.py "$PORT" "$SERVER_PID" soak "$SOAK_SECONDS" | label "$engine"
    stop_server
    start_demo "$engine"
    python3 bench/flow.py "$PORT" "$SERVER_PID" import | label "$engine"
    stop_server
done
