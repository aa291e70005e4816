#!/usr/bin/env bash
# Time from process start to the first `GET /readyz` 200, for a fresh and an existing database.
# Usage: bench/startup.sh [BINARY]   (default target/release/chamado; build it first with
#        `cargo leptos build --release`). Prints one line per run and the median.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/chamado}"
runs="${RUNS:-5}"
dir="$(mktemp -d /tmp/chamado-startup.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

measure() { # $1: label, $2: extra args
  python3 - "$bin" "$port" "$dir/chamado.db" "$1" $2 <<'PY'
import subprocess, sys, time, urllib.request, os
binary, port, db, label, *extra = sys.argv[1:]
env = dict(os.environ, DATABASE_URL=f"sqlite://{db}", CHAMADO_ADDR=f"127.0.0.1:{port}", RUST_LOG="warn")
start = time.perf_counter()
proc = subprocess.Popen([binary, "serve", *extra], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                if r.status == 200:
                    break
        except Exception:
            pass
        if time.perf_counter() - start > 60:
            raise SystemExit("not ready after 60 s")
        time.sleep(0.005)
    print(f"{label}: {(time.perf_counter() - start) * 1000:.0f} ms")
finally:
    proc.terminate()
    proc.wait()
PY
}

echo "binary: $bin"
measure "fresh database (migrations + demo data)" "--demo"
for i in $(seq 1 "$runs"); do measure "existing database, run $i" ""; done
