#!/usr/bin/env bash
# Times every analysis the broker sells (seed 003) over 1 M orders and 1 M requests, on
# SQLite and — when TANDEM_TEST_PG_URL points at a PostgreSQL server — on PostgreSQL.
# Release build. TANDEM_BENCH_ROWS changes the size (default 1000000);
# TANDEM_BENCH_ENGINES=sqlite or =postgres runs one engine only.
#   scripts/bench-analytics.sh
#   TANDEM_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/postgres scripts/bench-analytics.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo bench -p svc-accessory --bench analytics
