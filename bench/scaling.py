#!/usr/bin/env python3
"""What a request costs as the installation grows (issue 20): the same run at each size of
`chamado bench-data` (100,000 and 1,000,000 tickets by default), every request reaching the
database (CHAMADO_READ_CACHE=false), on the release build.

For each size, on a fresh SQLite database (demo + generated tickets):
  - /healthz at full speed (the machine's ceiling in the same run);
  - the staff dashboard page /chamados (server-rendered, the demo admin's session cookie);
  - the ticket list API (25 rows, the admin's bearer token);
  - keyword search `q=boleto` (one generated subject in ten has the word): through the
    substring scan of earlier versions (CHAMADO_TICKET_SEARCH=like, a second server on the same
    database: the baseline row) and through the full-text index, one request at a time (p99)
    and at full speed; a rare search (`q=protocolo <number>`, one ticket) one at a time;
  - ticket creation by 8 concurrent writers (every commit durable);
  - the server's CPU time per request (from /proc) and its anonymous resident memory (RssAnon:
    what the process allocated, SQLite's mmap of the database file aside), idle after start and
    the peak sampled every 100 ms during the load.
With --postgres, the search rows again on a throwaway PostgreSQL (from PG_BIN) at each size
(or at --postgres-sizes; generating 1,000,000 tickets there takes about 3.5 minutes).

Usage: bench/scaling.py [--binary PATH] [--sizes 100000,1000000] [--duration 10s]
                        [--connections 8] [--postgres [--postgres-sizes 100000]]
                        [--json results.json]
Without --binary it builds the release binary (cargo build --release -p server). Needs oha
(cargo install oha --locked). Prints a Markdown table for BENCHMARKS.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from harness import Postgres, call, cookie_of, start_chamado, stop, token_of  # noqa: E402

ADMIN = "admin@chamado.local"
CUSTOMER = "diego@acme.com.br"
WORD = "boleto"
SITE = os.environ.get("LEPTOS_SITE_ROOT", "target/site")
RARE = "protocolo {}"


def rss_anon_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Peak(threading.Thread):
    """The highest RssAnon of a process, sampled every 100 ms until stopped."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, rss_anon_mib(self.pid))
            except OSError:
                return
            time.sleep(0.1)


