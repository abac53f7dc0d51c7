#!/usr/bin/env bash
# Draw APT28's (G0007) ATT&CK Navigator layer as SVG with the render_svg
# example, then take a picture of it with headless Chromium, to look at
# what the SVG renderer draws.
#
#   scripts/layer-screenshot.sh
#
# Reads ${TTPMAP_SHARED_DIR:-../shared}/attack-stix/enterprise-attack-18.1.json
# (a relative TTPMAP_SHARED_DIR is taken from the repository root); writes
# target/layer-screenshot/apt28.svg and apt28.png. Needs Chromium
# (CHROMIUM=/path/to/chromium to choose one).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

shared="${TTPMAP_SHARED_DIR:-../shared}"
release="$shared/attack-stix/enterprise-attack-18.1.json"
if [[ ! -f "$release" ]]; then
    echo "layer-screenshot: $release not found (set TTPMAP_SHARED_DIR)" >&2
    exit 1
fi
chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [[ -z "$chromium" ]]; then
    echo "layer-screenshot: chromium not found (set CHROMIUM)" >&2
    exit 1
fi

out="$root/target/layer-screenshot"
mkdir -p "$out"
svg="$out/apt28.svg"
png="$out/apt28.png"
rm -f "$svg" "$png"

cargo build --quiet -p ttpmap-navigator --example render_svg
cargo run --quiet -p ttpmap-navigator --example render_svg -- "$release" G0007 "$svg"

# Chromium logs harmless noise (dbus, GPU) on stderr; keep it out of sight
# unless the picture is missing.
log="$out/chromium.log"
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1056,816 --screenshot="$png" "file://$svg" >"$log" 2>&1 || true

if [[ ! -f "$png" ]]; then
    echo "layer-screenshot: chromium wrote no $png; its log:" >&2
    cat "$log" >&2
    exit 1
fi
size=$(stat -c %s "$png")
if ((size < 10000)); then
    echo "layer-screenshot: $png is only $size bytes: was anything drawn?" >&2
    exit 1
fi
# What a matrix of APT28 looks like: cells in the layer's red (#e60d0d)
# make more than 1% of the picture, and drawing (anything not white) more
# than 10%. A blank page, an error page or an unstyled SVG fails this.
read -r width height red drawn < <(python3 "$root/scripts/png-colours.py" "$png" e60d0d)
total=$((width * height))
if ((red * 100 < total || drawn * 10 < total)); then
    echo "layer-screenshot: $png does not look like the matrix: $red red and $drawn drawn pixels of $total" >&2
    exit 1
fi
echo "svg: $svg"
echo "png: $png ($size bytes, ${width}x${height}: $red pixels of technique red, $drawn not white)"
