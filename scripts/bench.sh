#!/usr/bin/env bash
# Speed and memory of `ksa score` on generated data sets of 1M and 10M
# rating rows, side by side with the same competency-level computation in
# polars (scripts/bench_polars.py), when Python with polars is available.
#
#   scripts/bench.sh [DIR]        (data and outputs go to DIR, default target/bench)
#
# Needs GNU time (/usr/bin/time) for peak memory. Set BENCH_SIZES="1m" to run
# only the small set; POLARS_PYTHON=/path/to/python to pick the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/bench}
mkdir -p "$dir"
cargo build --release --quiet
ksa=${CARGO_TARGET_DIR:-target}/release/ksa
model=models/bank-rm.toml
py=${POLARS_PYTHON:-python3}

# ~150 rating rows per person: supervisor, 3-5 peers, 3 customers and self
# over the 19 competencies of the bank model.
declare -A people=([1m]=7000 [10m]=70000)

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" > /dev/null 2> "$dir/stderr.txt" || {
    cat "$dir/stderr.txt" >&2; return 1; }
  read -r wall rss < "$dir/time.txt"
  echo "$label $wall $rss"
}

printf '| data set | rows | tool | wall time | rows/second | peak memory |\n'
printf '|---|---:|---|---:|---:|---:|\n'
for size in ${BENCH_SIZES:-1m 10m}; do
  file=$dir/$size/evaluations.csv
  if [ ! -f "$file" ]; then
    $ksa sample --model $model --people "${people[$size]}" --periods 1 --seed 1 --no-bom --out "$dir/$size" > /dev/null
  fi
  rows=$(( $(wc -l < "$file") - 1 ))
  read -r _ wall rss < <(measure ksa $ksa score --model $model --evals "$file" --format csv --out "$dir/$size.ksa.csv")
  printf '| %s (%s MB) | %d | ksa score | %.2f s | %.0f | %.0f MB |\n' \
    "$size" "$(( $(stat -c %s "$file") / 1000000 ))" "$rows" "$wall" "$(echo "$rows / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  if "$py" -c 'import polars' 2> /dev/null; then
    read -r _ wall rss < <(measure polars "$py" scripts/bench_polars.py $model "$file" "$dir/$size.polars.csv")
    printf '| %s | %d | polars %s (lazy) | %.2f s | %.0f | %.0f MB |\n' \
      "$size" "$rows" "$("$py" -c 'import polars; print(polars.__version__)')" "$wall" "$(echo "$rows / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  fi
done
