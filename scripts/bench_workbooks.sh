#!/usr/bin/env bash
# Speed and memory of `ksa score` on the same ratings as CSV, as .xlsx, and
# as .xlsx whose periods are date cells (read as they display: a second
# pass over the sheet for their formats). 573,192 rating rows
# (`ksa sample --people 2000 --periods 2 --seed 7`).
#
#   scripts/bench_workbooks.sh [DIR]     (default target/bench-xlsx)
#
# Needs GNU time and Python 3 (xlsxwriter is installed from PyPI into a
# virtual environment in DIR). Checks that the CSV and the plain workbook
# give the same scores, and prints the periods the dated workbook gave.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/bench-xlsx}
mkdir -p "$dir"
cargo build --release --quiet
ksa=${CARGO_TARGET_DIR:-target}/release/ksa
model=models/bank-rm.toml
if [ ! -f "$dir/evaluations.dated.xlsx" ]; then
  $ksa sample --model $model --people 2000 --periods 2 --seed 7 --no-bom --out "$dir" > /dev/null
  [ -x "$dir/venv/bin/python" ] || python3 -m venv "$dir/venv"
  "$dir/venv/bin/pip" install --quiet xlsxwriter
  "$dir/venv/bin/python" scripts/workbooks.py "$dir/evaluations.csv"
fi
printf '| input | wall time | peak memory |\n|---|---:|---:|\n'
for input in evaluations.csv evaluations.xlsx evaluations.dated.xlsx; do
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" \
    $ksa score --model $model --evals "$dir/$input" --out "$dir/$input.scores.csv" --quiet 2> /dev/null
  read -r wall rss < "$dir/time.txt"
  printf '| %s | %.2f s | %.0f MB |\n' "$input" "$wall" "$(( rss / 1024 ))"
done
cmp "$dir/evaluations.csv.scores.csv" "$dir/evaluations.xlsx.scores.csv" && echo "CSV and .xlsx: same scores"
echo "periods of the dated workbook: $(cut -d, -f2 "$dir/evaluations.dated.xlsx.scores.csv" | tail -n +2 | sort -u | tr '\n' ' ')"
