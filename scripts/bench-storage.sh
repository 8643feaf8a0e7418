#!/usr/bin/env bash
# SQLite bytes per deal: seed DEALS deals (half new contacts) through the real
# binary, checkpoint, VACUUM INTO a copy, and print the copy's size and, with
# Debian's sqlite3 (dbstat), the pages of every table and index.
# Loopback only; bounded by DEALS.
# Usage: scripts/bench-storage.sh [DEALS]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
DEALS=${1:-100000}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/connectgain" ./cmd/connectgain
go build -o "$dir/cgload" ./cmd/cgload
"$dir/connectgain" serve --addr 127.0.0.1:18185 --db "sqlite:$dir/bench.db" 2>"$dir/log" &
pid=$!
for _ in $(seq 100); do curl -fs http://127.0.0.1:18185/healthz >/dev/null 2>&1 && break; sleep 0.1; done
key=$(grep -m1 '^cg_' "$dir/log")
"$dir/cgload" seed --url http://127.0.0.1:18185 --key "$key" --deals "$DEALS" | tail -2
kill "$pid"; wait "$pid" 2>/dev/null || true
if ! command -v sqlite3 >/dev/null; then
  echo "sqlite3 is not installed (apt-get install sqlite3): no VACUUM copy or dbstat" >&2
  ls -l "$dir"/bench.db*; exit 0
fi
sqlite3 "$dir/bench.db" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM INTO '$dir/vacuumed.db';" >/dev/null
bytes=$(stat -c %s "$dir/vacuumed.db")
echo "file after VACUUM: $bytes bytes ($(awk -v b="$bytes" 'BEGIN{printf "%.1f MB, %.1f MiB", b/1e6, b/1048576}')), $(awk -v b="$bytes" -v n="$DEALS" 'BEGIN{printf "%.0f", b/n}') bytes per deal"
sqlite3 -separator ' ' "$dir/vacuumed.db" \
  "SELECT printf('%-34s %7.1f MB', name, SUM(pgsize)/1e6) FROM dbstat GROUP BY name ORDER BY SUM(pgsize) DESC LIMIT 25"
