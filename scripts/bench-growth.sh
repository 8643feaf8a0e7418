#!/usr/bin/env bash
# SQLite ingest as the file grows: serve DB (an existing file, e.g. one seeded
# with `cgload seed --deals 1000000`, or a new one) with this tree's binary,
# then one warm-up request, 3 plain inserts on known contacts and 3 requests
# with half new contacts, 10,000 deals each, and print the server's CPU per
# deal for each phase (from /proc: the steady figure on a shared machine).
# Work on a copy of a large file: the run adds 70,000 deals to it.
# Usage: scripts/bench-growth.sh DB [BATCH]   (BATCH: cgload's first batch
#   number, above the seed's, so the run writes new deals and phones)
# Environment: BIN=path serves with that connectgain binary instead of this
#   tree's (A/B runs alternate two binaries on copies of one file);
#   PROFILE=file writes the server's CPU profile of the whole run there;
#   PHASES="warm-up plain" runs only those phases.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=$1
BATCH=${2:-150}
dir=$(mktemp -d)
PHASES=${PHASES:-warm-up plain half-new-contacts}
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
bin=${BIN:-$dir/connectgain}
[ -n "${BIN:-}" ] || go build -o "$dir/connectgain" ./cmd/connectgain
go build -o "$dir/cgload" ./cmd/cgload
"$bin" serve --addr 127.0.0.1:18186 --db "sqlite:$DB" ${PROFILE:+--cpuprofile "$PROFILE"} 2>"$dir/log" &
pid=$!
total=0 # deals written, for the whole-run figure
for _ in $(seq 6000); do
  curl -fs http://127.0.0.1:18186/healthz >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "the server stopped:" >&2; cat "$dir/log" >&2; exit 1; }
  sleep 0.1
done
key=${KEY:-$(grep -m1 '^cg_' "$dir/log" || true)}
[ -n "$key" ] || { echo "no key printed (an existing file): pass KEY=cg_..." >&2; exit 1; }
ticks() { awk '{print $14+$15}' "/proc/$pid/stat"; }
phase() { # phase NAME BATCH REQUESTS NEW_RATIO
  local c0 c1 out
  c0=$(ticks)
  out=$("$dir/cgload" bulk --url http://127.0.0.1:18186 --key "$key" --deals 10000 --batch "$2" --requests "$3" --new-ratio "$4")
  c1=$(ticks)
  total=$((total + $3 * 10000))
  echo "$1: $(echo "$out" | tail -1); server CPU $(awk -v t=$((c1 - c0)) -v n=$(($3 * 10000)) -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.4f", t*1000/hz/n}') ms/deal"
}
has() { [[ " $PHASES " == *" $1 "* ]]; }
if has warm-up; then phase warm-up "$BATCH" 1 0; fi
if has plain; then phase plain "$((BATCH + 1))" 3 0; fi
if has half-new-contacts; then phase half-new-contacts "$((BATCH + 10))" 3 0.5; fi
echo "server peak RSS (VmHWM): $(grep VmHWM /proc/$pid/status | awk '{printf "%.1f MiB", $2/1024}')"
# The whole run, startup and the clean stop included: a stop checkpoints
# what the WAL still holds, work a less frequent checkpoint only defers.
# Bash's `times` counts reaped children, so the server's whole CPU is the
# growth of its second line across the server's exit. (The clean stop
# also writes the profile.)
kids() { awk 'NR==2 {for (i = 1; i <= 2; i++) {split($i, a, /[ms]/); t += a[1] * 60 + a[2]}; printf "%.3f", t}' "$1"; }
times >"$dir/t0"
kill "$pid"
wait "$pid" || true
times >"$dir/t1"
k0=$(kids "$dir/t0") k1=$(kids "$dir/t1")
echo "whole run, stop included: server CPU $(awk -v a="$k0" -v b="$k1" -v n="$total" 'BEGIN{printf "%.4f", (b-a)*1000/n}') ms/deal"
