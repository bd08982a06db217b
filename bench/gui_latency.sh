#!/usr/bin/env bash
# Slider-to-curve latency of the workbench, headless (mambascope-gui-latency): after a change of the
# scaling, the time until the first updated points are redrawn and until the whole curve is, for
# a change in every layer, in the middle layer and in the last layer only. Demo model, 16,384
# tokens, 2 threads pinned to 2 cores (a laptop), offscreen.
#
#   bench/gui_latency.sh [BUILD_DIR] [extra mambascope-gui-latency options, e.g. --json out.json]
# Targets: first points <= 150 ms; whole curve <= 1.5 s; last layer only <= 0.5 s.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
shift || true
exe="$build/bench/gui/mambascope-gui-latency"
if [ ! -x "$exe" ]; then
    echo "gui_latency: $exe not found; build it first (ninja -C $build mambascope-gui-latency)" >&2
    exit 2
fi
cores="${MAMBASCOPE_BENCH_CORES:-0,1}"
pin=()
if command -v taskset >/dev/null 2>&1; then
    pin=(taskset -c "$cores")
fi
export QT_QPA_PLATFORM=offscreen QT_QPA_OFFSCREEN_NO_GLX=1 OMP_NUM_THREADS=2
exec "${pin[@]}" "$exe" --threads 2 --tokens 16384 --repeats "${REPEATS:-7}" "$@"
