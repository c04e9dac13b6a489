#!/usr/bin/env bash
# Benchmarks the candidates and dashboard endpoints on SQLite and PostgreSQL at
# several data sizes; docs/benchmarks.md explains the method and records results.
#
#   bash bench/run.sh
#
# Environment (all optional):
#   ENGINES="sqlite postgres"         engines to run
#   SIZES="1000:10000 10000:100000"   workers:tasks pairs
#   REQUESTS=200 WARMUP=20            timed and warm-up requests per endpoint
#   PG_URL=postgres://postgres@127.0.0.1:5432   server for the PostgreSQL runs; a
#                                     database bench_<pid>_<n> is created there and dropped
#   SKIP_BUILD=1                      reuse target/release binaries
#
# Traffic goes to 127.0.0.1 only; the server and temporary data are removed on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
ENGINES=${ENGINES:-"sqlite postgres"}
SIZES=${SIZES:-"1000:10000 10000:100000"}
REQUESTS=${REQUESTS:-200}
WARMUP=${WARMUP:-20}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
export YUI_JWT_SECRET=bench-jwt-secret-0123456789abcdefghijklmnop
export YUI_LOG=warn
# Count every request against a budget no run reaches: the limiter's cost (one upsert
# per request) is part of what is measured, its refusals are not.
export YUI_RATE_LIMIT_PER_MINUTE=100000000
unset DATABASE_URL

if [[ -z "${SKIP_BUILD:-}" ]]; then
    cargo build --release --example bench-seed --bin yui
fi
SEED=target/release/examples/bench-seed
YUI=target/release/yui

WORK=$(mktemp -d -t yui-bench.XXXXXX)
SERVER_PID=""
PG_DB=""

cleanup() {
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
trap 'cleanup; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
n=0
for engine in $ENGINES; do
    for size in $SIZES; do
        workers=${size%%:*}
        tasks=${size##*:}
        n=$((n + 1))
        case "$engine" in
            sqlite)
                url="$WORK/bench-$n.sqlite3"
                ;;
            postgres)
                PG_DB="bench_$$_$n"
                psql "$PG_URL/postgres" -qc "CREATE DATABASE $PG_DB" >/dev/null
                url="$PG_URL/$PG_DB"
                ;;
            *)
                echo "unknown engine $engine" >&2
                exit 2
                ;;
        esac
        echo "## $engine, $workers workers, $tasks tasks"
        seeded=$(timeout 1200 "$SEED" --database-url "$url" --workers "$workers" --tasks "$tasks" 2>"$WORK/seed.log" | tail -n 1) || {
            cat "$WORK/seed.log" >&2
            exit 1
        }
        echo "seed: $seeded"
        if [[ "$engine" == postgres ]]; then
            # Fresh statistics, as autovacuum would have them after a while.
            psql "$url" -qc "VACUUM ANALYZE" >/dev/null
        fi
        port=$(free_port)
        DATABASE_URL="$url" "$YUI" serve --bind "127.0.0.1:$port" >"$WORK/server.log" 2>&1 &
        SERVER_PID=$!
        for _ in $(seq 1 100); do
            if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" 2>/dev/null; then
                break
            fi
            if ! kill -0 "$SERVER_PID" 2>/dev/null; then
                cat "$WORK/server.log" >&2
                exit 1
            fi
            sleep 0.2
        done
        timeout 1200 python3 bench/load.py "$port" "$seeded" "$REQUESTS" "$WARMUP" | sed "s/^{/{\"engine\": \"$engine\", \"workers\": $workers, \"tasks\": $tasks, /"
        cleanup
        rm -f "$WORK"/bench-"$n".sqlite3*
    done
done
