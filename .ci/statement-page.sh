#!/usr/bin/env bash
# Opens a demo worker's printable earnings statement (this month, in Japanese) in
# headless Chromium, as a worker saving and printing it would:
#   - the page parses into its table (head, body, the totals in the foot);
#   - the browser logs no violation of the page's own Content-Security-Policy;
#   - it prints to a PDF.
# The page needs the worker's token, so it is fetched with it and opened from a file
# (its policy travels in the page as well as in the header).
#   usage: .ci/statement-page.sh BASE_URL          (e.g. http://127.0.0.1:8080)
set -euo pipefail
base=${1:?usage: $0 BASE_URL}
if ! command -v chromium >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
token=$(python3 - "$base" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
body = json.dumps({"email": "worker1@kado.example", "password": "yui-demo-password"}).encode()
request = urllib.request.Request(base + "/v1/auth/login", data=body, headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request))["access_token"])
PY
)
me=$(curl -fsS "$base/v1/me" -H "Authorization: Bearer $token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])')
period=$(TZ=Asia/Tokyo date +%Y-%m)
curl -fsS -D "$work/headers" -o "$work/statement.html" \
  "$base/v1/workers/$me/statements/$period/html?lang=ja" -H "Authorization: Bearer $token"
fail=0
grep -qi "^content-security-policy: default-src 'none'" "$work/headers" \
  || { echo "statement page: no Content-Security-Policy header" >&2; fail=1; }
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --host-resolver-rules="MAP * ~NOTFOUND"
  --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
timeout 90 chromium "${flags[@]}" --dump-dom "file://$work/statement.html" >"$work/dom.html" 2>"$work/browser.log"
timeout 90 chromium "${flags[@]}" --print-to-pdf="$work/statement.pdf" "file://$work/statement.html" 2>>"$work/browser.log"
for part in '<html lang="ja">' '<thead>' '<tbody>' '<tfoot>' '報酬明細書' '差引支給額'; do
  grep -qF "$part" "$work/dom.html" || { echo "statement page: the browser's page lacks $part" >&2; fail=1; }
done
if grep -i "refused to\|content security policy" "$work/browser.log"; then
  echo "statement page: the browser reported CSP violations (above)" >&2; fail=1
fi
head -c 4 "$work/statement.pdf" 2>/dev/null | grep -q '%PDF' || { echo "statement page: printing gave no PDF" >&2; fail=1; }
[ "$fail" -eq 0 ] && echo "statement page: renders in Chromium under its CSP and prints ($(wc -c <"$work/statement.pdf") bytes of PDF)"
exit "$fail"
