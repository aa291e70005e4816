#!/usr/bin/env python3
"""One client must not take the server down (issue 16): a bounded abuse run.

Starts the given Chamado binary (the release build) on a fresh SQLite database with the demo
data and, while an agent lists tickets every 50 ms and the server's resident memory is sampled
every 50 ms, runs each attack for a few seconds:

  hashing  100 concurrent set-password calls with made-up links, and wrong sign-ins from 100
           loopback addresses at once (argon2 is ~19 MiB and tens of ms per hash);
  bodies   200 MB uploads announced by a customer who may not open tickets, announced by one
           who may, and streamed without a length (chunked) by one who may;
  tags     ticket updates with 50,000 tags, while a customer opens tickets;
  streams  event streams opened beyond the per-person cap.

Auto-close in batches (item 4) runs on a ten-minute timer and is covered by an integration test.

Fails unless the server's peak RSS stays under --max-rss-mib (300), the agent's list p99 stays
under --max-p99-ms (100), no request is answered 500, and the server is still up at the end.
Prints a table per attack; `--markdown` prints the BENCHMARKS.md rows.

Usage: bench/abuse.py BINARY SITE_ROOT [--seconds 6] [--max-rss-mib 300] [--max-p99-ms 100]
The test command runs it against the release build.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from harness import call, cookie_of, start_chamado, stop, token_of  # noqa: E402

# Open event streams one person may hold (app::backend::events::MAX_STREAMS_PER_USER: a page and
# its bell in each of ten tabs).
STREAM_CAP = 20



class Server:
    def __init__(self, binary, site_root):
        self.work = tempfile.mkdtemp(prefix="chamado-abuse.")
        self.process, self.port, self.log_path = start_chamado(binary, site_root, self.work, name="abuse")

    def rss_mib(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def stop(self):
        stop(self.process)


class Probe(threading.Thread):
    """An agent listing tickets every 50 ms, and the server's RSS, until stopped."""

    def __init__(self, server, token):
        super().__init__(daemon=True)
        self.server, self.token = server, token
        self.samples = []  # (attack, seconds, status)
        self.rss = []  # (attack, MiB)
        self.attack = "idle"
        self.running = True

    def run(self):
        conn = None
        while self.running:
            self.rss.append((self.attack, self.server.rss_mib()))
            started = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
                conn.request("GET", "/api/v1/tickets?limit=25", headers={"authorization": f"Bearer {self.token}"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status, conn = 0, None
            self.samples.append((self.attack, time.monotonic() - started, status))
            time.sleep(0.05)


def flood(workers, seconds, attempt):
    """Runs `attempt(i)` in `workers` threads, repeatedly, for `seconds`; returns the statuses."""
    statuses = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(i):
        while time.monotonic() < stop_at:
            status = attempt(i)
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return statuses


def big_upload(port, cookie, path, announce, total):
    """Sends up to `total` bytes of a multipart body as fast as the server takes them; returns
    the status the server answered (0 if it only closed the connection)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\norigin: http://127.0.0.1:{port}\r\n"
            f"cookie: {cookie}\r\ncontent-type: multipart/form-data; boundary=xyz\r\n")
    head += f"content-length: {total}\r\n" if announce else "transfer-encoding: chunked\r\n"
    sock.sendall((head + "\r\n").encode())
    part = (b"--xyz\r\ncontent-disposition: form-data; name=\"attachment\"; filename=\"a.pdf\"\r\n"
            b"content-type: application/pdf\r\n\r\n%PDF-1.4\n")
    chunk = b"\0" * (256 * 1024)
    sent = 0
    try:
        first = True
        while sent < total:
            data = part + chunk if first else chunk
            first = False
            if not announce:
                data = f"{len(data):x}\r\n".encode() + data + b"\r\n"
            sock.sendall(data)
            sent += len(chunk)
    except OSError:
        pass  # the server answered and closed: what it said is read below
    try:
        sock.settimeout(10)
        answer = sock.recv(256).decode("latin-1")
        return int(answer.split(" ", 2)[1]) if answer.startswith("HTTP/") else 0
    except (OSError, ValueError, IndexError):
        return 0
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("site_root")
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--max-rss-mib", type=float, default=300)
    parser.add_argument("--max-p99-ms", type=float, default=100)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    server = Server(args.binary, args.site_root)
    port = server.port
    outcomes = {}
    try:
        agent = token_of(port, "ana@chamado.local")
        elisa = cookie_of(port, "elisa@acme.com.br")  # may not open tickets
        diego = cookie_of(port, "diego@acme.com.br")
        diego_token = token_of(port, "diego@acme.com.br")
        departments = json.loads(call(port, "GET", "/api/v1/departments",
                                      headers={"authorization": f"Bearer {diego_token}"})[1])
        department = next(d["id"] for d in departments if d["name"] == "Técnico")
        queue_ticket = json.loads(call(port, "GET", "/api/v1/tickets?limit=1",
                                       headers={"authorization": f"Bearer {agent}"})[1])["items"][0]["number"]
        probe = Probe(server, agent)
        probe.start()
        time.sleep(1)

        probe.attack = "hashing"
        form = "purpose=password_reset&token=made-up-{}&password=uma-senha-longa-1&confirm=uma-senha-longa-1"
        hashing = flood(100, args.seconds, lambda i: call(
            port, "POST", "/api/fn/auth/set-password", form.format(i),
            headers={"content-type": "application/x-www-form-urlencoded", "accept": "application/json"},
            source=f"127.0.1.{i + 1}")[0])
        hashing += flood(100, args.seconds, lambda i: call(
            port, "POST", "/api/v1/session", {"email": f"nobody{i}@example.com", "password": "wrong-password-1"},
            source=f"127.0.2.{i + 1}")[0])
        outcomes["hashing"] = hashing

        probe.attack = "bodies"
        total = 200 * 1024 * 1024
        jobs = [("elisa, announced", elisa, True), ("diego, announced", diego, True), ("diego, chunked", diego, False)]
        bodies = []
        threads = []
        for _, cookie, announce in jobs:
            for _ in range(3):
                t = threading.Thread(target=lambda c=cookie, a=announce: bodies.append(
                    big_upload(port, c, "/api/v1/tickets", a, total)), daemon=True)
                threads.append(t)
                t.start()
        for t in threads:
            t.join(120)
        outcomes["bodies"] = bodies

        probe.attack = "tags"
        tags = [f"etiqueta-{n}" for n in range(50_000)]
        patch = flood(2, args.seconds, lambda i: call(
            port, "PATCH", f"/api/v1/tickets/{queue_ticket}", {"tags": tags},
            headers={"authorization": f"Bearer {agent}"})[0])
        creation_times = []

        def open_ticket(_):
            started = time.monotonic()
            status = call(port, "POST", "/api/v1/tickets", {
                "type": "duvida", "department_id": department, "priority": "low",
                "subject": "Dúvida durante o teste", "message": "Uma pergunta.", "fields": {}},
                headers={"authorization": f"Bearer {diego_token}"})[0]
            creation_times.append(time.monotonic() - started)
            return status

        creating = threading.Thread(target=lambda: outcomes.__setitem__(
            "ticket creation", flood(1, args.seconds, open_ticket)), daemon=True)
        creating.start()
        creating.join(args.seconds + 60)
        outcomes["tags"] = patch

        probe.attack = "streams"
        streams = []
        held = []
        for _ in range(STREAM_CAP + 5):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/v1/events", headers={"authorization": f"Bearer {agent}"})
            response = conn.getresponse()
            streams.append(response.status)
            held.append(conn)
        for conn in held:
            conn.close()
        outcomes["streams"] = streams
        time.sleep(0.5)

        probe.attack = "after"
        time.sleep(1)
        probe.running = False
        probe.join(30)
        alive = server.process.poll() is None and call(port, "GET", "/healthz")[0] == 200
    finally:
        server.stop()

    print(f"{'attack':<16} {'answers':<48} {'agent list p99 ms':>17} {'peak RSS MiB':>12}")
    failures = []
    rows = []
    for attack in ["idle", "hashing", "bodies", "tags", "streams", "after"]:
        times = sorted(t for a, t, _ in probe.samples if a == attack)
        statuses = [s for a, _, s in probe.samples if a == attack]
        peak = max((m for a, m in probe.rss if a == attack), default=0.0)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000 if times else 0.0
        answers = outcomes.get(attack, [])
        summary = ", ".join(f"{s}×{answers.count(s)}" for s in sorted(set(answers))) or "-"
        print(f"{attack:<16} {summary[:48]:<48} {p99:>17.1f} {peak:>12.0f}")
        rows.append((attack, summary, p99, peak, len(times)))
        if p99 > args.max_p99_ms:
            failures.append(f"{attack}: agent list p99 {p99:.0f} ms > {args.max_p99_ms:.0f} ms")
        if peak > args.max_rss_mib:
            failures.append(f"{attack}: peak RSS {peak:.0f} MiB > {args.max_rss_mib:.0f} MiB")
        if any(s != 200 for s in statuses):
            failures.append(f"{attack}: the agent's list answered {sorted(set(statuses))}")
        if 500 in answers or (attack == "bodies" and 0 in answers):
            failures.append(f"{attack}: answers {summary}")
    created = outcomes.get("ticket creation", [])
    if creation_times:
        creation_times.sort()
        p99 = creation_times[min(len(creation_times) - 1, int(len(creation_times) * 0.99))] * 1000
        print(f"ticket creation during the tag attack: {len(created)} ({', '.join(f'{s}×{created.count(s)}' for s in sorted(set(created)))}), "
              f"p50 {statistics.median(creation_times) * 1000:.1f} ms, p99 {p99:.1f} ms")
        if any(s != 201 for s in created):
            failures.append(f"ticket creation during the tag attack answered {sorted(set(created))}")
    if outcomes.get("streams", [])[:STREAM_CAP] != [200] * STREAM_CAP or 429 not in outcomes.get("streams", []):
        failures.append(f"streams: {outcomes.get('streams')}")
    if not alive:
        failures.append("the server is not up after the run")
    log = open(server.log_path, errors="replace").read()
    if "panicked" in log:
        failures.append("the server log has a panic")
    if args.markdown:
        print("\n| attack | answers | agent list p99 (ms) | peak RSS (MiB) |")
        print("|---|---|---|---|")
        for attack, summary, p99, peak, _ in rows:
            print(f"| {attack} | {summary} | {p99:.1f} | {peak:.0f} |")
    if failures:
        print("abuse: FAILED\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(f"abuse: ok (peak RSS ≤ {args.max_rss_mib:.0f} MiB, agent list p99 ≤ {args.max_p99_ms:.0f} ms, no 500)")


if __name__ == "__main__":
    main()
