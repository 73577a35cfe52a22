#!/usr/bin/env bash
# Where the idle memory of `tandem up` goes: starts it on a fresh data directory, waits
# until the gateway answers and the first-start seeding has settled, then prints the
# resident set by kind of mapping (from /proc/PID/smaps) and the thread count.
# Usage: scripts/memory.sh [path to a release tandem binary] (default: builds one)
# GATEWAY_PORT (default 8080) moves the gateway; the other servers take free ports.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-}"
if [ -z "$bin" ]; then
    cargo build --release --quiet --bin tandem
    bin=target/release/tandem
fi
data=$(mktemp -d)
trap 'kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

port="${GATEWAY_PORT:-8080}"
listen=(--listen "gateway=127.0.0.1:$port" --admin-listen 127.0.0.1:0)
for target in insurance accessory install settlement leads buyback; do
    listen+=(--listen "$target=127.0.0.1:0")
done
"$bin" up --data-dir "$data" "${listen[@]}" >/dev/null 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "tandem up exited; is port $port taken?" >&2; exit 1; }
    sleep 0.05
done
sleep "${SETTLE_SECONDS:-5}"

rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
threads=$(awk '/Threads/ {print $2}' "/proc/$pid/status")
echo "resident: $((rss_kib / 1024)) MiB (${rss_kib} KiB), ${threads} threads"
# Each mapping's header line is followed by its fields; sum Rss per kind of mapping.
awk -v exe="$(readlink -f "$bin")" '
    /^[0-9a-f]+-[0-9a-f]+ / {
        path = $6
        if (path == exe) kind = "the tandem binary (code and constants)"
        else if (path ~ /\.so/) kind = "shared libraries"
        else if (path == "[heap]") kind = "brk heap"
        else if (path ~ /^\[stack/) kind = "main thread stack"
        else if (path ~ /\.db(-wal|-shm)?$/) kind = "SQLite files mapped (WAL index)"
        else if (path == "") kind = "anonymous (allocator arenas, thread stacks)"
        else kind = "other: " path
        next
    }
    /^Rss:/ { rss[kind] += $2 }
    END { for (k in rss) if (rss[k] > 0) printf "  %6d KiB  %s\n", rss[k], k }
' "/proc/$pid/smaps" | sort -rn
