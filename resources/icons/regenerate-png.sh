#!/usr/bin/env bash
# Renders the hicolor PNG sizes from mambascope.svg (needs rsvg-convert from librsvg2-bin).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for s in 16 32 48 64 128 256; do
    rsvg-convert -w "$s" -h "$s" mambascope.svg -o "mambascope-$s.png"
done
