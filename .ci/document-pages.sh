#!/usr/bin/env bash
# Opens the demo's printable documents in headless Chromium, as the people who save
# and print them would: a worker's earnings statement (this month, in Japanese) and
# the client's qualified invoice (in English). For each:
#   - the page parses into its table (head, body, the totals in the foot) and says
#     what it must;
#   - the browser logs no violation of the page's own Content-Security-Policy;
#   - it prints to a PDF.
# The pages need a token, so each is fetched with it and opened from a file (its
# policy travels in the page as well as in the header).
#   usage: .ci/document-pages.sh BASE_URL          (e.g. http://127.0.0.1:8080)
set -euo pipefail
base=${1:?usage: $0 BASE_URL}
if ! command -v chromium >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
login() {
  python3 - "$base" "$1" <<'PY'
import json, sys, urllib.request
base, email = sys.argv[1], sys.argv[2]
body = json.dumps({"email": email, "password": "yui-demo-password"}).encode()
request = urllib.request.Request(base + "/v1/auth/login", data=body, headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request))["access_token"])
PY
}
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --host-resolver-rules="MAP * ~NOTFOUND"
  --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
fail=0
# check NAME URL TOKEN TEXT...: the page at URL, fetched with TOKEN, must hold each TEXT.
check() {
  local name=$1 url=$2 token=$3
  shift 3
  curl -fsS -D "$work/$name.headers" -o "$work/$name.html" "$url" -H "Authorization: Bearer $token"
  grep -qi "^content-security-policy: default-src 'none'" "$work/$name.headers" \
    || { echo "$name page: no Content-Security-Policy header" >&2; fail=1; }
  timeout 90 chromium "${flags[@]}" --dump-dom "file://$work/$name.html" >"$work/$name.dom" 2>"$work/$name.log"
  timeout 90 chromium "${flags[@]}" --print-to-pdf="$work/$name.pdf" "file://$work/$name.html" 2>>"$work/$name.log"
  for part in '<thead>' '<tbody>' '<tfoot>' "$@"; do
    grep -qF "$part" "$work/$name.dom" || { echo "$name page: the browser's page lacks $part" >&2; fail=1; }
  done
  if grep -i "refused to\|content security policy" "$work/$name.log"; then
    echo "$name page: the browser reported CSP violations (above)" >&2; fail=1
  fi
  if head -c 4 "$work/$name.pdf" 2>/dev/null | grep -q '%PDF'; then
    echo "$name page: renders in Chromium under its CSP and prints ($(wc -c <"$work/$name.pdf") bytes of PDF)"
  else
    echo "$name page: printing gave no PDF" >&2; fail=1
  fi
}

worker=$(login worker1@kado.example)
me=$(curl -fsS "$base/v1/me" -H "Authorization: Bearer $worker" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])')
period=$(TZ=Asia/Tokyo date +%Y-%m)
check statement "$base/v1/workers/$me/statements/$period/html?lang=ja" "$worker" '<html lang="ja">' '報酬明細書' '差引支給額'

client=$(login client@mapworks.example)
invoice=$(curl -fsS "$base/v1/invoices?status=issued" -H "Authorization: Bearer $client" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
check invoice "$base/v1/invoices/$invoice/html?lang=en" "$client" '<html lang="en">' 'Qualified invoice' \
  'Registration number: T7000012050002' 'Consumption tax at 8%' 'Total (tax included)'
exit "$fail"
