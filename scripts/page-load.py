#!/usr/bin/env python3
"""Every page under concurrent load: no reset, no error, no panic.

Starts the given Chamado binary on a fresh SQLite database with the demo data, signs in as each
kind of person, and requests every public and signed-in page (and a missing one) from
CONNECTIONS keep-alive connections at once for SECONDS. Fails if any request is not answered
with its expected status and a whole page (`</html>`), if a connection is reset, or if the
server logs a panic. Prints requests, throughput and latency per page.

Usage: scripts/page-load.py BINARY SITE_ROOT [--connections 12] [--seconds 20]
The test command runs it against the release build.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import start_chamado, stop  # noqa: E402

PASSWORD = "chamado-demo"


def request(port, method, path, body=None, cookie=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"origin": f"http://127.0.0.1:{port}"}
    if body is not None:
        headers["content-type"] = "application/json"
    if cookie:
        headers["cookie"] = cookie
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    cookies = response.headers.get_all("set-cookie") or []
    conn.close()
    return response.status, data, cookies


def sign_in(port, email):
    status, data, cookies = request(port, "POST", "/api/v1/session", {"email": email, "password": PASSWORD})
    if status != 200 or not cookies:
        sys.exit(f"page-load: cannot sign in as {email}: {status} {data[:200]!r}")
    return cookies[0].split(";", 1)[0]


def api(port, path, cookie=None):
    status, data, _ = request(port, "GET", path, cookie=cookie)
    if status != 200:
        sys.exit(f"page-load: GET {path} answered {status}")
    return json.loads(data)


def pages(port):
    """(who, cookie, path, expected status) for every page of the app."""
    customer = sign_in(port, "diego@acme.com.br")
    org_admin = sign_in(port, "carla@acme.com.br")
    agent = sign_in(port, "ana@chamado.local")
    admin = sign_in(port, "admin@chamado.local")
    article = api(port, "/api/v1/articles?limit=1")["items"][0]
    own_ticket = api(port, "/api/v1/tickets?limit=1", customer)["items"][0]["number"]
    queue_ticket = api(port, "/api/v1/tickets?limit=1", agent)["items"][0]["number"]
    article_id = api(port, "/api/v1/admin/articles?limit=1", admin)["items"][0]["id"]
    public = [
        "/",
        "/ajuda/busca?q=senha",
        f"/ajuda/{article['slug']}",
        f"/ajuda/categoria/{article['category']}",
        "/entrar",
        "/esqueci-senha",
        "/convite/nao-e-um-convite",
        "/redefinir-senha/nao-e-um-link",
    ]
    rows = [("visitor", None, p, 200) for p in public]
    rows.append(("visitor", None, "/pagina-que-nao-existe", 404))
    rows += [("customer", customer, p, 200) for p in
             ["/chamados", "/chamados/novo", f"/chamados/{own_ticket}", "/preferencias", "/"]]
    rows.append(("org_admin", org_admin, "/organizacao", 200))
    rows += [("agent", agent, p, 200) for p in ["/chamados", f"/chamados/{queue_ticket}", "/preferencias"]]
    admin_pages = [
        "/admin/artigos", "/admin/artigos/novo", f"/admin/artigos/{article_id}", "/admin/sinonimos",
        "/admin/relatorios/deflexao", "/admin/departamentos", "/admin/tipos", "/admin/sla",
        "/admin/auditoria", "/admin/relatorios", "/admin/pessoas", "/admin/organizacoes",
        "/admin/configuracoes",
    ]
    rows += [("admin", admin, p, 200) for p in admin_pages]
    return rows


def load(port, rows, connections, seconds):
    results = {}  # (who, path) -> list of (outcome, seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = index
        while time.monotonic() < deadline:
            who, cookie, path, expected = rows[n % len(rows)]
            n += 1
            headers = {"cookie": cookie} if cookie else {}
            started = time.monotonic()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                if response.status != expected:
                    outcome = f"status {response.status}"
                elif b"</html>" not in body:
                    outcome = "incomplete page"
                else:
                    outcome = "ok"
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.monotonic() - started
            with lock:
                results.setdefault((who, path), []).append((outcome, elapsed))
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("site_root")
    parser.add_argument("--connections", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="chamado-page-load.")
    server, port, log_path = start_chamado(args.binary, args.site_root, work, name="page-load")
    try:
        rows = pages(port)
        started = time.monotonic()
        results = load(port, rows, args.connections, args.seconds)
        elapsed = time.monotonic() - started
    finally:
        stop(server)
    log = open(log_path, errors="replace").read()
    panics = log.count("panicked")

    total = sum(len(v) for v in results.values())
    failures = []
    print(f"{'who':<10} {'page':<40} {'requests':>8} {'p50 ms':>7} {'p99 ms':>7}  failures")
    for (who, path), outcomes in sorted(results.items()):
        times = sorted(t for _, t in outcomes)
        bad = [o for o, _ in outcomes if o != "ok"]
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        summary = ", ".join(f"{o} ×{bad.count(o)}" for o in sorted(set(bad))) or "-"
        print(f"{who:<10} {path[:40]:<40} {len(outcomes):>8} {statistics.median(times) * 1000:>7.1f} "
              f"{p99 * 1000:>7.1f}  {summary}")
        failures += [(who, path, o) for o in bad]
    print(f"{total} requests to {len(rows)} pages from {args.connections} connections in {elapsed:.1f} s "
          f"({total / elapsed:.0f} requests/s); {len(failures)} failed; {panics} panics in the server log")
    missing = [(who, path) for who, _, path, _ in rows if (who, path) not in results]
    if failures or panics or missing:
        if panics:
            start = log.find("panicked")
            print("--- first panic ---\n" + log[max(0, start - 200):start + 6000], file=sys.stderr)
        if missing:
            print(f"pages never requested: {missing}", file=sys.stderr)
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
