#!/usr/bin/env bash
# A newcomer's first `scripts/start`, timed: a fresh clone, an empty cargo home (registry index
# and crates fetched from crates.io), an empty target directory, no cargo-leptos or
# wasm-bindgen-cli installed, an empty npm cache. Stops when the printed URL answers, then prints
# how long each step took (the script's "==>" lines) and the total.
#
# Usage: bench/first-start.sh   (about 37 minutes on 2 cores; uses both throughout)
# Not emptied: the Rust toolchain and its wasm32 target (rustup's, ~/.rustup), Debian packages.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/chamado-first-start.XXXXXX)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -- "-$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

git clone -q "$src" "$work/chamado"
# The project's shared documents sit beside the clone, as in CI.
[ -d "$src/../shared" ] && ln -s "$(cd "$src/../shared" && pwd)" "$work/shared"
mkdir -p "$work/cargo-home/bin" "$work/bin"
# Only rustup's proxies from the usual cargo home: tools installed there must not be found.
for tool in cargo rustc rustup rustdoc rustfmt cargo-fmt cargo-clippy clippy-driver; do
  [ -e "$HOME/.cargo/bin/$tool" ] && ln -s "$HOME/.cargo/bin/$tool" "$work/bin/$tool"
done
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

start=$(date +%s)
# Each line of the script's output stamped with the time it appeared; its own process group, so
# the server and every build step stop with it.
setsid env -u CARGO_TARGET_DIR -u RUSTFLAGS -u LEPTOS_OUTPUT_NAME \
  CARGO_HOME="$work/cargo-home" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
  PATH="$work/cargo-home/bin:$work/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  npm_config_cache="$work/npm-cache" CHAMADO_ADDR="127.0.0.1:$port" \
  bash -c "cd '$work/chamado' && scripts/start 2>&1 | while IFS= read -r l; do printf '%s %s\\n' \"\$(date +%s)\" \"\$l\"; done" \
  >"$work/start.log" 2>&1 &
server_pid=$!

url="http://127.0.0.1:$port/"
until curl -fsS -o /dev/null "$url" 2>/dev/null; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "scripts/start stopped before the URL answered:" >&2
    tail -40 "$work/start.log" >&2
    exit 1
  fi
  sleep 2
done
total=$(( $(date +%s) - start ))

# Each "==>" step lasted until the next one started; the last one until the URL answered.
python3 - "$work/start.log" "$start" "$(( start + total ))" <<'PY'
import re, sys
log, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
steps = []
for line in open(log, errors="replace"):
    stamp, _, text = line.rstrip("\n").partition(" ")
    m = re.search(r"==> (.*?)(\x1b\[0m)?$", text)
    if m and stamp.isdigit():
        steps.append((int(stamp), m.group(1)))
print("step of scripts/start                                                    seconds")
for i, (t, name) in enumerate(steps):
    until = steps[i + 1][0] if i + 1 < len(steps) else end
    print(f"  {name[:70]:<70} {until - t:>6}")
total = end - start
print(f"first scripts/start, empty cargo home and target directory: {total // 60} min {total % 60:02d} s until the URL answered")
PY
