"""What the load, abuse and outage checks share: a free port, the Chamado binary started on a
fresh database with the demo data (waiting for /readyz), and stopped again.
Imported by scripts/page-load.py, bench/abuse.py, bench/db-outage.py and bench/scaling.py."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chamado(binary, site_root, work, database_url=None, name="chamado", demo=True, env=None):
    """Starts `binary serve --demo` (or without `--demo`: on the database as it is) with its data
    in `work` and `env` added to the environment; returns (process, port, log path). Exits with
    the end of the server log if it is not ready within 90 s."""
    port = free_port()
    log_path = os.path.join(work, "server.log")
    env_extra, env = env, dict(
        os.environ,
        DATABASE_URL=database_url or f"sqlite://{work}/chamado.db",
        CHAMADO_DATA_DIR=f"{work}/data",
        CHAMADO_ADDR=f"127.0.0.1:{port}",
        LEPTOS_SITE_ROOT=site_root,
        RUST_LOG="warn",
        RUST_BACKTRACE=os.environ.get("RUST_BACKTRACE", "0"),
    )
    env.update(env_extra or {})
    args = [binary, "serve"] + (["--demo"] if demo else [])
    with open(log_path, "w") as log:
        process = subprocess.Popen(args, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2)
            return process, port, log_path
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                sys.exit(f"{name}: the server did not start:\n" + open(log_path).read()[-3000:])
            time.sleep(0.2)


def stop(process):
    """SIGTERM, then SIGKILL after 30 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()

PASSWORD = "chamado-demo"


def call(port, method, path, body=None, headers=None, token=None, source=None, timeout=30):
    """One request on a new connection: (status, body bytes, headers); status 0 when the
    connection failed. A dict or list body is sent as JSON; `token` as a bearer token; `source`
    is the loopback address to send from."""
    import http.client
    import json

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    all_headers = {"origin": f"http://127.0.0.1:{port}"}
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    all_headers.update(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        all_headers.setdefault("content-type", "application/json")
    try:
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        return response.status, response.read(), response.headers
    except OSError:
        return 0, b"", {}
    finally:
        conn.close()


def cookie_of(port, email):
    """The session cookie (`name=value`) of a demo account."""
    status, data, headers = call(port, "POST", "/api/v1/session", {"email": email, "password": PASSWORD})
    if status != 200:
        sys.exit(f"cannot sign in as {email}: {status} {data[:200]!r}")
    return headers.get_all("set-cookie")[0].split(";", 1)[0]


def token_of(port, email):
    """A new personal API token of a demo account."""
    import json

    status, data, _ = call(port, "POST", "/api/v1/me/tokens", {"name": "check", "password": PASSWORD},
                           headers={"cookie": cookie_of(port, email)})
    if status != 201:
        sys.exit(f"cannot make a token for {email}: {status} {data[:200]!r}")
    return json.loads(data)["token"]


def as_postgres(command):
    """Runs a PostgreSQL tool (as the postgres user when this runs as root)."""
    if os.getuid() == 0:
        return subprocess.run(["su", "postgres", "-c", " ".join(f"'{c}'" for c in command)],
                              check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Postgres:
    def __init__(self, pg_bin, work):
        self.pg_bin, self.data = pg_bin, os.path.join(work, "pg")
        self.port = free_port()
        os.makedirs(self.data)
        if os.getuid() == 0:
            shutil.chown(work, "postgres")
            shutil.chown(self.data, "postgres")
        as_postgres([f"{pg_bin}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--locale=C.UTF-8"])
        self.start()

    def start(self):
        options = f"-k {self.data} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        as_postgres([f"{self.pg_bin}/pg_ctl", "-D", self.data, "-l", f"{self.data}/server.log", "-w",
                     "-o", options, "start"])

    def stop(self):
        as_postgres([f"{self.pg_bin}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"])
