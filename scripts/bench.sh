#!/usr/bin/env bash
# Measures `tandem up` as the README's performance section reports it: time until the
# gateway answers, resident memory when idle, plan-search throughput over gRPC and REST
# (64 concurrent callers, associated devices included), whole bundle checkouts through
# REST (16 callers) and time to stop on Ctrl-C.
# Usage: scripts/bench.sh [seconds per load test, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"

cargo build --release --quiet --bin tandem
bin=target/release/tandem
data=$(mktemp -d)
trap 'kill -INT "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

start=$(date +%s%N)
"$bin" up --data-dir "$data" >/dev/null 2>&1 &
pid=$!
until curl -fs http://127.0.0.1:8080/healthz >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "tandem up exited; is port 8080 or 5005x taken?" >&2; exit 1; }
    sleep 0.01
done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 2
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")

echo "startup: ready in ${ready_ms} ms (first run on an empty data dir)"
echo "memory:  ${rss_kib} KiB resident when idle ($(( rss_kib / 1024 )) MiB)"
"$bin" bench search --concurrency 64 --seconds "$seconds"
"$bin" bench rest --concurrency 64 --seconds "$seconds"
# 600 checkouts use up most of the demo stock of the two devices the benchmark buys.
"$bin" bench checkout --concurrency 16 --count 600

stop=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
echo "stop:    exited $? in $(( ($(date +%s%N) - stop) / 1000000 )) ms after Ctrl-C"
