#!/usr/bin/env bash
# The help-center benchmark of issue 6, in one run:
#   1. search quality on the labelled development queries (`chamado kb eval`): recall@1,
#      recall@3, MRR and the share of unanswerable queries that show an article;
#   2. speed with ARTICLES articles (default 10,000: the corpus and variants of it) on SQLite,
#      server-side (`chamado kb bench`): search and new-ticket suggestions (p50/p99/max over
#      ROUNDS × the queries), and the index catch-up after publishing.
# Usage: bench/help_center.sh   (QUERIES=../shared/kb/queries-dev.jsonl ARTICLES=10000 ROUNDS=20)
# Needs a release build (`cargo build --release -p server`; the script builds it).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
queries="${QUERIES:-$ROOT/../shared/kb/queries-dev.jsonl}"
articles="${ARTICLES:-10000}"
rounds="${ROUNDS:-20}"
target="${CARGO_TARGET_DIR:-$HOME/.cache/chamado/target}"
CARGO_TARGET_DIR="$target" cargo build --release -p server --bin chamado
bin="$target/release/chamado"
echo "== quality: $queries"
RUST_LOG=warn "$bin" kb eval "$queries"
echo
echo "== speed: $articles articles, $rounds rounds"
RUST_LOG=warn "$bin" kb bench "$queries" --articles "$articles" --rounds "$rounds"
