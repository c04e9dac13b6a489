#!/usr/bin/env bash
# Fuzzes a running Yui demo server against its own served spec with schemathesis, as a
# director, a client and a worker in turn, with real demo ids.
#   usage: .ci/schemathesis.sh BASE_URL [MORE SCHEMATHESIS RUN OPTIONS]
#   e.g.   .ci/schemathesis.sh http://127.0.0.1:8080 --continue-on-failure   (a --demo server)
# Why: property-based requests find where the server and its spec disagree: 5xx, statuses,
# content types or bodies the spec does not list, invalid input accepted, valid input
# rejected, undeclared methods not refused with 405. Random ids only ever reach 404, so
# before each role's run .ci/tools/schemathesis_ids.py reads real ids from the server (the
# client's jobs in every state, tasks, submissions, deliveries, teams, workers, skills,
# centres, exceptions) and writes a config, schemathesis.toml plus those ids pinned per
# operation ([dictionaries] and `parameters`), so most requests reach real resources.
# Every role logs in once before any fuzzing (fuzzed logins soon hit the login rate limit);
# tokens are refreshed before each run. One worker thread: Hypothesis's lambda-source cache
# is not thread-safe ("AST constructor recursion depth mismatch"), which is not a finding.
# Ends with how many operations answered 2xx at least once; exits 1 on any failure.
# The roles run one after another on one server, so each sees the states the last left.
set -euo pipefail
base=${1:?usage: $0 BASE_URL [schemathesis run options]}; shift
root=$(cd "$(dirname "$0")/.." && pwd)
ids="python3 $root/.ci/tools/schemathesis_ids.py"
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'schemathesis==4.32.5'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$ids login "$base" "$work/tokens.json"
failed=()
for role in director client worker; do
  printf '\n---- schemathesis as the %s ----\n' "$role"
  $ids config "$base" "$role" "$work/tokens.json" "$root/schemathesis.toml" > "$work/$role.toml"
  mkdir "$work/$role"  # a clean folder: schemathesis replays failures cached in its own
  (cd "$work/$role" && schemathesis --config-file "$work/$role.toml" run "$base/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,positive_data_acceptance,unsupported_method \
    --max-examples 50 --workers 1 --seed 1 --no-color --report har --report-har-path "$work/$role.har" "$@") \
    || failed+=("$role")
done
echo
$ids coverage "$base/openapi.json" "$work"/*.har
[ ${#failed[@]} -eq 0 ] || { echo "schemathesis: failures as ${failed[*]}" >&2; exit 1; }
echo "schemathesis: zero failures"
