#!/usr/bin/env python3
"""A real SMTP server that the Rust end-to-end tests send Yui's e-mail to.

Why it exists: the e-mail tests must exercise the whole path a deployment uses (lettre
speaking SMTP over a TCP socket: EHLO, AUTH, MAIL, RCPT, DATA, replies and temporary
failures), not a mock transport or a file transport. This is that server: aiosmtpd's
SMTP protocol implementation, run on one asyncio loop, writing each accepted message
as one JSON file that a test reads back. It needs `aiosmtpd==1.4.6` (installed by
.ci/run; by hand: python3 -m pip install 'aiosmtpd==1.4.6').

usage: python3 tests/support/smtp_sink.py --out DIR [--host 127.0.0.1] [--port 0]
                                           [--auth USER:PASS] [--fail-first N]

  * Listens on HOST:PORT (port 0: a free port). Once it is accepting connections it
    prints exactly one line, `PORT <n>`, on stdout and flushes; everything else it says
    goes to stderr.
  * Each accepted message becomes DIR/<000001, 000002, …>.json (numbering goes on after
    any such files already in DIR), written to a hidden temporary file in DIR and then
    renamed (os.replace), so a reader never sees half a file. Keys: mail_from and
    rcpt_tos (the envelope), from, to, subject, message_id, date (header values, RFC
    2047 decoded; null when absent), content_type (top level), parts (content types of
    the leaf parts, in order), text and html (the first text/plain and text/html leaf
    that is not an attachment, decoded with its charset, CRLF turned into LF; null when
    absent), headers (every top-level header name as written → decoded value; a
    repeated header keeps its last value). Parsed with the stdlib email package and
    email.policy.default.
  * --auth USER:PASS: SMTP AUTH (PLAIN and LOGIN) is offered without TLS and required;
    MAIL FROM before a successful AUTH is refused with 530, bad credentials with 535.
    Without --auth no AUTH is offered and none is needed.
  * --fail-first N: the first N messages are answered, at the end of DATA, with
    `451 4.3.0 Try again later` and not recorded; DIR/failures.txt holds the number of
    messages refused so far (written atomically; 0 at start).
  * Never offers STARTTLS. Exits with status 0 on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import hmac
import json
import logging
import os
import re
import signal
import sys
import tempfile
import warnings
from email import policy
from email.parser import BytesParser

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:  # say how to fix it where the Rust test shows the sink's stderr
    sys.exit("smtp_sink: aiosmtpd is missing: "
             "python3 -m pip install 'aiosmtpd==1.4.6' (as .ci/run does)")

log = logging.getLogger("smtp_sink")
TEMP_FAILURE = "451 4.3.0 Try again later"


def write_atomically(directory, name, text):
    """Writes DIR/name through a hidden temporary file in DIR and os.replace."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, os.path.join(directory, name))
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def header_text(value):
    """A parsed header as text: policy.default has already decoded RFC 2047."""
    return str(value)


def part_text(part):
    """A text leaf's content as str, its charset and transfer encoding honoured."""
    try:
        text = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or wrong charset
        payload = part.get_payload(decode=True) or b""
        try:
            text = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        except LookupError:
            text = payload.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n")


def message_record(envelope):
    """The JSON-ready summary of one accepted message."""
    msg = BytesParser(policy=policy.default).parsebytes(envelope.original_content)

    def get(name):
        value = msg[name]
        return None if value is None else header_text(value)

    parts, text, html = [], None, None
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        parts.append(ctype)
        if part.get_content_disposition() == "attachment":
            continue
        if ctype == "text/plain" and text is None:
            text = part_text(part)
        elif ctype == "text/html" and html is None:
            html = part_text(part)

    headers = {}
    for name, value in msg.items():
        headers[name] = header_text(value)

    return {
        "mail_from": envelope.mail_from,
        "rcpt_tos": list(envelope.rcpt_tos),
        "from": get("From"),
        "to": get("To"),
        "subject": get("Subject"),
        "message_id": get("Message-ID"),
        "date": get("Date"),
        "content_type": msg.get_content_type(),
        "parts": parts,
        "text": text,
        "html": html,
        "headers": headers,
    }


