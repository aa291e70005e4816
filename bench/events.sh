#!/usr/bin/env bash
# The live-events benchmark of issue 5: 1,000 event streams of an agent (Ana, Técnico) on one
# server, its resident memory with them idle, then tickets created through the API one at a
# time and, for every stream, the time from the request to its `ticket.created` event.
# Usage: bench/events.sh        (CONNECTIONS=1000 TICKETS=30 by default)
# Needs: release builds of the server and of the client (`server/examples/sse_bench.rs`); the
# script builds both. The load client and the server share the machine's cores.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../scripts/lib.sh
. scripts/lib.sh
connections="${CONNECTIONS:-1000}"
tickets="${TICKETS:-30}"
target="${CARGO_TARGET_DIR:-$ROOT/target}"
# Each stream is a socket on both sides.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

say "building the release binary and the load client"
cargo build --release -p server --bin chamado --example sse_bench
bin="$target/release/chamado"
client="$target/release/examples/sse_bench"

dir="$(mktemp -d /tmp/chamado-events.XXXXXX)"
export DATABASE_URL="sqlite://$dir/bench.db" CHAMADO_DATA_DIR="$dir/data" RUST_LOG=warn
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

"$bin" demo >/dev/null
port="$(free_port)"
base="http://127.0.0.1:$port"
CHAMADO_ADDR="127.0.0.1:$port" "$bin" serve >"$dir/server.log" 2>&1 &
pid=$!
wait_ready "$base/readyz" 60

agent="$(token_of ana@chamado.local)"
customer="$(token_of carla@acme.com.br)"
department="$(curl -sf -H "Authorization: Bearer $agent" "$base/api/v1/departments" |
  python3 -c 'import json,sys; print(next(d["id"] for d in json.load(sys.stdin) if d["name"] == "Técnico"))')"

say "$connections streams, $tickets tickets"
"$client" "$base" "$agent" "$customer" "$department" "$pid" "$connections" "$tickets"
