#!/usr/bin/env bash
# The measured tables of gradient calibration (issue #14, docs/benchmarks.md "Calibration"):
#
# A. Demo model, target 65,536 tokens, calibrated on the calibration book only: Adam on the
#    gradient per layer, channel and state, SPSA and coordinate search per layer on about the
#    same budget, τ-cap's c by its 1-D search and Adam per channel from there, against the
#    model as loaded, uniform power 0.45 and τ-cap c = 1; fixed-window
#    perplexity of the four test books at 256 / 4,096 / 16,384 / 65,536 tokens, and wall time.
# B. Retrieval demo model: Adam on the passkey objective (key NLL over passkey prompts made
#    from the calibration book) for 16,384 tokens, from the identity and from τ-cap with c found
#    by the 1-D search on the same objective, against the same three; passkey accuracy and key
#    NLL at 4×, 16× and 64× its 256-token training length.
#
#   bench/calibration-table.sh [OUT_PREFIX]     default bench/results/<date>-calibration
#
# Writes OUT_PREFIX.json (every run's JSON) and OUT_PREFIX.md (the tables), the presets in
# OUT_PREFIX-presets/. Resumes: a run already recorded in OUT_PREFIX.jsonl (one line per run,
# kept) is not run again; delete that file to start over. Environment: CLI (default build/app/mambascope-cli), THREADS (2),
# STEPS (Adam steps, 12), LR (0.05), FIRST (tokens of each test book scored, 65536),
# KEYS (passkey keys per cell, 10). About 30 minutes on two cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cli="${CLI:-build/app/mambascope-cli}"
threads="${THREADS:-2}"
steps="${STEPS:-12}"
lr="${LR:-0.05}"
first="${FIRST:-65536}"
keys="${KEYS:-10}"
out="${1:-bench/results/$(date +%F)-calibration}"
presets="$out-presets"
mkdir -p "$presets"
log="$out.jsonl"
touch "$log"
demo=resources/models/demo-mamba-3.7m
retrieval=resources/models/demo-retrieval-3.7m
target=65536

# Whether a run is recorded already (resuming).
recorded() {
    grep -qF "\"table\": \"$1\", \"name\": \"$2\", \"kind\": \"$3\"" "$log"
}

# One JSON line per run: {"table", "name", "kind", "seconds", "result"}.
record() {
    local table="$1" name="$2" kind="$3" seconds="$4" file="$5"
    /usr/bin/env python3 - "$table" "$name" "$kind" "$seconds" "$file" >>"$log" <<'EOF'
import json, sys
table, name, kind, seconds, path = sys.argv[1:]
print(json.dumps({"table": table, "name": name, "kind": kind, "seconds": float(seconds),
                  "result": json.load(open(path))}))
EOF
}

timed() {  # timed OUTFILE command... : runs it, stdout to OUTFILE, prints the seconds
    local file="$1"
    shift
    local t0
    t0=$(date +%s.%N)
    "$@" >"$file"
    python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))" "$t0" "$(date +%s.%N)"
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# --- A: perplexity ----------------------------------------------------------------------------
# Adam's budget in forward passes of L tokens: steps × the gradient's cost (bench: 4.6-4.9
# forward passes); SPSA and coordinate search get the same (SPSA: 1 + 3·iterations passes).
budget=$(( steps * 46 / 10 ))
iterations=$(( (budget - 1) / 3 ))
declare -A calib=(
    [adam-layer]="--method adam --granularity layer --steps $steps --lr $lr --windows 1"
    [adam-channel]="--method adam --granularity channel --steps $steps --lr $lr --windows 1"
    [adam-state]="--method adam --granularity state --steps $steps --lr $lr --windows 1"
    [spsa-layer]="--method spsa --iterations $iterations --budget $budget --windows 1"
    [coordinate-layer]="--method coordinate --budget $budget --windows 1"
    # τ-cap's constant c by the 1-D search, then Adam per channel from there (--init).
    [tau-cap-search]="--family tau-cap --budget 10 --windows 1"
    [adam-channel-from-tau-cap]="--method adam --granularity channel --steps $steps --lr $lr --windows 1 --init $presets/tau-cap-search.json"
)
rows_a=(adam-layer adam-channel adam-state spsa-layer coordinate-layer tau-cap-search
        adam-channel-from-tau-cap)
