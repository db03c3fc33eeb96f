#!/usr/bin/env bash
# The bank page of `ksa report org` in headless Chromium (issue 16): it
# must render in under 2 s and print in under 10 A4 pages, and no page of
# the site may be above 1.5 MB.
#
#   scripts/org-browser-check.sh [OUT_DIR]    (default: target/org-browser-check)
#
# PEOPLE=N the sample's size (default 20000; tables and heatmaps are bounded,
# so the bank page does not grow beyond it). Uses $KSA, else
# target/release/ksa. Needs /usr/bin/chromium (CI runs this where it is).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/org-browser-check}
ksa=${KSA:-target/release/ksa}
people=${PEOPLE:-20000}
[ -x "$ksa" ] || cargo build --release --quiet
rm -rf "$out"
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$ksa" sample --model models/bank-rm.toml --people "$people" --periods 2 --seed 1 \
  --candidates 0 --out "$out/data" --quiet > /dev/null
"$ksa" report org --model models/bank-rm.toml --evals "$out/data/evaluations.csv" \
  --out "$out/site" --quiet > /dev/null
index=$(realpath "$out/site/index.html")

chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --user-data-dir="$profile" --hide-scrollbars "$@" >/dev/null 2>&1
}
# A first run warms Chromium's profile, so the timing is the page's.
chrome --window-size=1100,1400 --screenshot="$out/warm.png" "file://$index"
start=$(date +%s.%N)
chrome --window-size=1100,1400 --screenshot="$out/bank.png" "file://$index"
render=$(echo "$(date +%s.%N) - $start" | bc -l)
chrome --print-to-pdf="$out/bank.pdf" --no-pdf-header-footer "file://$index"
pages=$(python3 -c 'import re,sys; print(len(re.findall(rb"/Type\s*/Page[^s]", open(sys.argv[1],"rb").read())))' "$out/bank.pdf")
largest=$(find "$out/site" -name '*.html' -printf '%s %P\n' | sort -n | tail -1)
printf 'org-browser-check: %d people; bank page rendered in %.2f s, prints in %d pages; largest page %s bytes (%s)\n' \
  "$people" "$render" "$pages" "${largest%% *}" "${largest#* }"
fail=0
[ "$(echo "$render < 2" | bc -l)" = 1 ] || { echo "org-browser-check: render took 2 s or more" >&2; fail=1; }
[ "$pages" -lt 10 ] || { echo "org-browser-check: 10 printed pages or more" >&2; fail=1; }
[ "${largest%% *}" -le 1572864 ] || { echo "org-browser-check: a page is above 1.5 MB" >&2; fail=1; }
exit $fail
