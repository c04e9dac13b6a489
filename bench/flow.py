#!/usr/bin/env python3
"""The documented flow (docs/api.md, "a job from post to completion") as load, on a
running demo server (127.0.0.1 only), with the server's resident memory sampled from
/proc. bench/memory.sh starts the server and calls this; docs/benchmarks.md records
what it printed.

  flow.py PORT PID runs RUNS ROUNDS   RUNS times ROUNDS rounds of the flow; after each
                                      run the RSS at once ("busy") and after a pause of
                                      REST seconds ("at rest"): one JSON line per run
  flow.py PORT PID soak SECONDS       mixed traffic for SECONDS: one client runs flow
                                      rounds, three send 70 % task by id, 20 % pages of
                                      50, 10 % edits; RSS every 2 s (a line every 30 s),
                                      then a summary: the median RSS of the second
                                      minute against that of the last minute, and the peak
  flow.py PORT PID import             10 000 tasks as two splits of 5 000, five times:
                                      the server time (`Server-Timing: app;dur=`) of
                                      each import and their median

A round of the flow: a client drafts and posts a job, a director quotes it and the
client approves; the director splits it into 2 000 tasks in one request, pages
through the first 500, assigns ten to a worker, who starts and submits them, and the
director reads and approves each; then the QC queue, the dashboard, the at-risk list,
the candidates of an open task, the job and its events. About 80 requests.

Stdlib only. Every answer is checked: an unexpected status stops the run.
"""

import datetime
import http.client
import json
import random
import statistics
import sys
import threading
import time

PASSWORD = "yui-demo-password"
SPLIT = 2000
PAGES = 10
WORKED = 10
# jemalloc gives back pages unused for a second (crates/cli/allocator.rs).
REST = 3


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def in_days(days):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)).isoformat()


