#!/usr/bin/env bash
# Renders the screenshots in docs/ (the window and each panel on the demo model, with "power 0.75"
# pinned and "power 0.45" in every layer) and docs/images/ (the charts of the model as loaded, the
# scaled ones, the status bar and the dialogs) through the offscreen platform, in English, then
# recompresses them.
#
#   docs/screenshots.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
exe="$build/tools/screenshots/mambascope-screenshots"
if [ ! -x "$exe" ]; then
    echo "screenshots: $exe not found; build it first (ninja -C $build mambascope-screenshots)" >&2
    exit 2
fi
export QT_QPA_PLATFORM=offscreen QT_QPA_OFFSCREEN_NO_GLX=1
# A fixed font size and DPI so the pictures do not depend on the machine.
export QT_FONT_DPI=96 QT_SCALE_FACTOR=1
"$exe" --language en "$root/docs"
# Smaller files for the repository (lossless), when optipng is around.
if command -v optipng >/dev/null 2>&1; then
    optipng -quiet -o2 "$root"/docs/*.png "$root"/docs/images/*.png
fi
ls -l "$root"/docs/*.png "$root"/docs/images/*.png
