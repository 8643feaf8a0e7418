#!/usr/bin/env bash
# Bulk ingest over real HTTP against the real binary, with the server's peak
# memory (VmHWM from /proc) while it ingests. Bounded: REQUESTS requests of
# DEALS deals. Usage: scripts/bench-bulk-http.sh [DEALS] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
DEALS=${1:-10000}
REQUESTS=${2:-5}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/connectgain" ./cmd/connectgain
go build -o "$dir/cgload" ./cmd/cgload
"$dir/connectgain" serve --addr 127.0.0.1:18181 --db "sqlite:$dir/bench.db" 2>"$dir/log" &
pid=$!
for _ in $(seq 100); do curl -fs http://127.0.0.1:18181/healthz >/dev/null 2>&1 && break; sleep 0.1; done
key=$(grep -m1 '^cg_' "$dir/log")
echo "server RSS before: $(grep VmRSS /proc/$pid/status | awk '{print $2/1024 " MiB"}')"
"$dir/cgload" bulk --url http://127.0.0.1:18181 --key "$key" --deals "$DEALS" --requests "$REQUESTS"
echo "server peak RSS (VmHWM) over the run: $(grep VmHWM /proc/$pid/status | awk '{print $2/1024 " MiB"}')"