class Client:
    """One keep-alive connection; counts requests and sums the server's time."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.requests = 0

    def call(self, method, path, token=None, body=None, expect=(200,)):
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        self.requests += 1
        if response.status not in expect:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
        self.last_server_ms = server_ms(response)
        return json.loads(data) if data else None

    def login(self, email):
        return self.call("POST", "/v1/auth/login", body={"email": email, "password": PASSWORD})["access_token"]


def server_ms(response):
    for part in (response.getheader("Server-Timing") or "").split(";"):
        if part.startswith("dur="):
            return float(part[4:])
    return None


class Cast:
    def __init__(self, client):
        self.client_token = client.login("client@mapworks.example")
        self.director = client.login("director1@kado.example")
        self.worker = client.login("worker1@kado.example")
        self.worker_id = client.call("GET", "/v1/me", self.worker)["user"]["id"]
        centers = client.call("GET", "/v1/public/centers")["items"]
        self.center = next(c["id"] for c in centers if "KADO" in c["name"])


def active_job(client, cast, title):
    job = client.call(
        "POST",
        "/v1/jobs",
        cast.client_token,
        {
            "center_id": cast.center,
            "title": title,
            "description": "Mark every road sign.",
            "category": "data-annotation",
            "required_skills": [],
            "pricing": "fixed",
            "budget": {"amount_minor": 48000, "currency": "JPY"},
            "due_at": in_days(30),
            "deliverable_spec": "One JSON file of boxes per photo.",
        },
        expect=(201,),
    )["id"]
    client.call("POST", f"/v1/jobs/{job}/post", cast.client_token)
    quote = {"estimated_minutes": 240, "price": {"amount_minor": 45000}, "planned_delivery_at": in_days(20), "note": "One team"}
    client.call("POST", f"/v1/jobs/{job}/quote", cast.director, quote)
    client.call("POST", f"/v1/jobs/{job}/quote/approve", cast.client_token)
    return job


def split(client, cast, job, count):
    specs = [
        {"title": f"Photos {i}", "instructions": "Box every sign.", "estimated_minutes": 30, "due_at": in_days(10)}
        for i in range(count)
    ]
    tasks = client.call("POST", f"/v1/jobs/{job}/tasks", cast.director, {"tasks": specs}, expect=(201,))
    return [t["id"] for t in tasks]


def flow_round(client, cast, n):
    director, worker = cast.director, cast.worker
    job = active_job(client, cast, f"Annotate street photos, batch {n}")
    tasks = split(client, cast, job, SPLIT)
    cursor = None
    for _ in range(PAGES):
        page = client.call("GET", f"/v1/jobs/{job}/tasks?limit=50" + (f"&cursor={cursor}" if cursor else ""), director)
        cursor = page["next_cursor"]
    for task in tasks[:WORKED]:
        client.call("POST", f"/v1/tasks/{task}/assign", director, {"worker_id": cast.worker_id})
        client.call("POST", f"/v1/tasks/{task}/start", worker)
        client.call("POST", f"/v1/tasks/{task}/submissions", worker, {"result_text": "Boxes drawn"}, expect=(201,))
        submission = client.call("GET", f"/v1/tasks/{task}", director)["current_submission_id"]
        client.call("POST", f"/v1/tasks/{task}/review", director, {"submission_id": submission, "decision": "approve"})
    client.call("GET", "/v1/review-queue", director)
    client.call("GET", "/v1/dashboard", director)
    client.call("GET", "/v1/at-risk", director)
    client.call("GET", f"/v1/tasks/{tasks[WORKED]}/candidates", director)
    client.call("GET", f"/v1/jobs/{job}", director)
    client.call("GET", f"/v1/jobs/{job}/events", director)
    return tasks


def runs(port, pid, count, rounds):
    client = Client(port)
    cast = Cast(client)
    print(json.dumps({"phase": "start", "rss_mb": round(rss_mb(pid), 1)}), flush=True)
    for run in range(1, count + 1):
        for n in range(rounds):
            flow_round(client, cast, f"{run}.{n}")
        busy = rss_mb(pid)
        time.sleep(REST)
        line = {"phase": "flow", "run": run, "requests": client.requests, "rss_mb_busy": round(busy, 1)}
        print(json.dumps(line | {"rss_mb_at_rest": round(rss_mb(pid), 1)}), flush=True)


def soak(port, pid, seconds):
    setup = Client(port)
    cast = Cast(setup)
    job = active_job(setup, cast, "Soak: mixed traffic")
    ids = split(setup, cast, job, 1000)
    deadline = time.monotonic() + seconds
    errors = []
    counts = {"flow": 0, "mix": 0}
    lock = threading.Lock()

    def flows():
        client, n = Client(port), 0
        while time.monotonic() < deadline:
            flow_round(client, cast, f"soak.{n}")
            n += 1
        with lock:
            counts["flow"] += client.requests

    def mix(seed):
        client, rng, edits = Client(port), random.Random(seed), 0
        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.7:
                client.call("GET", f"/v1/tasks/{rng.choice(ids)}", cast.director)
            elif roll < 0.9:
                client.call("GET", f"/v1/jobs/{job}/tasks?limit=50", cast.director)
            else:
                edits += 1
                body = {"title": f"Photos, edit {seed}.{edits}"}
                client.call("PATCH", f"/v1/tasks/{rng.choice(ids)}", cast.director, body, expect=(200, 409))
        with lock:
            counts["mix"] += client.requests

    def guarded(target, *args):
        def run():
            try:
                target(*args)
            except Exception as error:  # reported after the soak
                errors.append(repr(error))

        return threading.Thread(target=run)

    threads = [guarded(flows)] + [guarded(mix, seed) for seed in range(3)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    samples = []
    while any(t.is_alive() for t in threads):
        time.sleep(2)
        second = time.monotonic() - started
        if second > seconds:
            break
        samples.append((second, rss_mb(pid)))
        if len(samples) % 15 == 0:
            print(json.dumps({"phase": "soak", "second": round(second), "rss_mb": round(samples[-1][1], 1)}), flush=True)
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"the soak failed: {errors}")
    at_two = statistics.median(rss for second, rss in samples if 60 < second <= 120)
    end = statistics.median(rss for second, rss in samples if second > seconds - 60)
    print(
        json.dumps(
            {
                "phase": "soak summary",
                "seconds": seconds,
                "requests": counts["flow"] + counts["mix"],
                "flow_requests": counts["flow"],
                "median_rss_mb_minute_2": round(at_two, 1),
                "median_rss_mb_last_minute": round(end, 1),
                "rss_mb_peak": round(max(rss for _, rss in samples), 1),
                "growth_after_minute_2_percent": round((end - at_two) / at_two * 100, 1),
            }
        ),
        flush=True,
    )


def import_tasks(port, pid, repeats=5):
    client = Client(port)
    cast = Cast(client)
    totals = []
    for n in range(repeats):
        job = active_job(client, cast, f"Import {n}: 10 000 tasks")
        times = []
        for _ in range(2):
            split(client, cast, job, 5000)
            times.append(client.last_server_ms)
        totals.append(sum(times))
    busy = rss_mb(pid)
    time.sleep(REST)
    line = {"phase": "import", "tasks": 10000, "repeats": repeats, "server_ms_each": [round(t, 1) for t in totals]}
    line |= {"median_server_ms": round(statistics.median(totals), 1), "rss_mb_busy": round(busy, 1)}
    print(json.dumps(line | {"rss_mb_at_rest": round(rss_mb(pid), 1)}), flush=True)


def main():
    port, pid, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    if mode == "runs":
        runs(port, pid, int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "soak":
        soak(port, pid, int(sys.argv[4]))
    elif mode == "import":
        import_tasks(port, pid)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
