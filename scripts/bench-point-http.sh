#!/usr/bin/env bash
# Point reads (a contact by exact phone, a deal by id) against the real
# binary and against cmd/cgbare (a bare net/http server running the same SQL
# on the same database and writing the same JSON), each in a process of its
# own, loaded by wrk from a third: so the load client's CPU and GC do not
# count against either server (they do in BenchmarkPointRead, where the
# client runs in the server's process). Seeds DEALS deals through the bulk
# endpoint, checks both servers answer the same JSON, then alternates ours
# and bare ROUNDS times per query, DURATION each, CONC connections. Prints
# wrk's req/s, p50, p99 and the server's CPU per request (utime+stime from
# /proc). Loopback only, bounded: 2 x 2 x ROUNDS x DURATION of load.
#
# Usage: scripts/bench-point-http.sh [DEALS] [DURATION] [ROUNDS] [CONC]
#   scripts/bench-point-http.sh 100000 15s 2 16
#   BENCH_DB=postgres://postgres@127.0.0.1:5432/cgpoint?sslmode=disable scripts/bench-point-http.sh
# (BENCH_DB: a new, empty PostgreSQL database; default a SQLite file.)
# BASE_BIN=path/to/connectgain (an earlier build) adds it as a third server
# on the same database, "base", alternated with ours and bare: an A/B of
# two commits in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
DEALS=${1:-100000}
DURATION=${2:-15s}
ROUNDS=${3:-2}
CONC=${4:-16}
DB=${BENCH_DB:-}
dir=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"' EXIT
go build -o "$dir/connectgain" ./cmd/connectgain
go build -o "$dir/cgload" ./cmd/cgload
go build -o "$dir/cgbare" ./cmd/cgbare
DB=${DB:-sqlite:$dir/bench.db}
OURS=127.0.0.1:18182
BARE=127.0.0.1:18183
"$dir/connectgain" serve --addr $OURS --db "$DB" 2>"$dir/log" &
ours_pid=$!
pids+=("$ours_pid")
for _ in $(seq 100); do curl -fs http://$OURS/healthz >/dev/null 2>&1 && break; sleep 0.1; done
key=$(grep -m1 '^cg_' "$dir/log" || true)
if [ -z "$key" ]; then key=$("$dir/connectgain" keys create --workspace bench --db "$DB"); fi
"$dir/cgload" seed --url http://$OURS --key "$key" --deals "$DEALS" | tail -1
"$dir/cgbare" --addr $BARE --db "$DB" 2>"$dir/bare.log" &
bare_pid=$!
pids+=("$bare_pid")
for _ in $(seq 100); do curl -fs "http://$BARE/deals?id=eq.x" >/dev/null 2>&1 && break; sleep 0.1; done

P=/functions/v1/rest-api-proxy
get() { curl -fsS -H "X-API-Key: $key" "$1"; }
deal=$(get "http://$OURS$P/deals?select=id&order=id&offset=$((DEALS / 2))&limit=1" | jq -r '.[0].id')
phone=$(get "http://$OURS$P/contacts?select=phones&order=id&offset=424&limit=1" | jq -r '.[0].phones[0]')
phone_q=$(jq -rn --arg p "{$phone}" '$p|@uri')
queries=("/contacts?select=id,first_name,phones&phones=cs.$phone_q" "/deals?id=eq.$deal")
BASE=127.0.0.1:18184
if [ -n "${BASE_BIN:-}" ]; then
  "$BASE_BIN" serve --addr $BASE --db "$DB" 2>"$dir/base.log" &
  base_pid=$!
  pids+=("$base_pid")
  for _ in $(seq 100); do curl -fs http://$BASE/healthz >/dev/null 2>&1 && break; sleep 0.1; done
fi
for q in "${queries[@]}"; do
  if ! diff <(get "http://$OURS$P$q" | jq -S .) <(curl -fsS "http://$BARE$q" | jq -S .) >/dev/null; then
    echo "different answers for $q" >&2
    exit 1
  fi
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# one PID URL HEADER...: a wrk run; prints req/s, p50 ms, p99 ms, server CPU us/request.
one() {
  local pid=$1 url=$2
  shift 2
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(wrk -t1 -c"$CONC" -d"$DURATION" --latency "$@" "$url")
  after=$(cpu_ticks "$pid")
  echo "$out" | awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    / requests in / { n = $1 }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx|Socket errors/ { err = err " " $0 }
    END { printf "%9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  cpu %6.1f us/req%s\n", rps, p50, p99, n ? ticks / hz * 1e6 / n : 0, err }'
}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $CONC connections, $DURATION per run, db ${DB%%\?*}"
sides=(ours bare)
if [ -n "${BASE_BIN:-}" ]; then sides=(ours base bare); fi
# side NAME QUERY: one wrk run of the query on that server.
side() {
  case $1 in
  ours) one "$ours_pid" "http://$OURS$P$2" -H "X-API-Key: $key" ;;
  base) one "$base_pid" "http://$BASE$P$2" -H "X-API-Key: $key" ;;
  bare) one "$bare_pid" "http://$BARE$2" ;;
  esac
}
for q in "${queries[@]}"; do
  echo "GET $q"
  for r in $(seq "$ROUNDS"); do
    # Each round starts with the next server, so none always runs first.
    for i in $(seq 0 $((${#sides[@]} - 1))); do
      s=${sides[$(((i + r - 1) % ${#sides[@]}))]}
      echo "  round $r $s $(side "$s" "$q")"
    done
  done
done
