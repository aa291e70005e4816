#!/usr/bin/env bash
# What the durable job queue adds to a request that enqueues (issue 17): the same writing
# transaction with and without a notice, interleaved, on SQLite (and on PostgreSQL when
# PG_URL names an empty database). Prints one table row per backend.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components"
export LEPTOS_OUTPUT_NAME=chamado
target="${CARGO_TARGET_DIR:-$ROOT/target}"
cargo build --release -q -p server --example queue_cost
work="$(mktemp -d /tmp/chamado-queue.XXXXXX)"
trap 'rm -rf "$work"' EXIT
echo "| database | rounds | without the notice p50 / p99 | with it p50 / p99 | added p50 / p99 |"
echo "|---|---|---|---|---|"
"$target/release/examples/queue_cost" "sqlite://$work/chamado.db" "${ROUNDS:-2000}"
if [ -n "${PG_URL:-}" ]; then
  "$target/release/examples/queue_cost" "$PG_URL" "${ROUNDS:-2000}"
fi
