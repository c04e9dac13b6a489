#!/usr/bin/env bash
# Throughput of Yui against the ceiling (../shared/bench/ceiling: a bare actix-web +
# diesel server doing only the same database work), measured in one run, interleaved,
# on SQLite and PostgreSQL; prints the ratio table of docs/benchmarks.md.
#
#   bash bench/throughput.sh
#
# Loads (wrk, random ids; the ceiling's bench.lua and yui.lua):
#   get    GET /tasks/{id}                    vs GET /v1/tasks/{id} (a director's token)
#   page   GET /jobs/{id}/tasks?limit=50      vs GET /v1/jobs/{id}/tasks?limit=50
#   write  POST /tasks/{id}/touch (CAS)       vs PATCH /v1/tasks/{id} (CAS + event row)
# Each round runs the ceiling then Yui on the same load; the table shows the median
# req/s of the rounds, the ratio of the medians and each side's median p99. With
# several builds in YUIS, each round runs each of them in turn on the same database
# (one row per build): a comparison of builds that the machine's drift cannot fake.
#
# Environment (all optional):
#   ENGINES="sqlite postgres"  ROWS=100000  WORKERS=1000 (Yui's seed)
#   DURATION=10s  WARMUP=3s  REPEATS=3  THREADS=2  CONNS=32  MODES="get page write"
#   PG_URL=postgres://postgres@127.0.0.1:5432   (databases bench_tp_* are made and dropped)
#   CEILING_DIR=../shared/bench/ceiling  SKIP_BUILD=1 (reuse the release binaries)
#   YUIS=target/release/yui    Yui builds to measure in turn (e.g. "/tmp/yui-before target/release/yui")
#   YUI_RATE_LIMIT_PER_MINUTE (default here: far above any run: counted, never refused)
#   QUIET_WAIT=120  (seconds to wait, before each measurement, for the CPU to go quiet)
#
# Traffic stays on 127.0.0.1; servers and databases are removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINES=${ENGINES:-"sqlite postgres"}
ROWS=${ROWS:-100000}
WORKERS=${WORKERS:-1000}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
REPEATS=${REPEATS:-3}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
MODES=${MODES:-"get page write"}
QUIET_WAIT=${QUIET_WAIT:-120}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
CEILING_DIR=$(cd "${CEILING_DIR:-../shared/bench/ceiling}" && pwd)
CEILING_TARGET=${CEILING_TARGET:-/tmp/ceiling-target}
export YUI_JWT_SECRET=bench-jwt-secret-0123456789abcdefghijklmnop
export YUI_LOG=warn
export YUI_RATE_LIMIT_PER_MINUTE=${YUI_RATE_LIMIT_PER_MINUTE:-100000000}
unset DATABASE_URL

log() { printf '%s\n' "$*" >&2; }

if [[ -z "${SKIP_BUILD:-}" ]]; then
    log "== build (release): the ceiling and Yui"
    (cd "$CEILING_DIR" && CARGO_TARGET_DIR="$CEILING_TARGET" cargo build --release --locked --quiet)
    cargo build --release --quiet --example bench-seed --bin yui
fi
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
CEILING="$CEILING_TARGET/release/ceiling"
SEED=target/release/examples/bench-seed
read -r -a YUIS <<<"${YUIS:-target/release/yui}"

WORK=$(mktemp -d -t yui-throughput.XXXXXX)
PIDS=()
DATABASES=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    for db in "${DATABASES[@]}"; do psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_up() {
    for _ in $(seq 1 150); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$1/healthz', timeout=1)" 2>/dev/null && return 0
        sleep 0.2
    done
    log "server on port $1 did not start"; return 1
}

# Waits until the CPU has been < 15 % busy over a second (other work may share the machine).
wait_quiet() {
    local waited=0
    while (( waited < QUIET_WAIT )); do
        local busy
        busy=$(python3 - <<'EOF'
import time
def snap():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), v[3] + v[4]
t1, i1 = snap(); time.sleep(1); t2, i2 = snap()
print(int(100 * (1 - (i2 - i1) / max(1, t2 - t1))))
EOF
)
        (( busy < 15 )) && return 0
        waited=$((waited + 1))
    done
}

new_database() { # engine name -> url
    case "$1" in
        sqlite) echo "$WORK/$2.sqlite3" ;;
        postgres)
            local db="bench_tp_$$_$2"
            psql "$PG_URL/postgres" -qc "CREATE DATABASE $db" >/dev/null
            DATABASES+=("$db")
            echo "$PG_URL/$db" ;;
    esac
}

