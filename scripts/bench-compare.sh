#!/usr/bin/env bash
# Compare benchmarks of an earlier commit with the working tree in one run:
# the same `go test -bench` in both trees, alternating, ROUNDS times, so that
# machine noise falls on both alike. Prints each round's lines, tagged
# "base" or "head". Bounded: ROUNDS x (one benchmark run per tree).
#
# Usage: scripts/bench-compare.sh REV ROUNDS PACKAGE BENCH_REGEX [BENCHTIME]
#   scripts/bench-compare.sh 1b85250 3 ./sqlstore/sqlite/ 'BulkEndpoint' 10x
#   CONNECTGAIN_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
#     scripts/bench-compare.sh 1b85250 3 ./sqlstore/postgres/ '^BenchmarkBulk$' 5x
set -euo pipefail
cd "$(dirname "$0")/.."
REV=$1
ROUNDS=$2
PKG=$3
BENCH=$4
BENCHTIME=${5:-1x}
base=$(mktemp -d)
trap 'git worktree remove --force "$base" >/dev/null 2>&1 || rm -rf "$base"' EXIT
git worktree add --detach -q "$base" "$REV"
run() { # run TAG DIR
  (cd "$2" && go test -run '^$' -bench "$BENCH" -benchtime "$BENCHTIME" -count 1 "$PKG" 2>&1) |
    grep -E '^Benchmark' | sed "s/^/$1 /"
}
for i in $(seq 1 "$ROUNDS"); do
  run base "$base"
  run head .
done
