#!/usr/bin/env python3
"""Sequential load on a running Yui (127.0.0.1 only): logs in once as the seeded
director, warms up, then times N requests each of the candidates for the probe task,
the dashboard, the first page of 50 at-risk tasks, and the first page of 50 at-risk
tasks not yet due (the seed's first pages are tasks already past due, which nobody
can take in time: no substitutes to rank). Prints one JSON line per endpoint with the
server time (the `Server-Timing: app;dur=` header, in ms) and the client time.

Each server caches the centre's workforce roster until a roster table changes, so
the timed requests above measure the usual case. Last, it measures the other one:
REQUESTS / 10 times, a director changes one worker's level (which invalidates every
server's roster) and the next candidates and dashboard requests are timed.

usage: load.py PORT SEED_JSON [REQUESTS] [WARMUP]
"""

import http.client
import json
import statistics
import sys
import time


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def server_ms(response):
    header = response.getheader("Server-Timing") or ""
    for part in header.split(";"):
        if part.strip().startswith("dur="):
            return float(part.strip()[4:])
    raise RuntimeError(f"no Server-Timing duration in {header!r}")


def request(conn, method, path, token=None, body=None):
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    client = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")
    return response, payload, client


def main():
    port = int(sys.argv[1])
    seed = json.loads(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    _, payload, _ = request(
        conn,
        "POST",
        "/v1/auth/login",
        body={"email": seed["director_email"], "password": seed["director_password"]},
    )
    token = json.loads(payload)["access_token"]
    endpoints = {
        "candidates": f"/v1/tasks/{seed['task_id']}/candidates",
        "dashboard": "/v1/dashboard",
    }
    at_risk = {"at-risk": "/v1/at-risk?limit=50"}
    not_yet_due = first_at_risk_page_not_yet_due(conn, token)
    if not_yet_due:
        at_risk["at-risk, not yet due"] = not_yet_due
    for name, path in {**endpoints, **at_risk}.items():
        for _ in range(warmup):
            request(conn, "GET", path, token)
        servers, clients = [], []
        for _ in range(count):
            response, payload, client = request(conn, "GET", path, token)
            servers.append(server_ms(response))
            clients.append(client)
        body = json.loads(payload)
        extra = {}
        if name == "candidates":
            extra["candidates_returned"] = len(body.get("candidates", []))
        elif name.startswith("at-risk"):
            extra["tasks"] = len(body["items"])
            extra["substitutes"] = sum(len(item["substitutes"]) for item in body["items"])
        else:
            extra["at_risk_tasks"] = body.get("at_risk_tasks")
            extra["tasks_by_status"] = body.get("tasks_by_status")
        print(
            json.dumps(
                {
                    "endpoint": name,
                    "requests": count,
                    "server_median_ms": round(statistics.median(servers), 2),
                    "server_p90_ms": round(percentile(servers, 90), 2),
                    "server_p99_ms": round(percentile(servers, 99), 2),
                    "client_median_ms": round(statistics.median(clients), 2),
                    "response_bytes": len(payload),
                    **extra,
                }
            ),
            flush=True,
        )
    after_roster_change(conn, token, endpoints, max(5, count // 10))


def first_at_risk_page_not_yet_due(conn, token):
    """The path of the first page of 50 at-risk tasks whose first task is not yet
    due, or None."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    path = "/v1/at-risk?limit=50"
    while True:
        _, payload, _ = request(conn, "GET", path, token)
        page = json.loads(payload)
        if page["items"] and page["items"][0]["task"]["due_at"][:19] > now:
            return path
        if not page["next_cursor"]:
            return None
        path = f"/v1/at-risk?limit=50&cursor={page['next_cursor']}"


def after_roster_change(conn, token, endpoints, rounds):
    _, payload, _ = request(conn, "GET", endpoints["candidates"], token)
    candidates = json.loads(payload)
    worker = candidates["candidates"][0]["worker_id"]
    skill = candidates["requirement"]["skill"]
    timings = {name: [] for name in endpoints}
    for round_number in range(rounds):
        for name, path in endpoints.items():
            level = 4 + round_number % 2
            request(conn, "PUT", f"/v1/workers/{worker}/skills/{skill}", token, {"level": level, "evidence": "bench"})
            response, _, _ = request(conn, "GET", path, token)
            timings[name].append(server_ms(response))
    for name, servers in timings.items():
        print(
            json.dumps(
                {
                    "endpoint": f"{name} after a roster change",
                    "requests": rounds,
                    "server_median_ms": round(statistics.median(servers), 2),
                    "server_p90_ms": round(percentile(servers, 90), 2),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