class Sink:
    """aiosmtpd handler: records accepted messages, refuses the first N temporarily."""

    def __init__(self, out, fail_first):
        self.out = out
        self.fail_first = fail_first
        self.failures = 0
        existing = [int(m.group(1)) for m in
                    (re.fullmatch(r"(\d{6})\.json", n) for n in os.listdir(out)) if m]
        self.sequence = max(existing, default=0)
        self.write_failures()

    def write_failures(self):
        write_atomically(self.out, "failures.txt", f"{self.failures}\n")

    async def handle_DATA(self, server, session, envelope):
        if self.failures < self.fail_first:
            self.failures += 1
            self.write_failures()
            log.info("refused message %d of %d with 451 (--fail-first)",
                     self.failures, self.fail_first)
            return TEMP_FAILURE
        try:
            record = message_record(envelope)
        except Exception:
            log.exception("could not parse a message")
            return "554 5.6.0 Message could not be parsed"
        self.sequence += 1
        name = f"{self.sequence:06d}.json"
        write_atomically(self.out, name,
                         json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        log.info("accepted %s: from %s to %s, subject %r", name, envelope.mail_from,
                 ", ".join(envelope.rcpt_tos), record["subject"])
        return "250 2.0.0 OK"


def make_authenticator(user, password):
    user_b, password_b = user.encode(), password.encode()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (mechanism in ("PLAIN", "LOGIN")
              and isinstance(auth_data, LoginPassword)
              and hmac.compare_digest(auth_data.login, user_b)
              and hmac.compare_digest(auth_data.password, password_b))
        if not ok:
            log.info("AUTH %s refused", mechanism)
            # handled=False: aiosmtpd then answers 535 itself (True would send nothing).
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=auth_data)

    return authenticator


def parse_args(argv):
    p = argparse.ArgumentParser(description="SMTP sink for Yui's end-to-end tests.")
    p.add_argument("--out", required=True, help="folder for the NNNNNN.json files")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--auth", metavar="USER:PASS", help="require SMTP AUTH (PLAIN, LOGIN)")
    p.add_argument("--fail-first", type=int, default=0, metavar="N",
                   help="answer the first N messages with 451")
    args = p.parse_args(argv)
    if args.auth is not None and ":" not in args.auth:
        p.error("--auth must be USER:PASS")
    if args.fail_first < 0:
        p.error("--fail-first must be 0 or more")
    return args


async def serve(args):
    os.makedirs(args.out, exist_ok=True)
    handler = Sink(args.out, args.fail_first)
    options = dict(hostname="yui-smtp-sink", enable_SMTPUTF8=True)
    if args.auth is not None:
        user, password = args.auth.split(":", 1)
        options.update(auth_required=True, auth_require_tls=False,
                       authenticator=make_authenticator(user, password))
    loop = asyncio.get_running_loop()
    try:
        server = await loop.create_server(lambda: SMTP(handler, loop=loop, **options),
                                          host=args.host, port=args.port)
    except OSError as e:  # e.g. the port is taken: no PORT line, and a clear reason
        log.error("cannot listen on %s:%d: %s", args.host, args.port, e)
        return 1
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("listening on %s:%d, writing to %s%s%s", args.host, port, args.out,
             ", AUTH required" if args.auth is not None else "",
             f", failing the first {args.fail_first}" if args.fail_first else "")
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()
    await stop.wait()
    log.info("stopping")
    server.close()
    try:  # from Python 3.12 this also waits for open connections: do not hang on them
        await asyncio.wait_for(server.wait_closed(), timeout=2)
    except asyncio.TimeoutError:
        pass
    return 0


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="smtp_sink: %(levelname)s %(message)s")
    # aiosmtpd logs every connection and command at INFO, and warns on each connection
    # that AUTH without TLS is unsafe: that is this sink's purpose, not news.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    return asyncio.run(serve(args))


if __name__ == "__main__":
    sys.exit(main())