# RESULT mode=.. rps=.. p50_ms=.. p99_ms=.. → "rps p99"
measure() { # script url env...
    local script=$1 url=$2; shift 2
    wait_quiet
    env "$@" wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$script" "$url" >/dev/null
    env "$@" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$script" "$url" | grep '^RESULT' \
        | sed -E 's/.*rps=([0-9.]+).*p99_ms=([0-9.]+).*non2xx=([0-9]+).*/\1 \2 \3/'
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); wrk -t$THREADS -c$CONNS $DURATION after $WARMUP, $REPEATS rounds, $ROWS tasks"
printf '| engine | load | build | ceiling req/s | Yui req/s | Yui / ceiling | ceiling p99 ms | Yui p99 ms | Yui non-2xx |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n'
for engine in $ENGINES; do
    log "== $engine: seed the ceiling and Yui ($ROWS tasks each)"
    curl_url=$(new_database "$engine" ceiling)
    "$CEILING" --database-url "$curl_url" --seed "$ROWS" --dump-ids "$WORK/ceiling-ids.txt" >"$WORK/ceiling-seed.log" 2>&1
    yurl=$(new_database "$engine" yui)
    seeded=$("$SEED" --database-url "$yurl" --workers "$WORKERS" --tasks "$ROWS" 2>"$WORK/seed.log" | tail -n 1)
    # Yui's ids: "job_id task_id" of tasks a director may still edit.
    query="SELECT job_id, id FROM tasks WHERE status IN ('open', 'assigned')"
    if [[ "$engine" == sqlite ]]; then
        python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); [print(j, t) for j, t in c.execute(sys.argv[2])]" "$yurl" "$query" >"$WORK/yui-ids.txt"
    else
        psql "$yurl" -qAt -F ' ' -c "$query" >"$WORK/yui-ids.txt"
        psql "$yurl" -qc "VACUUM ANALYZE" >/dev/null
        psql "$curl_url" -qc "VACUUM ANALYZE" >/dev/null
    fi

    cport=$(free_port); "$CEILING" --database-url "$curl_url" --bind "127.0.0.1:$cport" >"$WORK/ceiling.log" 2>&1 & PIDS+=($!)
    wait_up "$cport"
    email=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["director_email"])' "$seeded")
    password=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["director_password"])' "$seeded")
    yports=(); tokens=()
    for b in "${!YUIS[@]}"; do
        yport=$(free_port)
        DATABASE_URL="$yurl" "${YUIS[$b]}" --data-dir "$WORK/data-$engine-$b" serve --bind "127.0.0.1:$yport" >"$WORK/yui-$b.log" 2>&1 & PIDS+=($!)
        wait_up "$yport"
        yports+=("$yport")
        tokens+=("$(curl -s "http://127.0.0.1:$yport/v1/auth/login" -H 'Content-Type: application/json' \
            -d "{\"email\":\"$email\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')")
    done

    for mode in $MODES; do
        cmode=$mode; [[ "$mode" == write ]] && cmode=touch
        : >"$WORK/c.txt"
        for b in "${!YUIS[@]}"; do : >"$WORK/y-$b.txt"; done
        for round in $(seq 1 "$REPEATS"); do
            log "   $engine $mode round $round"
            measure "$CEILING_DIR/bench.lua" "http://127.0.0.1:$cport" CEILING_MODE="$cmode" CEILING_IDS="$WORK/ceiling-ids.txt" >>"$WORK/c.txt"
            for b in "${!YUIS[@]}"; do
                measure "$CEILING_DIR/yui.lua" "http://127.0.0.1:${yports[$b]}" YUI_MODE="$mode" YUI_IDS="$WORK/yui-ids.txt" YUI_AUTH="Bearer ${tokens[$b]}" >>"$WORK/y-$b.txt"
            done
        done
        c_rps=$(cut -d' ' -f1 "$WORK/c.txt" | median); c_p99=$(cut -d' ' -f2 "$WORK/c.txt" | median)
        for b in "${!YUIS[@]}"; do
            y_rps=$(cut -d' ' -f1 "$WORK/y-$b.txt" | median); y_p99=$(cut -d' ' -f2 "$WORK/y-$b.txt" | median)
            y_bad=$(awk '{s+=$3} END {print s}' "$WORK/y-$b.txt")
            ratio=$(awk -v y="$y_rps" -v c="$c_rps" 'BEGIN {printf "%.2f", y / c}')
            printf '| %s | %s | %s | %.0f | %.0f | %s | %s | %s | %s |\n' "$engine" "$mode" "${YUIS[$b]}" "$c_rps" "$y_rps" "$ratio" "$c_p99" "$y_p99" "$y_bad"
        done
    done
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    PIDS=()
done
