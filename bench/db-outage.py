#!/usr/bin/env python3
"""PostgreSQL goes away for 10 s under light load; Chamado answers 503 meanwhile and recovers
by itself (issue 16, item 5).

Starts a throwaway PostgreSQL (initdb, loopback, from PG_BIN) and the given Chamado binary on it
with the demo data. An agent searches tickets (a new search each time, so the read cache cannot answer) from four connections (each request answered or timed
out within 15 s) and holds an event stream. A customer opens ticket A; PostgreSQL is stopped for
--down seconds, during which the stream is closed and a customer tries to open a ticket; then
PostgreSQL starts again. Fails unless:
  - while it is down every answer is 503 with Retry-After (or 200 from the read cache), never a
    500 or a dropped connection, and the ticket tried meanwhile is not created;
  - after it is back, the list answers 200 again within --recover seconds, without a restart
    (same process);
  - ticket B, opened after the recovery while no stream was open, reaches a stream that
    reconnects with Last-Event-ID (replay), and ticket A is not delivered twice.

Usage: bench/db-outage.py BINARY SITE_ROOT PG_BIN [--down 10] [--recover 15]
The test command runs it against the release build.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from harness import Postgres, call, start_chamado, stop, token_of  # noqa: E402



class EventStream(threading.Thread):
    """Reads `ticket.created` events of one stream into `created` (ticket id → event id)."""

    def __init__(self, port, token, last_event_id=None):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        head = f"GET /api/v1/events HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer {token}\r\n"
        if last_event_id is not None:
            head += f"last-event-id: {last_event_id}\r\n"
        self.sock.sendall((head + "\r\n").encode())
        self.events = []  # (id, kind, data)
        self.start()

    def run(self):
        buffer = ""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                buffer += chunk.decode("utf-8", "replace")
                while "\n\n" in buffer:
                    block, buffer = buffer.split("\n\n", 1)
                    fields = dict(line.split(":", 1) for line in block.splitlines() if ":" in line and line[0] != ":")
                    if "id" in fields and "event" in fields:
                        try:
                            data = json.loads(fields.get("data", "{}").strip())
                        except ValueError:
                            data = {}
                        self.events.append((int(fields["id"].strip()), fields["event"].strip(), data))
        except OSError:
            return

    def created(self):
        return [(i, d.get("ticket_id")) for i, k, d in self.events if k == "ticket.created"]

    def wait_for(self, ticket, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(t == ticket for _, t in self.created()):
                return True
            time.sleep(0.1)
        return False

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("site_root")
    parser.add_argument("pg_bin")
    parser.add_argument("--down", type=float, default=10)
    parser.add_argument("--recover", type=float, default=15)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="chamado-outage.")
    pg = Postgres(args.pg_bin, work)
    failures = []
    phases = {"before": [], "down": [], "after": []}
    phase = ["before"]
    running = [True]
    recovered = None
    server = None
    try:
        server, port, _ = start_chamado(args.binary, args.site_root, work,
                                        database_url=f"postgres://postgres@127.0.0.1:{pg.port}/postgres",
                                        name="db-outage")
        pid = server.pid
        agent = token_of(port, "ana@chamado.local")
        customer = token_of(port, "diego@acme.com.br")
        departments = json.loads(call(port, "GET", "/api/v1/departments", token=customer)[1])
        department = next(d["id"] for d in departments if d["name"] == "Técnico")

        def ticket(subject):
            status, data, headers = call(port, "POST", "/api/v1/tickets", {
                "type": "duvida", "department_id": department, "priority": "low",
                "subject": subject, "message": "Durante o teste de queda do banco.", "fields": {}},
                token=customer)
            return status, (json.loads(data).get("id") if status == 201 else None), headers

        def load():
            n = 0
            while running[0]:
                # A search never asked before: the read cache cannot answer it, the database must.
                n += 1
                status, _, headers = call(port, "GET", f"/api/v1/tickets?limit=5&q=busca{threading.get_ident()}x{n}",
                                          token=agent)
                phases[phase[0]].append((status, "retry-after" in {k.lower() for k in headers.keys()}))
                time.sleep(0.1)

        loaders = [threading.Thread(target=load, daemon=True) for _ in range(4)]
        for t in loaders:
            t.start()
        stream = EventStream(port, agent)
        time.sleep(0.5)
        status, ticket_a, _ = ticket("Antes da queda")
        if status != 201 or not stream.wait_for(ticket_a, 5):
            failures.append(f"ticket A: {status}, event seen: {stream.created()}")
        last_id = max((i for i, _ in stream.created()), default=0)

        phase[0] = "down"
        pg.stop()
        down_started = time.monotonic()
        stream.close()
        status, number, headers = ticket("Durante a queda")
        if status != 503 or "retry-after" not in {k.lower() for k in headers.keys()}:
            failures.append(f"a ticket opened while the database is down answered {status}")
        time.sleep(max(0.0, args.down - (time.monotonic() - down_started)))
        pg.start()
        phase[0] = "after"
        back = time.monotonic()
        recovered = None
        while time.monotonic() - back < args.recover:
            if call(port, "GET", "/api/v1/tickets?limit=5", token=agent)[0] == 200 and \
                    call(port, "GET", "/api/v1/stats/tickets", token=agent)[0] == 200:
                recovered = time.monotonic() - back
                break
            time.sleep(0.2)
        if recovered is None:
            failures.append(f"not answering 200 {args.recover:.0f} s after the database came back")
        status, ticket_b, _ = ticket("Depois da queda")
        if status != 201:
            failures.append(f"ticket B after the recovery answered {status}")
        resumed = EventStream(port, agent, last_event_id=last_id)
        if not resumed.wait_for(ticket_b, 10):
            failures.append(f"ticket B never reached the resumed stream: {resumed.created()}")
        if any(t == ticket_a for _, t in resumed.created()):
            failures.append("ticket A was delivered twice")
        time.sleep(1)
        running[0] = False
        for t in loaders:
            t.join(20)
        resumed.close()
        if server.poll() is not None or server.pid != pid:
            failures.append("the server process did not survive")
        # Every ticket, by subject (the demo's and these few fit one page; a word search would
        # also find the other tickets' message, "Durante o teste de queda").
        status, data, _ = call(port, "GET", "/api/v1/tickets?limit=100", token=agent)
        if status != 200:
            failures.append(f"the list after the recovery answered {status}")
        elif any(t["subject"] == "Durante a queda" for t in json.loads(data)["items"]):
            failures.append("the ticket tried while the database was down exists")
    finally:
        running[0] = False
        if server is not None:
            stop(server)
        try:
            pg.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(work, ignore_errors=True)

    for name, answers in phases.items():
        statuses = [s for s, _ in answers]
        summary = ", ".join(f"{s}×{statuses.count(s)}" for s in sorted(set(statuses)))
        print(f"{name:<7} {len(answers):>4} list requests: {summary}")
        if name == "down":
            if any(s not in (200, 503) for s in statuses):
                failures.append(f"while down the list answered {summary}")
            if not any(s == 503 and retry for s, retry in answers):
                failures.append("no 503 with Retry-After while the database was down")
            if any(s == 503 and not retry for s, retry in answers):
                failures.append("a 503 without Retry-After")
    if recovered is not None:
        print(f"answering 200 again {recovered:.1f} s after PostgreSQL came back (same process)")
    if failures:
        print("db-outage: FAILED\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(f"db-outage: ok (PostgreSQL down {args.down:.0f} s: 503 with Retry-After, recovered by itself, "
          "the resumed event stream missed nothing)")


if __name__ == "__main__":
    main()
