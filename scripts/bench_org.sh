#!/usr/bin/env bash
# Speed and peak memory of `ksa report org` against `ksa score` on the same
# file (issue 16: at most 2x of each), plus the size of the largest page.
#
#   scripts/bench_org.sh [DIR]     (data and outputs go to DIR,
#                                   default target/bench-org)
#
# PEOPLE=N the sample's size (default 100000: with 2 periods about 1.4e7
# rows); RUNS=N runs per command (default 3, alternating, median reported).
# Needs GNU time (/usr/bin/time) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/bench-org}
people=${PEOPLE:-100000}
runs=${RUNS:-3}
mkdir -p "$dir"
cargo build --release --quiet
ksa=${CARGO_TARGET_DIR:-target}/release/ksa
model=models/bank-rm.toml

file=$dir/$people/evaluations.csv
if [ ! -f "$file" ]; then
  $ksa sample --model $model --people "$people" --periods 2 --seed 1 --candidates 0 \
    --no-bom --out "$dir/$people" > /dev/null
fi
rows=$(( $(wc -l < "$file") - 1 ))

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" > /dev/null 2> "$dir/stderr.txt" || {
    cat "$dir/stderr.txt" >&2; return 1; }
  read -r wall rss < "$dir/time.txt"
  echo "$label $wall $rss" >> "$dir/runs.txt"
}

: > "$dir/runs.txt"
for _ in $(seq "$runs"); do
  measure score "$ksa" score --model $model --evals "$file" --out "$dir/scores.csv" -q
  rm -rf "$dir/site"
  measure org "$ksa" report org --model $model --evals "$file" --out "$dir/site" -q
done

median() { # label -> "wall rss"
  awk -v l="$1" '$1 == l { print $2, $3 }' "$dir/runs.txt" | sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}
read -r s_wall s_rss < <(median score)
read -r o_wall o_rss < <(median org)
pages=$(find "$dir/site" -name '*.html' | wc -l)
largest=$(find "$dir/site" -name '*.html' -printf '%s %P\n' | sort -n | tail -1)
printf '%d people, %d rating rows, median of %d runs, %s\n\n' "$people" "$rows" "$runs" "$(git rev-parse --short HEAD)"
printf '| command | wall time | vs. score | peak memory | vs. score |\n'
printf '|---|---:|---:|---:|---:|\n'
printf '| score | %.2f s | 1.00× | %.0f MB | 1.00× |\n' "$s_wall" "$(echo "$s_rss / 1024" | bc -l)"
printf '| report org | %.2f s | %.2f× | %.0f MB | %.2f× |\n' "$o_wall" "$(echo "$o_wall / $s_wall" | bc -l)" \
  "$(echo "$o_rss / 1024" | bc -l)" "$(echo "$o_rss / $s_rss" | bc -l)"
printf '\n%d pages; largest %s bytes (%s); limit 1572864 bytes\n' "$pages" "${largest%% *}" "${largest#* }"
[ "${largest%% *}" -le 1572864 ] || { echo "bench_org: a page is above 1.5 MB" >&2; exit 1; }
