#!/usr/bin/env bash
# Opens the served API docs page (/docs/) in headless Chromium, as a browser on
# another host would see it, and checks that it works offline and under its
# Content-Security-Policy:
#   - the operations render (Swagger UI's script and styles come from the server);
#   - the browser logs no CSP violation ("Refused to …");
#   - no validator badge: Swagger UI would otherwise send the spec's address to
#     validator.swagger.io from any non-localhost host (hence the host name below).
#   usage: .ci/docs-page.sh BASE_URL          (e.g. http://127.0.0.1:8080)
set -euo pipefail
base=${1:?usage: $0 BASE_URL}
port=${base##*:}
if ! command -v chromium >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The flags keep Chromium off this machine's closed network (see the env notes);
# yui.test resolves to the server, everything else to nowhere.
timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --host-resolver-rules="MAP yui.test 127.0.0.1, MAP * ~NOTFOUND" \
  --enable-logging=stderr --v=0 --virtual-time-budget=15000 \
  --dump-dom "http://yui.test:$port/docs/" >"$work/dom.html" 2>"$work/browser.log"
operations=$(grep -o 'class="opblock-tag' "$work/dom.html" | wc -l)
fail=0
[ "$operations" -ge 10 ] || { echo "docs page: operations did not render ($operations tags)" >&2; fail=1; }
if grep -i "refused to\|content security policy" "$work/browser.log"; then
  echo "docs page: the browser reported CSP violations (above)" >&2; fail=1
fi
if grep -o 'validator[^"]*swagger[^"]*' "$work/dom.html"; then
  echo "docs page: Swagger UI shows a validator badge (it calls an outside service)" >&2; fail=1
fi
[ "$fail" -eq 0 ] && echo "docs page: $operations operation groups render offline under the CSP, no outside validator"
exit "$fail"
