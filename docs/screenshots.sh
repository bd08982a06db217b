#!/usr/bin/env bash
# Renders the pictures of the documentation in a real X server (Xvfb):
# - docs/ and docs/images/: the window and each panel on the demo model, with "power 0.75"
#   pinned and "power 0.45" in every layer, the charts of the model as loaded, the status bar
#   and the dialogs (English);
# - docs/screenshots/: the whole window at 1024×640, 1280×720 and 1920×1080 in English, French
#   and Chinese (window-LANG-WxH.png), as a laptop, a small screen and a projector show it.
# Deterministic: fixed DPI and scale, the bundled demo model, settings kept apart from the
# user's. Needs xvfb-run (scripts/install-deps.sh installs it) and a CJK font (fonts-noto-cjk).
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
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "screenshots: xvfb-run not found (apt-get install xvfb xauth)" >&2
    exit 2
fi
# The Chinese pictures need a CJK font (Debian: fonts-noto-cjk); without one they show boxes.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
    echo "screenshots: no Chinese font found; install fonts-noto-cjk first" >&2
    exit 2
fi
# A fixed font size and DPI so the pictures do not depend on the machine.
export QT_QPA_PLATFORM=xcb QT_FONT_DPI=96 QT_SCALE_FACTOR=1 QT_AUTO_SCREEN_SCALE_FACTOR=0
# The screenshots never read or write the user's settings.
XDG_CONFIG_HOME="$(mktemp -d)"
export XDG_CONFIG_HOME
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
run() { xvfb-run -a -s "-screen 0 1920x1080x24 -dpi 96" "$exe" "$@"; }
run --language en --windows "$root/docs/screenshots" "$root/docs"
for lang in fr zh_CN; do
    run --language "$lang" --windows "$root/docs/screenshots" --windows-only
done
# Smaller files for the repository (lossless), when optipng is around.
if command -v optipng >/dev/null 2>&1; then
    optipng -quiet -o2 "$root"/docs/*.png "$root"/docs/images/*.png "$root"/docs/screenshots/*.png
fi
ls -l "$root"/docs/*.png "$root"/docs/images/*.png "$root"/docs/screenshots/*.png
