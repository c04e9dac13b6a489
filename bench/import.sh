#!/usr/bin/env bash
# Import time alone (the third part of memory.sh), to compare builds: for each
# engine, ROUNDS times, each binary of YUIS in turn on a fresh demo server runs
# `bench/flow.py import`: 10 000 tasks as two splits of 5 000, five times, the server
# time (`Server-Timing`) of each import and their median. One JSON line per server.
# docs/benchmarks.md records the results.
#
#   bash bench/import.sh
#   YUIS="/tmp/yui-before $PWD/target/release/yui" SKIP_BUILD=1 bash bench/import.sh
#
# Environment (all optional):
#   ENGINES="sqlite postgres" ROUNDS=2
#   YUIS=target/release/yui    the binaries to compare, run in turn
#   PG_URL=postgres://postgres@127.0.0.1:5432   a database bench_demo_<pid> is created there and dropped
#   SKIP_BUILD=1               reuse target/release/yui
set -euo pipefail

cd "$(dirname "$0")/.."
ENGINES=${ENGINES:-"sqlite postgres"}
ROUNDS=${ROUNDS:-2}
# shellcheck source=bench/server.sh
source bench/server.sh

if [[ -z "${SKIP_BUILD:-}" ]]; then
    cargo build --release --bin yui
fi
YUI=$PWD/target/release/yui
YUIS=${YUIS:-$YUI}

bench_begin import

echo "$(machine)"
for engine in $ENGINES; do
    for round in $(seq 1 "$ROUNDS"); do
        for binary in $YUIS; do
            start_demo "$engine" "$binary"
            python3 bench/flow.py "$PORT" "$SERVER_PID" import |
                sed -u "s|^{|{\"engine\": \"$engine\", \"round\": $round, \"binary\": \"$binary\", |"
            stop_server
        done
    done
done
