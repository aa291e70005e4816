#!/usr/bin/env bash
# The administration benchmark of issue 7: the audit log and the ticket report at 1,000,000
# tickets on SQLite, as the demo's admin with a bearer token. Admins are few, so each scenario
# is latency, not throughput: ROUNDS requests one after another (oha -c 1), p50 / p99 / max.
#   audit:      GET /api/v1/admin/audit (first page of 50, admin changes and ticket history
#               merged), a page 20 pages deep (keyset cursor), one person's changes, one
#               ticket's history, one month; the month as CSV;
#   report:     GET /api/v1/admin/reports/tickets for 30 days, 30 days of one department,
#               a whole year; a part as CSV.
# Usage: bench/admin.sh   (TICKETS=1000000 ROUNDS=30 by default)
# Needs what bench/tickets.sh needs (a release build and oha; the script makes both).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../scripts/lib.sh
. scripts/lib.sh
tickets="${TICKETS:-1000000}"
rounds="${ROUNDS:-30}"
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
started=$(date +%s)
RUST_LOG=error "$bin" bench-data --tickets "$tickets"
echo "generated in $(( $(date +%s) - started )) s"
sqlite3 "$dir/bench.db" "SELECT 'tickets ' || (SELECT COUNT(*) FROM tickets) || ', history rows ' || (SELECT COUNT(*) FROM ticket_history) || ', admin changes ' || (SELECT COUNT(*) FROM audit_log) || ', ratings ' || (SELECT COUNT(*) FROM ticket_ratings)"
ls -l "$dir"/bench.db* | awk '{ s += $5 } END { printf "database size: %.0f MiB\n", s / 1048576 }'

port="$(free_port)"
base="http://127.0.0.1:$port"
CHAMADO_ADDR="127.0.0.1:$port" "$bin" serve >"$dir/server.log" 2>&1 &
pid=$!
wait_ready "$base/readyz" 60

token="$(token_of admin@chamado.local)"
auth="Authorization: Bearer $token"
json() { curl -sf -H "$auth" "$1"; }

ana="$(sqlite3 "$dir/bench.db" "SELECT id FROM users WHERE email = 'ana@chamado.local'")"
ticket="$(sqlite3 "$dir/bench.db" "SELECT id FROM tickets WHERE closed_at IS NOT NULL ORDER BY id DESC LIMIT 1")"
department="$(sqlite3 "$dir/bench.db" "SELECT id FROM departments WHERE name = 'Técnico'")"
today="$(TZ=America/Sao_Paulo date +%F)"
month_from="$(TZ=America/Sao_Paulo date -d '-60 days' +%F)"
month_to="$(TZ=America/Sao_Paulo date -d '-31 days' +%F)"
year_from="$(TZ=America/Sao_Paulo date -d '-365 days' +%F)"
# A cursor 20 pages into the log.
cursor=""
for _ in $(seq 20); do
  cursor="$(json "$base/api/v1/admin/audit?limit=50${cursor:+&cursor=$cursor}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"])')"
done

audit="$base/api/v1/admin/audit"
report="$base/api/v1/admin/reports/tickets"
declare -a scenarios=(
  "audit, first page|$audit?limit=50"
  "audit, 21st page|$audit?limit=50&cursor=$cursor"
  "audit, one agent's changes|$audit?limit=50&actor_id=$ana"
  "audit, one ticket|$audit?limit=50&entity=ticket&entity_id=$ticket"
  "audit, one month|$audit?limit=50&from=$month_from&to=$month_to"
  "audit CSV, one month|$base/api/v1/admin/audit.csv?from=$month_from&to=$month_to"
  "report, 30 days|$report"
  "report, 30 days, one department|$report?department_id=$department"
  "report, one year|$report?from=$year_from&to=$today"
  "report CSV (times), 30 days|$base/api/v1/admin/reports/tickets.csv?part=times"
)

say "what the scenarios return"
for s in "${scenarios[@]}"; do
  label="${s%%|*}"; url="${s#*|}"
  code="$(curl -s -o "$dir/body" -w '%{http_code}' -H "$auth" "$url")"
  [ "$code" = 200 ] || { echo "$label: HTTP $code" >&2; cat "$dir/body" >&2; exit 1; }
  python3 - "$label" "$dir/body" <<'PY'
import json, sys
label, path = sys.argv[1:]
raw = open(path, "rb").read()
try:
    doc = json.loads(raw)
except ValueError:
    rows = raw.count(b"\n") - 1
    print(f"{label}: {rows} CSV rows, {len(raw)} bytes")
    sys.exit(0)
if "items" in doc:
    print(f"{label}: {len(doc['items'])} rows, {len(raw)} bytes")
else:
    t = doc
    print(f"{label}: opened {t['opened']}, closed {t['closed']}, first response p90 "
          f"{t['first_response']['p90_minutes']} min, {sum(r['tickets'] for r in t['sla'])} tickets with SLA, "
          f"{t['satisfaction']['ratings']} ratings, {len(raw)} bytes")
PY
done

say "timing ($rounds requests each, one at a time)"
printf '%s\t%s\t%s\t%s\n' scenario "p50 ms" "p99 ms" "max ms"
for s in "${scenarios[@]}"; do
  label="${s%%|*}"; url="${s#*|}"
  oha --no-tui --output-format json -n "$rounds" -c 1 -H "$auth" "$url" >"$dir/oha.json"
  python3 - "$label" "$dir/oha.json" <<'PY'
import json, sys
label, path = sys.argv[1:]
r = json.load(open(path))
p = r.get("latencyPercentiles", {})
codes = r.get("statusCodeDistribution", {})
bad = sum(v for k, v in codes.items() if not k.startswith("2"))
assert bad == 0, f"{label}: {codes}"
print(f"{label}\t{p['p50'] * 1000:.1f}\t{p['p99'] * 1000:.1f}\t{r['summary']['slowest'] * 1000:.1f}")
PY
done
echo "server RSS after: $(awk '/VmRSS/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$pid/status")"
