#!/usr/bin/env python3
"""Mail out, measured (issue 17): from a ticket's commit to the SMTP server's acceptance.

Starts a real SMTP server (aiosmtpd, in this process, recording when each mail arrives) and the
given Chamado binary (the release build) on a fresh SQLite database with the demo data, pointed
at it with CHAMADO_SMTP_URL. Then:

  steady  a customer opens --tickets tickets, --rate per second;
  burst   8 clients open --tickets tickets as fast as they are answered.

For every ticket, the receipt mail to the customer is matched by its subject; the latency is the
time from the creation's response (the commit) to the SMTP server accepting that mail. Also
reports the creation request's own latency.

Fails unless every receipt arrives within 30 s and the steady p99 is under --max-p99-s (5).
Each ticket makes three jobs (its notice, the customer's receipt, the department agent's mail).
Usage: bench/mail.py BINARY SITE_ROOT [--tickets 200] [--rate 10] [--max-p99-s 5] [--markdown]
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from harness import call, free_port, start_chamado, stop, token_of  # noqa: E402

from aiosmtpd.controller import Controller  # noqa: E402
from email import message_from_bytes  # noqa: E402
from email.header import decode_header, make_header  # noqa: E402


class Recorder:
    """An SMTP handler that notes when each mail arrived, by subject and recipient."""

    def __init__(self):
        self.lock = threading.Lock()
        self.arrived = {}

    async def handle_DATA(self, server, session, envelope):
        now = time.monotonic()
        message = message_from_bytes(envelope.content)
        subject = str(make_header(decode_header(message.get("Subject", ""))))
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.arrived.setdefault((subject, rcpt.lower()), now)
        return "250 OK"


def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def open_ticket(port, token, department, subject):
    started = time.monotonic()
    status, data, _ = call(port, "POST", "/api/v1/tickets", {
        "type": "duvida", "department_id": department, "priority": "low",
        "subject": subject, "message": "Medindo o correio.", "fields": {}}, token=token)
    done = time.monotonic()
    if status != 201:
        sys.exit(f"ticket creation answered {status}: {data[:300]!r}")
    return subject, started, done


def run(port, token, department, recorder, label, count, workers, rate=None):
    subjects = [f"Correio {label} {i:05d}" for i in range(count)]
    if rate:
        results = []
        start = time.monotonic()
        for i, subject in enumerate(subjects):
            pause = start + i / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            results.append(open_ticket(port, token, department, subject))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda s: open_ticket(port, token, department, s), subjects))
    created = {}
    for subject, started, done in results:
        created[subject] = (started, done)
    keys = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with recorder.lock:
            for (mail_subject, rcpt), at in recorder.arrived.items():
                if rcpt != "diego@acme.com.br":
                    continue
                for subject in created:
                    if mail_subject.endswith("] " + subject):
                        keys[subject] = at
        if len(keys) == len(created):
            break
        time.sleep(0.1)
    missing = [s for s in created if s not in keys]
    if missing:
        sys.exit(f"{label}: {len(missing)} receipts never arrived (e.g. {missing[0]!r})")
    latency = [keys[s] - created[s][1] for s in created]
    request = [created[s][1] - created[s][0] for s in created]
    span = max(keys.values()) - min(v[0] for v in created.values())
    return {
        "label": label, "tickets": count, "workers": workers,
        "mail_p50": statistics.median(latency), "mail_p99": pct(latency, 99), "mail_max": max(latency),
        "req_p50_ms": statistics.median(request) * 1000, "req_p99_ms": pct(request, 99) * 1000,
        "mails_per_s": count / span if span > 0 else float("nan"),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("site_root")
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="tickets per second in the steady run")
    parser.add_argument("--max-p99-s", type=float, default=5.0)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    recorder = Recorder()
    smtp_port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    os.environ["CHAMADO_SMTP_URL"] = f"smtp://127.0.0.1:{smtp_port}?tls=none"
    os.environ["CHAMADO_MAIL_FROM"] = "Suporte Bench <suporte@bench.test>"
    with tempfile.TemporaryDirectory(prefix="chamado-mail.") as work:
        process, port, log_path = start_chamado(args.binary, args.site_root, work, name="mail")
        try:
            token = token_of(port, "diego@acme.com.br")
            _, data, _ = call(port, "GET", "/api/v1/departments", token=token)
            department = next(d["id"] for d in json.loads(data) if d["name"] == "Geral")
            rows = [
                run(port, token, department, recorder, "steady", args.tickets, 1, args.rate),
                run(port, token, department, recorder, "burst", args.tickets, 8),
            ]
        finally:
            stop(process)
            controller.stop()
    if args.markdown:
        print("| run | tickets | clients | commit → SMTP accepted p50 / p99 / max | creation request p50 / p99 | receipts/s |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['label']} | {r['tickets']} | {r['workers']} | {r['mail_p50']:.2f} / {r['mail_p99']:.2f} / {r['mail_max']:.2f} s "
                  f"| {r['req_p50_ms']:.1f} / {r['req_p99_ms']:.1f} ms | {r['mails_per_s']:.0f} |")
    else:
        for r in rows:
            print(f"{r['label']:>6}: {r['tickets']} tickets, {r['workers']} clients; commit → SMTP accepted "
                  f"p50 {r['mail_p50']:.2f} s, p99 {r['mail_p99']:.2f} s, max {r['mail_max']:.2f} s; "
                  f"creation p50 {r['req_p50_ms']:.1f} ms, p99 {r['req_p99_ms']:.1f} ms; {r['mails_per_s']:.0f} receipts/s")
    steady = rows[0]
    if steady["mail_p99"] > args.max_p99_s:
        sys.exit(f"commit → SMTP p99 {steady['mail_p99']:.2f} s is over {args.max_p99_s} s")


if __name__ == "__main__":
    main()
