#!/usr/bin/env bash
# The load command's mixed run (bulk ingest, searches by phone and title,
# stage moves) against the real binary, with the server's peak memory.
# Loopback only, bounded by DURATION (at most 5m).
# Usage: scripts/bench-mix.sh [DURATION] [CONNECTIONS]
#   BENCH_DB='postgres://postgres@127.0.0.1:5432/cgmix?sslmode=disable' scripts/bench-mix.sh 60s 16
# (PostgreSQL: an empty database; SQLite by default, in a temporary folder.)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-60s}
CONC=${2:-16}
DB=${BENCH_DB:-}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/connectgain" ./cmd/connectgain
go build -o "$dir/cgload" ./cmd/cgload
"$dir/connectgain" serve --addr 127.0.0.1:18183 --db "${DB:-sqlite:$dir/mix.db}" 2>"$dir/log" &
pid=$!
for _ in $(seq 100); do curl -fs http://127.0.0.1:18183/healthz >/dev/null 2>&1 && break; sleep 0.1; done
key=$(grep -m1 '^cg_' "$dir/log" || true)
if [ -z "$key" ]; then key=$("$dir/connectgain" keys create --workspace mix --db "$DB"); fi
"$dir/cgload" mix --url http://127.0.0.1:18183 --key "$key" --concurrency "$CONC" --duration "$DURATION"
echo "server peak RSS (VmHWM): $(grep VmHWM /proc/$pid/status | awk '{printf "%.1f MiB\n", $2/1024}')"
