#!/usr/bin/env python3
"""A partner's webhook receiver for the Rust end-to-end tests.

A real HTTP server on a local port that checks every request the way a partner
portal would: with the official Standard Webhooks library (`standardwebhooks` on
PyPI), not with Yui's own code. Each request is written to OUT as JSON:
`{"path", "headers" (lower-case names), "body", "verified_with"}`, where
`verified_with` lists the indexes of the secrets in OUT/secrets.json (read on every
request, so a test can add one mid-run) that verify the request.

Usage: webhook_receiver.py --out DIR [--host 127.0.0.1] [--port 0]
Prints `PORT <n>` once listening. Answers 204, or the status written in
OUT/status (e.g. `500`) when that file exists, so a test can make it fail and recover.
"""

import argparse
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    out = args.out
    lock = threading.Lock()
    counter = [0]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):  # quiet: the tests read the JSON files
            pass

        def do_POST(self):  # noqa: N802 (the stdlib's name)
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                with open(os.path.join(out, "secrets.json")) as f:
                    secrets = json.load(f)
            except FileNotFoundError:
                secrets = []
            verified = []
            for index, secret in enumerate(secrets):
                try:
                    Webhook(secret).verify(body, headers)
                    verified.append(index)
                except WebhookVerificationError:
                    pass
            status = 204
            try:
                with open(os.path.join(out, "status")) as f:
                    status = int(f.read().strip())
            except FileNotFoundError:
                pass
            with lock:
                counter[0] += 1
                name = os.path.join(out, f"{counter[0]:06d}.json")
                record = {"path": self.path, "headers": headers, "body": body, "verified_with": verified, "status": status}
                with open(name + ".tmp", "w") as f:
                    json.dump(record, f)
                os.replace(name + ".tmp", name)
            self.send_response(status)
            self.send_header("content-type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"receiver says no")

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
