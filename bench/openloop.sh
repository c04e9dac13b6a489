#!/usr/bin/env bash
# Open-loop latency of Yui on PostgreSQL with a million tasks: requests arrive at a
# constant rate whatever the server does (oha -q, with latency correction, so a slow
# answer delays nothing and is counted from when its request was due), unlike a
# closed loop (wrk), which slows down with the server and hides queueing.
#
# For each total rate in RATES, three oha processes run at once for DURATION: 70 %
# GET /v1/tasks/{id}, 20 % GET /v1/jobs/{id}/tasks?limit=50, 10 % PATCH /v1/tasks/{id}
# (a new title; an edit that loses a compare-and-set race is 409, counted apart), ids
# drawn at random from 500 open or assigned tasks, a director's token. oha shares the
# machine's cores with Yui and PostgreSQL. docs/benchmarks.md records the results.
#
#   bash bench/openloop.sh
#
# Environment (all optional):
#   RATES="1000 2000 3000"   total requests per second, one run each
#   DURATION=30s WARMUP=5s   each run, after a warm-up at the same rate
#   WORKERS=10000 TASKS=1000000   the seed (bench/seed.rs), about 10 minutes at 1 M tasks
#   DB=bench_1m              reuse that already seeded database on PG_URL instead
#                            (it is kept); otherwise bench_ol_<pid> is seeded and dropped
#   PG_URL=postgres://postgres@127.0.0.1:5432
#   SKIP_BUILD=1             reuse target/release binaries
#   YUI=path/to/yui          run that binary instead of target/release/yui (to compare
#                            two builds on one seeded database: DB=… SKIP_BUILD=1 YUI=…)
# Installs oha (cargo install --locked oha) if it is missing. Traffic goes to
# 127.0.0.1 only.
set -euo pipefail

cd "$(dirname "$0")/.."
RATES=${RATES:-"1000 2000 3000"}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-5s}
WORKERS=${WORKERS:-10000}
TASKS=${TASKS:-1000000}
# shellcheck source=bench/server.sh
source bench/server.sh

if [[ -z "${SKIP_BUILD:-}" ]]; then
    cargo build --release --example bench-seed --bin yui
fi
command -v oha >/dev/null || cargo install --locked oha
YUI=${YUI:-$PWD/target/release/yui}
SEED=$PWD/target/release/examples/bench-seed

bench_begin openloop

if [[ -n "${DB:-}" ]]; then
    url="$PG_URL/$DB"
    email=director@bench.example password=bench-password-123
else
    DB="bench_ol_$$"
    PG_DB=$DB
    psql "$PG_URL/postgres" -qc "CREATE DATABASE $DB" >/dev/null
    url="$PG_URL/$DB"
    seeded=$("$SEED" --database-url "$url" --workers "$WORKERS" --tasks "$TASKS" 2>"$WORK/seed.log" | tail -n 1)
    email=$(echo "$seeded" | python3 -c 'import json,sys; print(json.load(sys.stdin)["director_email"])')
    password=$(echo "$seeded" | python3 -c 'import json,sys; print(json.load(sys.stdin)["director_password"])')
    psql "$url" -qc "VACUUM ANALYZE" >/dev/null
fi
tasks=$(psql "$url" -qAt -c "SELECT count(*) FROM tasks")
psql "$url" -qAt -F ' ' -c "SELECT job_id, id FROM tasks WHERE status IN ('open', 'assigned') ORDER BY random() LIMIT 500" >"$WORK/ids.txt"

port=$(free_port)
DATABASE_URL="$url" "$YUI" --data-dir "$WORK/data" serve --bind "127.0.0.1:$port" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_ready "$port" /readyz
token=$(curl -s "http://127.0.0.1:$port/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

wait_settled "$port"
# Sending (or dropping) the seed's e-mails just rewrote hundreds of thousands of outbox
# rows. Where autovacuum is off (this machine kind's CI configuration turns it off),
# nothing would clean up after them, and every later poll and read pays for the dead
# rows: vacuum once, as autovacuum would have.
if [[ $(psql "$url" -qAt -c "SHOW autovacuum") == off ]]; then
    echo "autovacuum is off on this PostgreSQL: VACUUM ANALYZE after the seed's e-mails went out"
    psql "$url" -qc "VACUUM ANALYZE" >/dev/null
fi

# oha draws each URL from a regular expression: one alternative per id (`[.]` and
# `[?]` for the literal characters: oha does not honour `\.`).
alternatives() { tr '\n' '|' | sed 's/|$//'; }
base="http://127[.]0[.]0[.]1:$port"
task_urls="$base/v1/tasks/($(cut -d' ' -f2 "$WORK/ids.txt" | alternatives))"
page_urls="$base/v1/jobs/($(cut -d' ' -f1 "$WORK/ids.txt" | sort -u | alternatives))/tasks[?]limit=50"

# load NAME RATE DURATION OUT: one oha process at a constant rate.
load() {
    local name=$1 rate=$2 duration=$3 out=$4
    local common=(--no-tui --output-format json -z "$duration" -q "$rate" --latency-correction --rand-regex-url
        -c 64 -H "Authorization: Bearer $token")
    case "$name" in
        get) oha "${common[@]}" "$task_urls" >"$out" ;;
        page) oha "${common[@]}" "$page_urls" >"$out" ;;
        edit) oha "${common[@]}" -m PATCH -H 'Content-Type: application/json' \
            -d '{"title":"open-loop edit"}' "$task_urls" >"$out" ;;
    esac
}

run() { # TOTAL_RATE DURATION PREFIX
    local total=$1 duration=$2 prefix=$3
    load get "$((total * 7 / 10))" "$duration" "$prefix-get.json" &
    local get=$!
    load page "$((total * 2 / 10))" "$duration" "$prefix-page.json" &
    local page=$!
    load edit "$((total / 10))" "$duration" "$prefix-edit.json"
    wait "$get" "$page"
}

echo "$(machine); $tasks tasks on PostgreSQL; oha $(oha --version | cut -d' ' -f2); $DURATION per rate after $WARMUP"
printf '| total rate | load | asked req/s | served req/s | p50 ms | p99 ms | p99.9 ms | 2xx | 409 | other |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for rate in $RATES; do
    run "$rate" "$WARMUP" "$WORK/warmup"
    run "$rate" "$DURATION" "$WORK/run"
    rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER_PID/status")
    for name in get page edit; do
        python3 - "$WORK/run-$name.json" "$rate" "$name" <<'EOF'
import json, sys
path, total, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
result = json.load(open(path))
share = {"get": 0.7, "page": 0.2, "edit": 0.1}[name]
summary, percentiles = result["summary"], result["latencyPercentiles"]
codes = {int(k): v for k, v in result.get("statusCodeDistribution", {}).items()}
ok = sum(v for k, v in codes.items() if 200 <= k < 300)
conflict = codes.get(409, 0)
other = sum(codes.values()) - ok - conflict + sum(result.get("errorDistribution", {}).values())
ms = lambda key: f"{percentiles[key] * 1000:.1f}" if percentiles.get(key) is not None else "–"
print(f"| {total} | {name} | {round(total * share)} | {summary['requestsPerSec']:.0f} | {ms('p50')} | {ms('p99')} | {ms('p99.9')} | {ok} | {conflict} | {other} |")
if other:
    others = {k: v for k, v in codes.items() if not (200 <= k < 300 or k == 409)} | result.get("errorDistribution", {})
    print(f"other ({total} req/s, {name}): {others}", file=sys.stderr)
EOF
    done
    echo "RSS after $rate req/s: $rss MB"
done