def oha(url, duration=None, requests=None, connections=8, method="GET", headers=(), body=None):
    args = ["oha", "--no-tui", "--output-format", "json", "-c", str(connections)]
    args += ["-z", duration] if duration else ["-n", str(requests)]
    args += ["-m", method]
    for h in headers:
        args += ["-H", h]
    if body is not None:
        args += ["-d", body]
    out = subprocess.run(args + [url], check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    codes = r.get("statusCodeDistribution", {})
    ok = sum(v for k, v in codes.items() if k.startswith("2"))
    bad = sum(v for k, v in codes.items() if not k.startswith("2"))
    # Requests cut off when a timed run ends are not failures.
    errors = sum(v for k, v in r.get("errorDistribution", {}).items() if "deadline" not in k)
    p = r.get("latencyPercentiles", {})
    return {"rps": r["summary"]["requestsPerSec"], "p50": (p.get("p50") or 0) * 1000,
            "p99": (p.get("p99") or 0) * 1000, "ok": ok, "bad": bad + errors}


def measured(process, label, results, **kwargs):
    """One oha run with the server's CPU time per successful request."""
    before = cpu_seconds(process.pid)
    r = oha(**kwargs)
    r["cpu_ms"] = (cpu_seconds(process.pid) - before) * 1000 / max(r["ok"], 1)
    results[label] = r
    print(f"  {label}: {r['rps']:.0f} req/s, p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, "
          f"{r['cpu_ms']:.2f} ms CPU/request, {r['ok']} ok, {r['bad']} failed", flush=True)
    if r["bad"]:
        sys.exit(f"{label}: {r['bad']} requests failed")
    return r


def generate(binary, env, tickets):
    subprocess.run([binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    started = time.monotonic()
    subprocess.run([binary, "bench-data", "--tickets", str(tickets)], env=dict(env, RUST_LOG="error"),
                   check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def search_rows(binary, work, database_url, size, duration, connections, results, prefix=""):
    """The keyword-search rows: the LIKE baseline, then the full-text index, each on its own
    server over the same database."""
    q = urllib.parse.quote(WORD)
    rare = urllib.parse.quote(RARE.format(size // 2 + 7))
    for mode in ("like", "fulltext"):
        process, port, _ = start_chamado(binary, SITE, work, database_url, demo=False,
                                         env={"CHAMADO_READ_CACHE": "false",
                                              "CHAMADO_TICKET_SEARCH": mode})
        try:
            base = f"http://127.0.0.1:{port}"
            auth = f"Authorization: Bearer {token_of(port, ADMIN)}"
            status, data, _ = call(port, "GET", f"/api/v1/tickets?q={q}&limit=25",
                                   headers={"authorization": auth.split(": ", 1)[1]})
            if status != 200 or len(json.loads(data)["items"]) != 25:
                sys.exit(f"{mode} search did not answer a full page: {status} {data[:300]!r}")
            name = "LIKE" if mode == "like" else "full-text"
            url = f"{base}/api/v1/tickets?q={q}&limit=25"
            # The scan is slow by design: fewer requests, so the baseline ends in minutes.
            single = {"requests": 20 if mode == "like" else 200}
            measured(process, f"{prefix}search {name}, one at a time", results, url=url,
                     connections=1, headers=[auth], **single)
            measured(process, f"{prefix}search {name}, {connections} connections", results, url=url,
                     duration=duration, connections=connections, headers=[auth])
            # A rare search: the scan reads every message before it knows there is one match.
            measured(process, f"{prefix}rare search {name}, one at a time", results,
                     url=f"{base}/api/v1/tickets?q={rare}&limit=25", connections=1, headers=[auth],
                     **single)
        finally:
            stop(process)


def sqlite_size(binary, size, duration, connections):
    results = {}
    work = tempfile.mkdtemp(prefix="chamado-scaling.")
    try:
        database_url = f"sqlite://{work}/chamado.db"
        env = dict(os.environ, DATABASE_URL=database_url, CHAMADO_DATA_DIR=f"{work}/data")
        took = generate(binary, env, size)
        mib = sum(os.path.getsize(os.path.join(work, f)) for f in os.listdir(work)
                  if f.startswith("chamado.db")) / 1048576
        print(f"{size:,} tickets generated in {took:.0f} s; database {mib:.0f} MiB", flush=True)
        results["generation_s"], results["database_mib"] = took, mib
        process, port, log = start_chamado(binary, SITE, work, database_url, demo=False,
                                           env={"CHAMADO_READ_CACHE": "false"})
        try:
            base = f"http://127.0.0.1:{port}"
            token = token_of(port, ADMIN)
            auth = f"Authorization: Bearer {token}"
            cookie = f"cookie: {cookie_of(port, ADMIN)}"
            customer = f"Authorization: Bearer {token_of(port, CUSTOMER)}"
            for path, header in (("/chamados", cookie), ("/api/v1/tickets?limit=25", auth)):
                status, data, _ = call(port, "GET", path, headers=dict([header.split(": ", 1)]))
                if status != 200:
                    sys.exit(f"{path}: {status} {data[:300]!r}")
            time.sleep(2)
            results["rss_idle_mib"] = rss_anon_mib(process.pid)
            print(f"  idle: {results['rss_idle_mib']:.0f} MiB anonymous", flush=True)
            peak = Peak(process.pid)
            peak.start()
            measured(process, "healthz", results, url=f"{base}/healthz", duration=duration,
                     connections=connections)
            measured(process, "dashboard page /chamados", results, url=f"{base}/chamados",
                     duration=duration, connections=connections, headers=[cookie])
            measured(process, "ticket list API (25 rows)", results,
                     url=f"{base}/api/v1/tickets?limit=25", duration=duration,
                     connections=connections, headers=[auth])
            status, data, _ = call(port, "GET", "/api/v1/departments", token=token)
            department = json.loads(data)[0]["id"]
            body = json.dumps({"type": "duvida", "department_id": department, "priority": "low",
                               "subject": "Carga de criação", "message": "Chamado criado pelo benchmark.",
                               "fields": {}})
            measured(process, "ticket creation (durable), 8 writers", results,
                     url=f"{base}/api/v1/tickets", requests=2000, connections=8, method="POST",
                     headers=[customer, "content-type: application/json"], body=body)
            peak.running = False
            peak.join()
            results["rss_peak_mib"] = max(peak.peak, results["rss_idle_mib"])
            print(f"  peak: {results['rss_peak_mib']:.0f} MiB anonymous", flush=True)
            if "panicked" in open(log).read():
                sys.exit("the server panicked:\n" + open(log).read()[-3000:])
        finally:
            stop(process)
        search_rows(binary, work, database_url, size, duration, connections, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def postgres_size(binary, size, duration, connections):
    results = {}
    work = tempfile.mkdtemp(prefix="chamado-scaling-pg.")
    pg = None
    try:
        os.chmod(work, 0o755)
        pg = Postgres(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"), work)
        database_url = f"postgres://postgres@127.0.0.1:{pg.port}/postgres"
        env = dict(os.environ, DATABASE_URL=database_url, CHAMADO_DATA_DIR=f"{work}/data")
        took = generate(binary, env, size)
        print(f"{size:,} tickets generated on PostgreSQL in {took:.0f} s", flush=True)
        results["generation_s"] = took
        search_rows(binary, work, database_url, size, duration, connections, results, "PostgreSQL ")
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    return results


def table(sizes, runs):
    labels = []
    for r in runs.values():
        labels += [k for k, v in r.items() if isinstance(v, dict) and k not in labels]
    head = "| request | " + " | ".join(f"{s:,} tickets" for s in sizes) + " |"
    lines = [head, "|---" + "|---:" * len(sizes) + "|"]
    for label in labels:
        cells = []
        for s in sizes:
            r = runs[s].get(label)
            cells.append("" if r is None else
                         f"{r['rps']:,.0f} req/s, p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, "
                         f"{r['cpu_ms']:.2f} ms CPU")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for key, name in (("rss_idle_mib", "anonymous memory, idle"),
                      ("rss_peak_mib", "anonymous memory, peak under load")):
        if all(key in runs[s] for s in sizes):
            lines.append(f"| {name} | " + " | ".join(f"{runs[s][key]:.0f} MiB" for s in sizes) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--postgres-sizes", help="sizes for PostgreSQL (default: --sizes)")
    parser.add_argument("--json")
    args = parser.parse_args()
    if not shutil.which("oha"):
        sys.exit("oha is missing: cargo install oha --locked")
    if not args.binary:
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
        subprocess.run(["cargo", "build", "--release", "-p", "server", "--bin", "chamado"], cwd=root,
                       check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
        args.binary = os.path.join(target, "release", "chamado")
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = {}
    for size in sizes:
        print(f"== {size:,} tickets, SQLite", flush=True)
        runs[size] = sqlite_size(args.binary, size, args.duration, args.connections)
        if args.postgres and str(size) in (args.postgres_sizes or args.sizes).split(","):
            print(f"== {size:,} tickets, PostgreSQL", flush=True)
            for k, v in postgres_size(args.binary, size, args.duration, args.connections).items():
                runs[size][f"PostgreSQL {k}" if not isinstance(v, dict) else k] = v
    print()
    print(table(sizes, runs))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=2)


if __name__ == "__main__":
    main()
