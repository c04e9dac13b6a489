# Sourced by the benchmark scripts (run.sh, memory.sh, import.sh, openloop.sh): the server's
# environment, a scratch directory, one Yui server and its database at a time, and
# clean-up on exit. `bench_begin NAME` sets it up.
#
# Variables it sets: WORK (the scratch directory), SERVER_PID and PG_DB (the server
# and the PostgreSQL database `stop_server` stops and drops; set them when you start
# or create one), PG_URL (default postgres://postgres@127.0.0.1:5432).

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
export YUI_JWT_SECRET=bench-jwt-secret-0123456789abcdefghijklmnop
export YUI_LOG=warn
# Count every request against a budget no run reaches: the limiter's cost (one upsert
# per request) is part of what is measured, its refusals are not.
export YUI_RATE_LIMIT_PER_MINUTE=100000000
# Long enough for a whole run on one login.
export YUI_ACCESS_TOKEN_TTL=14400
export YUI_MAIL_TRANSPORT=off
# For `wait_settled`, which reads the outbox backlog from /metrics.
export YUI_METRICS_TOKEN=bench-metrics
unset DATABASE_URL

bench_begin() {
    WORK=$(mktemp -d -t "yui-$1.XXXXXX")
    SERVER_PID=""
    PG_DB=""
    trap 'stop_server; rm -rf "$WORK"' EXIT
    trap 'exit 130' INT TERM
}

# Stops the server and drops the database, if any.
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

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until the server on PORT answers PATH (`/readyz`, `/healthz`); exits with
# its log if it died, or after a minute.
wait_ready() {
    local port=$1 path=$2
    for _ in $(seq 1 300); do
        if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port$path', timeout=1)" 2>/dev/null; then
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

# Waits until the server on PORT (SERVER_PID) has settled after start, at most 15
# minutes: its first housekeeping round is past (30 s after start: the at-risk
# sweep), no e-mail is pending (a seeded centre starts with one `task_assigned`
# message per assignment: 30 000 at 100 000 tasks, delivered for a minute or more)
# and it used under 5 % of a core in the last second. Measuring earlier measures
# that delivery along with the endpoint.
wait_settled() {
    local port=$1 before after
    for _ in $(seq 1 900); do
        if python3 - "$port" <<'PY'
import sys, urllib.request
request = urllib.request.Request(
    f"http://127.0.0.1:{sys.argv[1]}/metrics", headers={"Authorization": "Bearer bench-metrics"}
)
text = urllib.request.urlopen(request, timeout=30).read().decode()
values = dict(line.rsplit(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
pending = float(values.get('yui_outbox_messages{status="pending"}', 0))
sys.exit(0 if float(values["yui_uptime_seconds"]) >= 45 and pending == 0 else 1)
PY
        then
            before=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
            sleep 1
            after=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
            (( after - before < 5 )) && return
        else
            sleep 1
        fi
    done
    echo "the server did not settle in 15 minutes" >&2
    exit 1
}

# start_demo ENGINE [BINARY]: a fresh `yui serve --demo` (BINARY, or $YUI) on a new
# SQLite file or PostgreSQL database; sets PORT and SERVER_PID.
start_demo() {
    local engine=$1 data
    data=$(mktemp -d -p "$WORK")
    case "$engine" in
        sqlite) url="$data/yui.sqlite3" ;;
        postgres)
            PG_DB="bench_demo_$$"
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
        "${2:-$YUI}" serve --demo --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    wait_ready "$PORT" /readyz
}

# The first line of every result: when, and on what machine.
machine() {
    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
}