for name in "${rows_a[@]}"; do
    recorded A "$name" calibrate && continue
    echo "== A: calibrate $name (target $target)" >&2
    # shellcheck disable=SC2086
    s=$(timed "$tmp/c.json" "$cli" calibrate --model "$demo" --threads "$threads" \
        --target-length "$target" ${calib[$name]} --out "$presets/$name.json")
    record A "$name" calibrate "$s" "$tmp/c.json"
done
evaluate() {  # evaluate NAME MODEL ARGS...
    local name="$1" model="$2"
    shift 2
    for w in 256 4096 16384 65536; do
        recorded A "$name" "eval-$w" && continue
        echo "== A: eval $name window $w" >&2
        s=$(timed "$tmp/e.json" "$cli" eval --model "$model" --threads "$threads" --window "$w" \
            --first "$first" "$@")
        record A "$name" "eval-$w" "$s" "$tmp/e.json"
    done
}
evaluate as-loaded "$demo"
evaluate power-0.45 "$demo" --modulate power:0.45
evaluate tau-cap-1 "$demo" --modulate tau-cap:1
for name in "${rows_a[@]}"; do
    evaluate "$name" "$demo" --modulation "$presets/$name.json"
done

# --- B: retrieval -----------------------------------------------------------------------------
# Adam per channel on the key NLL from the identity; τ-cap's c by the 1-D search on the same
# objective, then Adam from there.
declare -A calib_b=(
    [adam-passkey]="--method adam --granularity channel --objective passkey --prompts 4 --steps $steps --lr $lr"
    [tau-cap-search-passkey]="--family tau-cap --objective passkey --prompts 4 --budget 40"
    [adam-passkey-from-tau-cap]="--method adam --granularity channel --objective passkey --prompts 4 --steps $steps --lr $lr --init $presets/retrieval-tau-cap-search-passkey.json"
)
rows_b=(adam-passkey tau-cap-search-passkey adam-passkey-from-tau-cap)
for name in "${rows_b[@]}"; do
    recorded B "$name" calibrate && continue
    echo "== B: calibrate $name (target 16384)" >&2
    # shellcheck disable=SC2086
    s=$(timed "$tmp/c.json" "$cli" calibrate --model "$retrieval" --threads "$threads" \
        --target-length 16384 ${calib_b[$name]} --out "$presets/retrieval-$name.json")
    record B "$name" calibrate "$s" "$tmp/c.json"
done
grid() {  # grid NAME ARGS...
    local name="$1"
    shift
    if ! recorded B "$name" passkey; then
        echo "== B: passkey $name" >&2
        s=$(timed "$tmp/p.json" "$cli" passkey --model "$retrieval" --threads "$threads" \
            --lengths 1024,4096,16384 --depths 0,0.25,0.5,0.75,1 --keys "$keys" --json "$@")
        record B "$name" passkey "$s" "$tmp/p.json"
    fi
    for w in 256 16384; do
        recorded B "$name" "eval-$w" && continue
        s=$(timed "$tmp/e.json" "$cli" eval --model "$retrieval" --threads "$threads" \
            --window "$w" --first "$first" "$@")
        record B "$name" "eval-$w" "$s" "$tmp/e.json"
    done
}
grid as-loaded
grid power-0.45 --modulate power:0.45
grid tau-cap-1 --modulate tau-cap:1
for name in "${rows_b[@]}"; do
    grid "$name" --modulation "$presets/retrieval-$name.json"
done

python3 "$root/bench/calibration_table.py" "$log" "$out" \
    "steps=$steps lr=$lr budget=$budget iterations=$iterations first=$first keys=$keys threads=$threads"
echo "calibration-table.sh: $out.md, $out.json" >&2
