#!/usr/bin/env bash
# Times `kariz import` of generated leads against the sqlite3 shell's
# `.import` of the same file into a plain table, in the same run, and prints
# the ratio of the medians of three runs for each size.
#
# usage: bench/import.sh [KARIZ_BINARY] [SIZES...]
#   KARIZ_BINARY  default: build-release/kariz (build it with
#                 cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release)
#   SIZES         default: 100000 1000000
# The leads come from scripts/gen-leads. Environment: BENCH_DIR (default: a
# temporary directory) holds the generated files and databases.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
kariz=${1:-$here/build-release/kariz}
shift || true
sizes=${*:-100000 1000000}
gen=$here/scripts/gen-leads
[ -x "$kariz" ] || { echo "bench: no kariz binary at $kariz" >&2; exit 2; }
[ -f "$gen" ] || { echo "bench: no generator at $gen" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench: python3 is needed (for $gen)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench: the sqlite3 shell is needed" >&2; exit 2; }
dir=${BENCH_DIR:-$(mktemp -d /tmp/kariz-bench.XXXXXX)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$dir"' EXIT
export TZ=${TZ:-UTC}

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

printf '%-9s %12s %12s %8s  %s\n' rows "kariz (s)" ".import (s)" ratio "kariz rows/s"
for n in $sizes; do
    csv=$dir/leads-$n.csv
    [ -f "$csv" ] || python3 "$gen" "$n" > "$csv"
    k=() s=()
    for i in 1 2 3; do
        rm -f "$dir/k.db" "$dir/k.db-wal" "$dir/k.db-shm" "$dir/s.db"
        "$kariz" --db "$dir/k.db" init >/dev/null
        t0=$(now)
        "$kariz" --db "$dir/k.db" import "$csv" >/dev/null
        t1=$(now)
        sqlite3 "$dir/s.db" ".import --csv '$csv' leads"
        t2=$(now)
        k+=("$(echo "$t1 - $t0" | bc -l)")
        s+=("$(echo "$t2 - $t1" | bc -l)")
    done
    mk=$(median "${k[@]}") ms=$(median "${s[@]}")
    got=$(sqlite3 "$dir/k.db" 'select count(*) from leads')
    [ "$got" = "$n" ] || echo "bench: kariz imported $got of $n rows" >&2
    printf '%-9s %12.2f %12.2f %7.1fx  %.0f\n' "$n" "$mk" "$ms" "$(echo "$mk / $ms" | bc -l)" \
        "$(echo "$n / $mk" | bc -l)"
done
