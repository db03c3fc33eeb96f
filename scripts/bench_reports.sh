#!/usr/bin/env bash
# Speed of `ksa report team` and `ksa explain` on 10^6 rating rows, against
# `ksa report team` of an earlier commit (issue 15: within 1.5x of it).
#
#   scripts/bench_reports.sh [DIR]     (data, builds and outputs go to DIR,
#                                       default target/bench-reports)
#
# BASE=<commit> picks the earlier ksa (default c9f0114, the head before
# `ksa explain` and the reports' sentences and intervals); RUNS=N the runs
# per command (default 5, alternating, median reported). Needs GNU time
# (/usr/bin/time) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/bench-reports}
base=${BASE:-c9f0114}
runs=${RUNS:-5}
mkdir -p "$dir"
cargo build --release --quiet
ksa=${CARGO_TARGET_DIR:-target}/release/ksa
model=models/bank-rm.toml

# The earlier binary, built once per commit in its own worktree.
old="$dir/base-$base/target/release/ksa"
if [ ! -x "$old" ]; then
  rm -rf "$dir/base-$base"
  git worktree add --force --detach "$dir/base-$base" "$base" > /dev/null
  (cd "$dir/base-$base" && CARGO_TARGET_DIR=target cargo build --release --quiet)
fi

# 7,000 people × ~150 ratings: 10^6 rows, one period.
file=$dir/1m/evaluations.csv
if [ ! -f "$file" ]; then
  $ksa sample --model $model --people 7000 --periods 1 --seed 1 --no-bom --out "$dir/1m" > /dev/null
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
  rm -rf "$dir/out-old" "$dir/out-new"
  measure base_team "$old" report team --model $model --evals "$file" --out "$dir/out-old" -q
  measure team "$ksa" report team --model $model --evals "$file" --out "$dir/out-new" -q
  measure explain "$ksa" explain --model $model --evals "$file" --format csv --out "$dir/explain.csv" -q
done

median() { # label -> "wall rss"
  awk -v l="$1" '$1 == l { print $2, $3 }' "$dir/runs.txt" | sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}
read -r base_wall base_rss < <(median base_team)
printf '%d rating rows, median of %d runs\n\n' "$rows" "$runs"
printf '| command | ksa | wall time | vs. base report team | peak memory |\n'
printf '|---|---|---:|---:|---:|\n'
for label in base_team team explain; do
  read -r wall rss < <(median $label)
  case $label in
    base_team) cmd="report team"; who=$base ;;
    team) cmd="report team"; who=$(git rev-parse --short HEAD) ;;
    explain) cmd="explain"; who=$(git rev-parse --short HEAD) ;;
  esac
  printf '| %s | %s | %.2f s | %.2f× | %.0f MB |\n' "$cmd" "$who" "$wall" \
    "$(echo "$wall / $base_wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done
