"""Helper of .ci/schemathesis.sh (standard library only).

  login BASE TOKENS_JSON                 log the three demo roles in once, keep their tokens
  config BASE ROLE TOKENS_JSON BASE_TOML print a schemathesis config for ROLE: BASE_TOML, the
                                         role's fresh access token, and real demo ids pinned
                                         per operation (read from the server just now)
  coverage SPEC_URL HAR...               print which operations answered 2xx at least once

Values are pinned with `[dictionaries]`, bound to parameters and body fields (see PATHS
and FIELDS below), so most requests reach a real resource. Reads only, but for one
absence added to the worker when it has none, and logins of a spare demo account.
"""
import datetime
import json
import re
import sys
import urllib.error
import urllib.request

EMAILS = {"director": "director1@kado.example", "client": "client@mapworks.example",
          "worker": "worker2@kado.example"}
PASSWORD = "yui-demo-password"
SPARE = "director2@kado.example"  # no role's run uses it: its logins and sessions may be fuzzed


def call(base, method, path, token=None, body=None):
    request = urllib.request.Request(base + path, method=method,
                                     data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        if method == "GET" and error.code in (403, 404):
            return None  # this role may not read it: not an id source
        raise SystemExit(f"{method} {path} -> {error.code}: {error.read()[:300]!r}")


def pages(base, path, token):
    """Every item of a paged list (all pages)."""
    items, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        page = call(base, "GET", f"{path}{sep}limit=100" + (f"&cursor={cursor}" if cursor else ""), token)
        if page is None:
            return items
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def login(base, tokens_path):
    tokens = {role: call(base, "POST", "/v1/auth/login", body={"email": email, "password": PASSWORD})
              for role, email in EMAILS.items()}
    json.dump(tokens, open(tokens_path, "w"))


def fresh_tokens(base, tokens_path):
    """Refresh every role's pair (tokens live 15 min; a run can outlast that)."""
    tokens = json.load(open(tokens_path))
    for role, pair in tokens.items():
        tokens[role] = call(base, "POST", "/v1/auth/refresh", body={"refresh_token": pair["refresh_token"]})
    json.dump(tokens, open(tokens_path, "w"))
    return {role: pair["access_token"] for role, pair in tokens.items()}


def demo_ids(base, role, tok):
    """Real ids, as the server has them now (earlier runs may have changed states)."""
    d, c, w = tok["director"], tok["client"], tok["worker"]
    me = {r: call(base, "GET", "/v1/me", tok[r])["user"] for r in tok}
    jobs = pages(base, "/v1/jobs", c)  # the client's organisation's jobs, every status
    tasks = [t for j in jobs for t in pages(base, f"/v1/jobs/{j['id']}/tasks", d)]
    users = pages(base, "/v1/users", d)
    workers = [u["id"] for u in users if u["role"] == "worker"]
    by_status = {}
    for t in tasks:  # two tasks in each status keeps every state in the draw
        by_status.setdefault(t["status"], []).append(t["id"])
    task_ids = [i for ids in by_status.values() for i in ids[:2]]
    exceptions = lambda wid, token: (call(base, "GET", f"/v1/workers/{wid}/availability", token)
                                     or {"exceptions": []})["exceptions"]
    if role == "worker":  # the worker's own tasks, its teams' queues and itself first
        own = [t["id"] for t in pages(base, "/v1/me/tasks", w)]
        teams = call(base, "GET", "/v1/teams", w) or []
        queued = [t["id"] for team in teams for t in pages(base, f"/v1/teams/{team['id']}/queue", w)]
        task_ids = own + queued + task_ids[:4]
        workers = [me["worker"]["id"]] + workers[:1]
        if not exceptions(me["worker"]["id"], w):  # one of its own for delete_exception
            day = datetime.date.today() + datetime.timedelta(days=3)
            call(base, "POST", f"/v1/workers/{me['worker']['id']}/availability/exceptions", w,
                 {"day": str(day), "kind": "absent", "note": "schemathesis"})
        exception_ids = [e["id"] for e in exceptions(me["worker"]["id"], w)]
    else:
        exception_ids = [e["id"] for wid in workers for e in exceptions(wid, d)]
    centers = [me["director"]["center_id"]] + [x["id"] for x in pages(base, "/v1/public/centers", None)]
    return {
        "job": [j["id"] for j in jobs],
        "task": list(dict.fromkeys(task_ids)),
        "submission": [t["current_submission_id"] for t in tasks if t.get("current_submission_id")][:6],
        "delivery": [x["id"] for j in jobs for x in (pages(base, f"/v1/jobs/{j['id']}/deliveries", d))],
        "team": [t["id"] for t in call(base, "GET", "/v1/teams", d)],
        "worker": list(dict.fromkeys(workers)),
        "user": [u["id"] for u in users if u["id"] not in (me["director"]["id"], me["worker"]["id"])],
        "skill": [s["slug"] for s in call(base, "GET", "/v1/skills", d)],
        "center": list(dict.fromkeys(centers)),
        "exception": exception_ids,
        "invoice": [i["id"] for i in pages(base, "/v1/invoices", d)],
    }


# Which dictionary fills which parameter. Path ids per path prefix, at 0.9 so unknown ids
# are still tried (one entry per operation: two [[operations]] entries that both set
# `parameters` do not merge). Body and query fields hold what the schema cannot say (ids
# that exist, dates in the future, a known time zone, the centre's minimum rate) at 1.0:
# every entry is schema-valid, so they fill positive cases only and negative cases are
# generated as usual. Only the fuzzing and stateful phases use dictionaries: the coverage
# phase's boundary values (a 2000-01-01 due date, a random uuid) are not replaced.
PATHS = [
    (r"^/v1/jobs/\{id\}", {"path.id": "job"}),
    (r"^/v1/tasks/\{id\}", {"path.id": "task"}),
    (r"^/v1/deliveries/\{id\}", {"path.id": "delivery"}),
    (r"^/v1/invoices/\{id\}", {"path.id": "invoice"}),
    (r"^/v1/teams/\{id\}", {"path.id": "team", "path.worker_id": "worker"}),
    (r"^/v1/users/\{id\}", {"path.id": "user"}),
    (r"^/v1/workers/\{id\}", {"path.id": "worker", "path.exception_id": "exception", "path.skill": "skill"}),
    (r"^/v1/public/centers/\{id\}", {"path.id": "center"}),
    (r"^/v1/auth/login$", {"body.email": "email", "body.password": "password"}),
    (r"^/v1/auth/refresh$", {"body.refresh_token": "refresh_token"}),  # a session each: logout
    (r"^/v1/auth/logout$", {"body.refresh_token": "logout_token"}),     # runs first, revokes its own
]
FIELDS = {"query.assignee_id": "worker", "query.job_id": "job", "query.skill": "skill", "query.from": "now", "query.to": "week",
          "body.worker_id": "worker", "body.team_id": "team", "body.preferred_team_id": "team",
          "body.center_id": "center", "body.submission_id": "submission", "body.task_ids[*]": "task",
          "body.skill": "skill", "body.required_skills[*].skill": "skill", "body.needs[*].skill": "skill",
          "body.tasks[*].skill": "skill", "body.due_at": "soon", "body.tasks[*].due_at": "soon",
          "body.planned_delivery_at": "soon", "body.time_zone": "time_zone",
          "body.hourly_rate.amount_minor": "rate", "body.hourly_rate.currency": "currency"}


def dictionaries(base, role, tokens):
    """The dictionaries: real ids, and values valid on this server today."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    at = lambda days: (now + datetime.timedelta(days=days)).isoformat().replace("+00:00", "Z")
    center = call(base, "GET", "/v1/me", tokens["director"])["center"]
    rate = center["minimum_hourly_rate"]
    spare_session = lambda: call(base, "POST", "/v1/auth/login", body={"email": SPARE, "password": PASSWORD})["refresh_token"]
    return {**demo_ids(base, role, tokens), "now": [at(0)], "week": [at(7)], "soon": [at(1), at(3)],
            "time_zone": [center["time_zone"], "UTC"], "currency": [rate["currency"]],
            "rate": [rate["amount_minor"], rate["amount_minor"] * 2], "email": [SPARE], "password": [PASSWORD],
            "refresh_token": [spare_session()], "logout_token": [spare_session()]}


def config(base, role, tokens_path, base_toml):
    tokens = fresh_tokens(base, tokens_path)
    ids = {name: entries for name, entries in dictionaries(base, role, tokens).items() if entries}
    q = json.dumps  # a JSON string is a TOML basic string
    bind = lambda name, p=0.9: f"{{ dictionary = {q(name)}, probability = {p} }}"
    out = [f"# Written by .ci/schemathesis.sh for the {role}, from {base_toml}.",
           f"headers = {{ Authorization = {q('Bearer ' + tokens[role])} }}",  # before any table
           open(base_toml).read(), "[parameters]"]
    out += [f"{q(key)} = {bind(name, 1.0)}" for key, name in FIELDS.items() if name in ids]
    for name, values in ids.items():
        out.append(f"\n[dictionaries.{name}]\nvalues = {q(values)}")
    for regex, params in PATHS:
        bound = ", ".join(f"{q(k)} = {bind(n)}" for k, n in params.items() if n in ids)
        if bound:
            out.append(f"\n[[operations]]\ninclude-path-regex = {q(regex)}\nparameters = {{ {bound} }}")
    print("\n".join(out))
    print(f"{role}: pinned " + ", ".join(f"{len(v)} {k}" for k, v in ids.items()), file=sys.stderr)


def coverage(spec_url, hars):
    spec = json.load(urllib.request.urlopen(spec_url))
    ops = [(m.upper(), re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", p) + "$"), f"{m.upper()} {p}")
           for p, item in spec["paths"].items() for m in item if m in ("get", "put", "post", "patch", "delete")]
    seen = {}
    for har in hars:
        role = har.rsplit("/", 1)[-1].split(".")[0]
        for entry in json.load(open(har))["log"]["entries"]:
            method, url = entry["request"]["method"], entry["request"]["url"]
            path = "/" + url.split("://", 1)[1].split("/", 1)[1].split("?")[0]
            for op_method, pattern, label in ops:
                if method == op_method and pattern.match(path):
                    ok = 200 <= entry["response"]["status"] < 300
                    seen.setdefault(label, set()).update({role} if ok else set())
    reached = [label for *_, label in ops if seen.get(label)]
    print(f"coverage: {len(reached)} of {len(ops)} operations answered 2xx at least once")
    for *_, label in ops:
        print(f"  {'2xx by ' + ','.join(sorted(seen[label])) if seen.get(label) else 'never 2xx':22} {label}")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"login": login, "config": config, "coverage": lambda url, *hars: coverage(url, hars)}[command](*args)
