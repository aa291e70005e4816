#!/usr/bin/env python3
"""Mail in, measured (issue 17): from a mail's delivery to its ticket on the dashboard, and how
fast a backlog of mail is taken.

Starts Debian's Dovecot (an unprivileged instance on loopback, a support mailbox), an SMTP
server delivering into it (aiosmtpd with server/tests/api/mail_router.py, in this process) and
the given Chamado binary (the release build) on a fresh SQLite database with the demo data.
Then:

  latency  --mails new mails, one at a time, each from an SMTP client to the support address;
           the time from the SMTP server's acceptance to the ticket appearing in the ticket
           list API (what the dashboard shows), polled every 20 ms. Chamado waits with IDLE.
  backlog  --backlog mails from 40 customers (25 each: under the per-sender hourly allowance)
           already in the mailbox when the mailbox is set up (as after a downtime); the time
           until every one is recorded, and mails per second.

Fails unless the latency p99 is under --max-latency-s (5) and the backlog runs at
--min-rate (50) mails/s or more.
Usage: bench/mail_in.py BINARY SITE_ROOT [--mails 30] [--backlog 1000] [--markdown]
"""

import argparse
import json
import mailbox
import os
import smtplib
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from email.message import EmailMessage
from email.utils import make_msgid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
from harness import call, start_chamado, stop, token_of  # noqa: E402
from mail_servers import PASSWORD, start_dovecot, start_router  # noqa: E402

SUPPORT = "suporte@bench.test"


def mail(sender, subject, body="Medindo a entrada de e-mail."):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = SUPPORT
    m["Subject"] = subject
    m["Message-ID"] = make_msgid(domain="cliente.example")
    m.set_content(body)
    return m


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def visible(port, token, subject):
    query = urllib.parse.urlencode({"q": subject})
    status, data, _ = call(port, "GET", f"/api/v1/tickets?{query}", token=token)
    return status == 200 and any(t["subject"] == subject for t in json.loads(data)["items"])


def create_mailbox(port, token, department, imap_port):
    status, data, _ = call(port, "POST", "/api/v1/admin/mailboxes", {
        "name": "Suporte", "address": SUPPORT, "department_id": department,
        "imap_host": "127.0.0.1", "imap_port": imap_port, "imap_security": "none",
        "imap_user": "suporte", "imap_password": PASSWORD}, token=token)
    if status != 201:
        sys.exit(f"mailbox creation answered {status}: {data[:300]!r}")


def customers(port, admin, count):
    """`count` customers of Acme who may open tickets."""
    _, data, _ = call(port, "GET", "/api/v1/admin/organizations", token=admin)
    acme = next(o["id"] for o in json.loads(data) if o["name"].startswith("Acme"))
    emails = []
    for i in range(count):
        email = f"cliente{i:02d}@acme.com.br"
        status, data, _ = call(port, "POST", "/api/v1/admin/users", {
            "email": email, "name": f"Cliente {i:02d}", "role": "customer",
            "organization_id": acme, "can_open_tickets": True}, token=admin)
        if status not in (200, 201):
            sys.exit(f"customer creation answered {status}: {data[:300]!r}")
        emails.append(email)
    return emails


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("site_root")
    parser.add_argument("--mails", type=int, default=30)
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--max-latency-s", type=float, default=5.0)
    parser.add_argument("--min-rate", type=float, default=50.0)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chamado-mail-in.") as work:
        dovecot, imap_port, homes, owner = start_dovecot(work, ["suporte"])
        controller, smtp_port = start_router(homes)
        os.environ["CHAMADO_SMTP_URL"] = f"smtp://127.0.0.1:{smtp_port}?tls=none"
        os.environ["CHAMADO_MAIL_FROM"] = f"Suporte Bench <{SUPPORT}>"
        process, port, _ = start_chamado(args.binary, args.site_root, work, name="mail-in")
        try:
            admin = token_of(port, "admin@chamado.local")
            _, data, _ = call(port, "GET", "/api/v1/departments", token=admin)
            department = next(d["id"] for d in json.loads(data) if d["name"] == "Geral")
            senders = customers(port, admin, 40)

            # The backlog: mail that arrived while no one read the mailbox.
            box = mailbox.Maildir(os.path.join(homes, "suporte", "Maildir"), create=False)
            for i in range(args.backlog):
                box.add(mail(senders[i % len(senders)], f"Fila {i:05d}"))
            subprocess.run(["chown", "-R", f"{owner[0]}:{owner[1]}", homes], check=True)
            db = sqlite3.connect(f"file:{work}/chamado.db?mode=ro", uri=True)
            started = time.monotonic()
            create_mailbox(port, admin, department, imap_port)
            while True:
                taken = db.execute("SELECT COUNT(*) FROM inbound_emails").fetchone()[0]
                if taken >= args.backlog:
                    break
                if time.monotonic() - started > 300:
                    sys.exit(f"backlog: only {taken} of {args.backlog} mails taken in 300 s")
                time.sleep(0.05)
            backlog_s = time.monotonic() - started
            outcomes = dict(db.execute("SELECT outcome, COUNT(*) FROM inbound_emails GROUP BY outcome").fetchall())
            if outcomes.get("created") != args.backlog:
                sys.exit(f"backlog: expected {args.backlog} tickets, got {outcomes}")

            # Latency: one mail at a time, delivery → on the dashboard.
            latencies = []
            with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
                for i in range(args.mails):
                    subject = f"Latência {i:03d}"
                    smtp.send_message(mail(senders[i % len(senders)], subject))
                    accepted = time.monotonic()
                    while not visible(port, admin, subject):
                        if time.monotonic() - accepted > 30:
                            sys.exit(f"latency: {subject!r} never reached the dashboard")
                        time.sleep(0.02)
                    latencies.append(time.monotonic() - accepted)
        finally:
            stop(process)
            controller.stop()
            dovecot.terminate()
            dovecot.wait()
    rate = args.backlog / backlog_s
    if args.markdown:
        print("| run | mails | result |")
        print("|---|---|---|")
        print(f"| delivery → ticket in the list API (IDLE) | {args.mails} | p50 {pct(latencies, 50):.2f} s, "
              f"p99 {pct(latencies, 99):.2f} s, max {max(latencies):.2f} s |")
        print(f"| backlog taken (tickets opened) | {args.backlog} | {backlog_s:.1f} s, {rate:.0f} mails/s |")
    else:
        print(f"latency: {args.mails} mails, delivery → dashboard p50 {pct(latencies, 50):.2f} s, "
              f"p99 {pct(latencies, 99):.2f} s, max {max(latencies):.2f} s")
        print(f"backlog: {args.backlog} mails → tickets in {backlog_s:.1f} s ({rate:.0f} mails/s)")
    if pct(latencies, 99) > args.max_latency_s:
        sys.exit(f"delivery → dashboard p99 {pct(latencies, 99):.2f} s is over {args.max_latency_s} s")
    if rate < args.min_rate:
        sys.exit(f"backlog rate {rate:.0f} mails/s is under {args.min_rate}")


if __name__ == "__main__":
    main()
