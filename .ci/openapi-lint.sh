#!/usr/bin/env bash
# Lints an OpenAPI document with Redocly CLI's `recommended` ruleset.
#   usage: .ci/openapi-lint.sh SPEC_FILE        (e.g. openapi/openapi.json)
# Why: the committed spec is what client authors and code generators read; the OpenAPI
# freshness test only proves it matches the server, not that it is a well-formed,
# unambiguous document (security declared on every operation, servers present, no
# dangling or duplicate definitions...). Any rule at `error` level fails this step;
# warnings are printed but pass. The tool is pinned in .ci/tools/package-lock.json.
set -euo pipefail
spec=$(realpath "${1:?usage: $0 SPEC_FILE}")
cd "$(dirname "$0")/tools"
npm ci --no-audit --no-fund --loglevel=error
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
# --extends=recommended: no redocly.yaml, so the ruleset is exactly Redocly's own.
npx --no-install redocly lint --extends=recommended --format=stylish "$spec"
