#!/usr/bin/env bash
# Reproduces the demo model's fixed-window perplexity rows (tests/data/demo_pytorch_eval.json,
# recipe: resources/models/demo-mamba-3.7m/recipe/train.py run_eval) with mambascope-cli eval:
# the four test books, each tokenized whole and cut to its first 65,536 tokens, non-overlapping
# windows of W tokens, no BOS, a fresh state per window, ppl = exp(mean NLL).
# Prints a Markdown table: engine value, reference value and relative difference per cell.
#
# Usage: bench/reference_rows.sh [CLI] [THREADS]
#   CLI      path to mambascope-cli (default: build/app/mambascope-cli)
#   THREADS  engine threads (default: all cores)
# Environment: CONFIGS="baseline power:0.45 ..." and WINDOWS="256 4096" restrict the run.
# A full run is 7 configs x 5 windows x 262,144 tokens (about 9.2 M tokens).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${1:-$root/build/app/mambascope-cli}"
threads="${2:-0}"
configs="${CONFIGS:-baseline power:0.75 power:0.45 power:0.3 linear:8 delta:2 tau-cap:1}"
windows="${WINDOWS:-256 1024 4096 16384 65536}"
reference="$root/tests/data/demo_pytorch_eval.json"
# KEEP=DIR keeps every eval's JSON there (and a partial run still yields a partial table).
if [ -n "${KEEP:-}" ]; then
    out="$KEEP"
    mkdir -p "$out"
else
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi

for config in $configs; do
    for w in $windows; do
        args=(eval --window "$w" --first 65536)
        [ "$threads" != 0 ] && args+=(--threads "$threads")
        # tau-cap: mean Δ from the bundled val book, 64 windows of L_train = 256 (the demo's).
        [ "$config" != baseline ] && args+=(--modulate "$config" --train-length 256)
        "$cli" "${args[@]}" 2>/dev/null > "$out/${config//[:\/]/_}_$w.json.part"
        mv "$out/${config//[:\/]/_}_$w.json.part" "$out/${config//[:\/]/_}_$w.json"
    done
done

python3 - "$reference" "$out" "$configs" "$windows" <<'PY'
import json, os, sys
ref = json.load(open(sys.argv[1]))["configs"]
out, configs, windows = sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
names = {"baseline": "baseline", "power:0.75": "pow 0.75", "power:0.45": "pow 0.45",
         "power:0.3": "pow 0.3", "linear:8": "A x8.0", "linear:2": "A x2.0", "delta:2": "dt x2.0",
         "delta:8": "dt x8.0", "tau-cap:1": "H2 cap tau<=1*L", "power:0.9": "pow 0.9",
         "power:0.6": "pow 0.6"}
print("| config | " + " | ".join(f"ppl@{w} engine / ref (diff)" for w in windows) + " | seconds |")
print("|---|" + "---|" * (len(windows) + 1))
worst = 0.0
for c in configs:
    cells, secs = [], 0.0
    for w in windows:
        path = os.path.join(out, f"{c.replace(':', '_').replace('/', '_')}_{w}.json")
        if not os.path.exists(path):
            cells.append("(not run)")
            continue
        r = json.load(open(path))
        secs += r["seconds"]
        want = ref[names[c]]["W"][w]["ppl"]
        diff = r["ppl"] / want - 1
        worst = max(worst, abs(diff))
        cells.append(f"{r['ppl']:.2f} / {want:.2f} ({diff * 100:+.3f}%)")
    print(f"| {c} | " + " | ".join(cells) + f" | {secs:.0f} |")
print(f"\nlargest relative difference: {worst * 100:.3f}%")
PY
