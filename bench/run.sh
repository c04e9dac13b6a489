#!/usr/bin/env bash
# Benchmarks the candidates, dashboard and at-risk endpoints on SQLite and PostgreSQL at
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
# shellcheck source=bench/server.sh
source bench/server.sh

if [[ -z "${SKIP_BUILD:-}" ]]; then
    cargo build --release --example bench-seed --bin yui
fi
SEED=target/release/examples/bench-seed
YUI=target/release/yui

bench_begin bench

machine
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
        wait_ready "$port" /healthz
        wait_settled "$port"
        timeout 1200 python3 bench/load.py "$port" "$seeded" "$REQUESTS" "$WARMUP" | sed "s/^{/{\"engine\": \"$engine\", \"workers\": $workers, \"tasks\": $tasks, /"
        stop_server
        rm -f "$WORK"/bench-"$n".sqlite3*
    done
done
