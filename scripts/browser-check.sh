#!/usr/bin/env bash
# Renders the demo reports in headless Chromium and checks that the
# screenshots are not blank (issue 4: a real-browser check).
#
#   scripts/browser-check.sh [OUT_DIR]      (default: target/browser-check)
#
# Uses $KSA, else target/release/ksa (built if missing). Installs Debian's
# chromium and the smallest CJK font that works (fonts-wqy-microhei) when
# Chromium is missing and apt-get can be used. Leaves the PNGs in OUT_DIR so
# a person can look at them.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-target/browser-check}
ksa=${KSA:-target/release/ksa}

if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  else
    echo "browser-check: /usr/bin/chromium not found (apt-get install chromium fonts-wqy-microhei)" >&2
    exit 1
  fi
fi
if ! fc-list 2>/dev/null | grep -qiE 'wqy|noto sans cjk|source han'; then
  echo "browser-check: warning: no CJK font installed; Chinese will show as boxes" >&2
fi
if [ ! -x "$ksa" ]; then
  cargo build --release --quiet
fi

rm -rf "$out"
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
export SOURCE_DATE_EPOCH=1767225600
"$ksa" demo --out "$out/demo" --quiet >/dev/null
# The English labels too, on the English model.
"$ksa" report individual --model models/bank-rm.en.toml --evals data/evaluations.csv \
  --person RM003 --period 2026H1 --out "$out/en" --quiet >/dev/null 2>&1
# A large team: the heatmap switches to units × competencies.
"$ksa" sample --model models/bank-rm.toml --people 2000 --periods 1 --out "$out/big" --quiet >/dev/null
"$ksa" report team --model models/bank-rm.toml --evals "$out/big/evaluations.csv" \
  --out "$out/big" --quiet >/dev/null 2>&1

shoot() { # name file width height
  local name=$1 file=$2 w=$3 h=$4
  timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --user-data-dir="$profile" --hide-scrollbars \
    --window-size="$w,$h" --screenshot="$out/$name.png" \
    "file://$(realpath "$file")" >/dev/null 2>&1
  echo "$out/$name.png"
}

person=$(ls "$out"/demo/reports/people/person-RM003-2026H1.html)
pngs=(
  "$(shoot index "$out/demo/index.html" 1200 1400)"
  "$(shoot individual "$person" 1200 4200)"
  "$(shoot individual-en "$(ls "$out"/en/person-*.html | head -1)" 1200 4200)"
  "$(shoot team "$out/demo/reports/team.html" 1200 5200)"
  "$(shoot compare "$out/demo/reports/compare-rm.html" 1200 2600)"
  "$(shoot individual-print-width "$person" 794 3000)"
  "$(shoot team-2000 "$out/big/team.html" 1200 2600)"
)

# Not blank: decode each PNG with the standard library and require some
# non-white pixels and more than a handful of colours.
python3 - "${pngs[@]}" <<'PY'
import struct, sys, zlib

def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), f"{path}: unexpected PNG type"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return w, h, bpp, rows

bad = 0
for path in sys.argv[1:]:
    w, h, bpp, rows = pixels(path)
    colours, ink = set(), 0
    for r in rows[::4]:
        for x in range(0, w * bpp, bpp * 4):
            px = r[x:x + 3]
            colours.add(px)
            if px != b"\xff\xff\xff":
                ink += 1
    share = ink / max(1, (h // 4) * (w // 4))
    ok = share > 0.01 and len(colours) > 16
    bad += not ok
    print(f"{'ok  ' if ok else 'BLANK'} {path}: {w}x{h}, {share:.1%} non-white, {len(colours)} colours")
sys.exit(1 if bad else 0)
PY
echo "browser-check: screenshots in $out"
