#!/usr/bin/env bash
# Whole checkouts against a fresh `tandem up`, with the CPU they cost: throughput and
# latency from `tandem bench checkout` (16 callers), the `tandem` process's CPU per
# checkout and, on PostgreSQL, the PostgreSQL server's (read from /proc before and after).
# Compare two builds by alternating runs:
#   for i in 1 2 3; do scripts/bench-checkout.sh old/tandem; scripts/bench-checkout.sh new/tandem; done
# Usage: scripts/bench-checkout.sh [binary] [sqlite|postgres] [checkouts, default 400]
# postgres uses TANDEM_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres)
# to create (and afterwards drop) one database per service. The gateway listens on
# GATEWAY_PORT (default 18080); the other servers on free ports.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-}"
engine="${2:-sqlite}"
count="${3:-400}"
if [ -z "$bin" ]; then
    cargo build --release --quiet --bin tandem
    bin=target/release/tandem
fi
port="${GATEWAY_PORT:-18080}"
admin="${TANDEM_BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
data=$(mktemp -d)
tag="bench$$"
targets=(gateway insurance accessory install settlement leads buyback)
args=(--listen "gateway=127.0.0.1:$port" --admin-listen 127.0.0.1:0)
for t in "${targets[@]:1}"; do args+=(--listen "$t=127.0.0.1:0"); done
cleanup() {
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$data"
    if [ "$engine" = postgres ]; then
        for t in "${targets[@]}"; do psql -q "$admin" -c "drop database if exists ${tag}_$t with (force)" >/dev/null; done
    fi
}
if [ "$engine" = postgres ]; then
    for t in "${targets[@]}"; do
        psql -q "$admin" -c "create database ${tag}_$t" >/dev/null
        args+=(--database "$t=${admin%/*}/${tag}_$t")
    done
fi
"$bin" up --data-dir "$data" "${args[@]}" >/dev/null 2>&1 &
pid=$!
trap cleanup EXIT
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "tandem up exited; is port $port taken?" >&2; exit 1; }
    sleep 0.1
done
sleep 2

# CPU ticks (user + system) of the tandem process, and of every PostgreSQL process.
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
pg_ticks() {
    for f in /proc/[0-9]*/stat; do
        read -r line < "$f" 2>/dev/null || continue
        case "$line" in *"(postgres)"*) echo "$line" ;; esac
    done | awk '{s += $14 + $15} END {print s + 0}'
}
hz=$(getconf CLK_TCK)
t0=$(ticks); p0=$(pg_ticks)
"$bin" bench checkout --gateway "http://127.0.0.1:$port" --concurrency 16 --count "$count" 2>&1 | tail -1
t1=$(ticks); p1=$(pg_ticks)
echo "$engine: tandem CPU $(( (t1 - t0) * 1000000 / hz / count )) µs per checkout"
[ "$engine" = postgres ] && echo "$engine: PostgreSQL CPU $(( (p1 - p0) * 1000000 / hz / count )) µs per checkout"
echo "resident after: $(( $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024 )) MiB"
