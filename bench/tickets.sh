#!/usr/bin/env bash
# The ticket benchmark of issue 4, in one run on one machine: 1,000,000 tickets on SQLite, the
# load generator `oha` (crates.io), and for each scenario throughput and latency:
#   1. GET /healthz at full speed: the machine's ceiling for a trivial handler;
#   2. the filtered "my tickets" list (50 rows) and 3. the counters, at full speed (ratios to 1);
#   4./5. the same two at a fixed 200 requests/s (p99);
#   6. ticket creation through the API, every commit durable (WAL, synchronous=FULL);
#   7./8. the list again with the read caches off, at full speed and at 200 requests/s.
# oha asks for compressed responses (accept-encoding: gzip, compress, deflate, br), as browsers do.
# Usage: bench/tickets.sh            (TICKETS=1000000 DURATION=15s CONNECTIONS=32 by default)
# Needs: a release build (`cargo build --release -p server`; the script builds it) and oha
# (`cargo install oha --locked`; the script installs it when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../scripts/lib.sh
. scripts/lib.sh
tickets="${TICKETS:-1000000}"
duration="${DURATION:-15s}"
connections="${CONNECTIONS:-32}"
target="${CARGO_TARGET_DIR:-$ROOT/target}"

command -v oha >/dev/null || { say "installing oha (load generator)"; cargo install oha --locked; }
say "building the release binary"
cargo build --release -p server --bin chamado
bin="$target/release/chamado"

dir="$(mktemp -d /tmp/chamado-bench.XXXXXX)"
export DATABASE_URL="sqlite://$dir/bench.db" CHAMADO_DATA_DIR="$dir/data" RUST_LOG=warn
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

say "generating the data: demo + $tickets tickets"
"$bin" demo >/dev/null
RUST_LOG=error "$bin" bench-data --tickets "$tickets"
ls -l "$dir"/bench.db* | awk '{ s += $5 } END { printf "database size: %.0f MiB\n", s / 1048576 }'

port="$(free_port)"
base="http://127.0.0.1:$port"
CHAMADO_ADDR="127.0.0.1:$port" "$bin" serve >"$dir/server.log" 2>&1 &
pid=$!
wait_ready "$base/readyz" 60

# A token for Diego (Acme shares tickets: his list is the organization's 100,000 tickets).
token="$(token_of diego@acme.com.br)"
auth="Authorization: Bearer $token"
# And one for Ana, an agent of Técnico: her dashboard's "Não atribuídos" queue (issue 5).
agent_token="$(token_of ana@chamado.local)"
agent_auth="Authorization: Bearer $agent_token"
agent_list="$base/api/v1/tickets?assignee=none&status=open,answered&limit=50"
list="$base/api/v1/tickets?status=open&priority=high&limit=50"
stats="$base/api/v1/stats/tickets"
rows="$(curl -sf -H "$auth" "$list" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')"
echo "list returns $rows rows; counters: $(curl -sf -H "$auth" "$stats")"
agent_rows="$(curl -sf -H "$agent_auth" "$agent_list" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')"
echo "agent list returns $agent_rows rows; queues: $(curl -sf -H "$agent_auth" "$base/api/v1/stats/queues")"

run() { # label, then oha arguments; prints "label rps p50 p99" from oha's JSON
  local label="$1"; shift
  oha --no-tui --output-format json "$@" >"$dir/oha.json"
  python3 - "$label" "$dir/oha.json" <<'PY'
import json, sys
label, path = sys.argv[1:]
r = json.load(open(path))
s = r["summary"]
p = r.get("latencyPercentiles", {})
codes = r.get("statusCodeDistribution", {})
ok = sum(v for k, v in codes.items() if k.startswith("2"))
bad = sum(v for k, v in codes.items() if not k.startswith("2"))
print(f"{label}\t{s['requestsPerSec']:.0f}\t{p.get('p50', 0) * 1000:.2f}\t{p.get('p99', 0) * 1000:.2f}\t{ok}\t{bad}")
PY
}

results="$dir/results.tsv"
say "running (each scenario $duration, $connections connections at full speed)"
{
  run healthz -z "$duration" -c "$connections" "$base/healthz"
  run list -z "$duration" -c "$connections" -H "$auth" "$list"
  run counters -z "$duration" -c "$connections" -H "$auth" "$stats"
  run list@200rps -z "$duration" -c "$connections" -q 200 --latency-correction -H "$auth" "$list"
  run counters@200rps -z "$duration" -c "$connections" -q 200 --latency-correction -H "$auth" "$stats"
  run "agent list" -z "$duration" -c "$connections" -H "$agent_auth" "$agent_list"
  run "agent list@200rps" -z "$duration" -c "$connections" -q 200 --latency-correction -H "$agent_auth" "$agent_list"
} >"$results"
before="$(curl -sf -H "$auth" "$stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
department="$(curl -sf -H "$auth" "$base/api/v1/departments" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')"
body="{\"type\":\"duvida\",\"department_id\":$department,\"priority\":\"low\",\"subject\":\"Carga de criação\",\"message\":\"Chamado criado pelo benchmark.\",\"fields\":{}}"
run create -n 5000 -c 16 -m POST -H "$auth" -H 'content-type: application/json' -d "$body" "$base/api/v1/tickets" >>"$results"
after="$(curl -sf -H "$auth" "$stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"

# The same list with the read caches off (CHAMADO_READ_CACHE=false): every request checks the
# token and runs the list query, as a page nobody has asked for since the last ticket change.
say "restarting with the read caches off"
kill "$pid"; wait "$pid" 2>/dev/null || true
CHAMADO_ADDR="127.0.0.1:$port" CHAMADO_READ_CACHE=false "$bin" serve >"$dir/server.log" 2>&1 &
pid=$!
wait_ready "$base/readyz" 60
{
  run "list (uncached)" -z "$duration" -c "$connections" -H "$auth" "$list"
  run "list (uncached)@200rps" -z "$duration" -c "$connections" -q 200 --latency-correction -H "$auth" "$list"
  run "agent list (uncached)" -z "$duration" -c "$connections" -H "$agent_auth" "$agent_list"
  run "agent list (uncached)@200rps" -z "$duration" -c "$connections" -q 200 --latency-correction -H "$agent_auth" "$agent_list"
} >>"$results"

python3 - "$results" "$tickets" "$before" "$after" <<'PY'
import sys
path, tickets, before, after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows = {}
for line in open(path):
    label, rps, p50, p99, ok, bad = line.rstrip("\n").split("\t")
    rows[label] = (float(rps), float(p50), float(p99), int(ok), int(bad))
ceiling = rows["healthz"][0]
print(f"\n{tickets:,} tickets on SQLite; Acme's list holds {tickets // 10:,} of them\n")
print("| scenario | requests/s | p50 ms | p99 ms | 2xx | other | vs /healthz |")
print("|---|---:|---:|---:|---:|---:|---:|")
for label, (rps, p50, p99, ok, bad) in rows.items():
    print(f"| {label} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {ok} | {bad} | {rps / ceiling * 100:.1f} % |")
print(f"\ntickets created: {after - before} (counter before {before}, after {after})")
PY
