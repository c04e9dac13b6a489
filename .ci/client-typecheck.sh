#!/usr/bin/env bash
# Generates TypeScript types from an OpenAPI document (openapi-typescript) and type-checks
# .ci/tools/client-check.ts, a small client written against them with openapi-fetch
# (login, paging through jobs, submitting a result, reading a Problem, reading events),
# with `tsc --noEmit --strict`.
#   usage: .ci/client-typecheck.sh SPEC_FILE        (e.g. openapi/openapi.json)
# Why: the spec can be valid and match the server and still be unusable from a typed
# client (a list page whose items are not the item type, a JSON field typed as an empty
# object, a missing request body...). Tools are pinned in .ci/tools/package-lock.json.
set -euo pipefail
spec=$(realpath "${1:?usage: $0 SPEC_FILE}")
cd "$(dirname "$0")/tools"
npm ci --no-audit --no-fund --loglevel=error
mkdir -p generated   # git-ignored
npx --no-install openapi-typescript "$spec" --output generated/yui.ts
npx --no-install tsc --noEmit --strict --target es2022 --module esnext --moduleResolution bundler client-check.ts
echo "client-check.ts type-checks against the types generated from $spec"
