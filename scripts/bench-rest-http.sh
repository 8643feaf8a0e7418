#!/usr/bin/env bash
# REST GET load over real HTTP against the real binary: seeds DEALS deals
# through the bulk endpoint, then runs CONC connections for DURATION on each
# query. Loopback only, bounded. Usage: scripts/bench-rest-http.sh [DEALS] [CONC] [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
DEALS=${1:-100000}
CONC=${2:-16}
DURATION=${3:-10s}
DB=${BENCH_DB:-}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/connectgain" ./cmd/connectgain
go build -o "$dir/cgload" ./cmd/cgload
"$dir/connectgain" serve --addr 127.0.0.1:18182 --db "${DB:-sqlite:$dir/bench.db}" 2>"$dir/log" &
pid=$!
for _ in $(seq 100); do curl -fs http://127.0.0.1:18182/healthz >/dev/null 2>&1 && break; sleep 0.1; done
key=$(grep -m1 '^cg_' "$dir/log" || true)
if [ -z "$key" ]; then key=$("$dir/connectgain" keys create --workspace bench --db "$DB"); fi
"$dir/cgload" seed --url http://127.0.0.1:18182 --key "$key" --deals "$DEALS" | tail -1
P=/functions/v1/rest-api-proxy
for q in \
  "$P/deals?select=id,title,value,stage&title=ilike.*Order%2010424*&order=created_at.desc&limit=50" \
  "$P/deals?select=id,title,value,stage&stage=in.(new,won)&order=created_at.desc&limit=50" \
  "$P/contacts?select=id,first_name,phones&phones=cs.%7B%2B201020000042%7D" \
  "$P/deals?id=eq.00000000-0000-7000-8000-000000000000"; do
  echo "GET $q"
  "$dir/cgload" get --url http://127.0.0.1:18182 --key "$key" --path "$q" --concurrency "$CONC" --duration "$DURATION"
done
