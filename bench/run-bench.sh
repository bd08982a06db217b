#!/usr/bin/env bash
# The engine's performance benchmark: builds mambascope-cli, writes a random-init checkpoint with
# exactly mamba-130m's shapes into a temporary folder, runs `mambascope-cli bench` on the bundled
# demo model and on it (prefill, decoding), streams 1,000,000 random token ids through the demo
# model for peak memory, scores the passkey grid of issue #13 (9 lengths x 5 depths x 5 keys) on
# the demo model, and writes bench/results/<date>-<host>.json and .md (see bench/README.md).
#
# Usage: bench/run-bench.sh [--no-build] [--quick]
#   --no-build  use an existing $BUILD_DIR/app/mambascope-cli
#   --quick     fewer tokens and repeats (a smoke test of the script, not a measurement)
# Environment:
#   THREADS      engine threads (default 2: the issue's reference machine has two cores)
#   BUILD_DIR    build folder (default build-bench at the repository root)
#   OUT_DIR      where the report goes (default bench/results)
#   LONG_TOKENS  tokens of the streaming memory check (default 1000000)
# Needs cmake, ninja and python3 (for the report). Takes about 5 minutes on two idle cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"
out_dir="${OUT_DIR:-$root/bench/results}"
threads="${THREADS:-2}"
long_tokens="${LONG_TOKENS:-1000000}"
do_build=1
quick=0
for arg in "$@"; do
    case "$arg" in
        --no-build) do_build=0 ;;
        --quick) quick=1 ;;
        *) echo "usage: $0 [--no-build] [--quick]" >&2; exit 2 ;;
    esac
done

if [ "$do_build" = 1 ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" --target mambascope-cli
fi
cli="$build/app/mambascope-cli"
[ -x "$cli" ] || { echo "no $cli (run without --no-build)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

demo_tokens=16384 demo_repeat=3 m130_tokens=8192 m130_repeat=2 m130_decode=128
passkey_longest=65536
if [ "$quick" = 1 ]; then
    demo_tokens=4096 demo_repeat=1 m130_tokens=4096 long_tokens=20000 m130_decode=16
    passkey_longest=1024
fi

echo "== synthesizing a mamba-130m-shaped checkpoint (random weights) in $work" >&2
"$cli" synth --like mamba-130m --seed 1 --out "$work/mamba-130m" > "$work/synth.json"

echo "== demo model: $demo_tokens tokens, windows of 4096, $threads threads" >&2
"$cli" bench --threads "$threads" --tokens "$demo_tokens" --window 4096 --repeat "$demo_repeat" \
    --json > "$work/demo.json"

echo "== mamba-130m shapes: $m130_tokens tokens, windows of 4096, $threads threads" >&2
"$cli" bench --model "$work/mamba-130m" --threads "$threads" --tokens "$m130_tokens" \
    --window 4096 --repeat "$m130_repeat" --decode-tokens "$m130_decode" --json \
    > "$work/mamba-130m.json"

echo "== streaming memory: $long_tokens random tokens through the demo model" >&2
"$cli" bench --threads "$threads" --sections stream --random-tokens --tokens "$long_tokens" \
    --repeat 1 --json > "$work/memory.json"

echo "== passkey grid: lengths 256..$passkey_longest x 5 depths x 5 keys, demo model" >&2
"$cli" bench --threads "$threads" --sections passkey --passkey-longest "$passkey_longest" \
    --json > "$work/passkey.json"

mkdir -p "$out_dir"
stamp="$(date -u +%Y-%m-%d)-$(hostname -s 2>/dev/null || echo host)"
[ "$quick" = 1 ] && stamp="$stamp-quick"
python3 - "$work" "$out_dir/$stamp" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    "$(git -C "$root" status --porcelain 2>/dev/null | grep -c . || true)" <<'PY'
import json, sys, datetime

work, base, commit, dirty = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
load = lambda name: json.load(open(f"{work}/{name}.json"))
demo, m130, memory, passkey = load("demo"), load("mamba-130m"), load("memory"), load("passkey")
machine = demo["machine"]

def strip(d):
    # The report keeps numbers, not local paths.
    d = json.loads(json.dumps(d))
    d.get("model", {}).pop("directory", None)
    d.get("tokenizer", {}).pop("tokenizer", None)
    return d

report = {
    "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
    "commit": commit + ("+local changes" if dirty else ""),
    "machine": machine,
    "demo": strip(demo),
    "mamba_130m_shapes": strip(m130),
    "memory_stream": strip(memory),
    "passkey": strip(passkey),
}
json.dump(report, open(base + ".json", "w"), indent=1)

def rate(d, key):
    return d.get(key, {}).get("tokens_per_second")

def frac(d, key):
    return d.get(key, {}).get("fraction_of_sgemm_bound")

def num(v, fmt="{:,.0f}"):
    return "–" if v is None else fmt.format(v)

def pct(v):
    return "–" if v is None else f"{100 * v:.0f}%"

rows = [
    ("Prefill, fixed windows of 4096 (tokens/s)", num(rate(demo, "prefill_fixed")), num(rate(m130, "prefill_fixed")), "≥ 16,000 / ≥ 450"),
    ("  fraction of the sgemm bound", pct(frac(demo, "prefill_fixed")), pct(frac(m130, "prefill_fixed")), "≥ 65%"),
    ("Prefill, streaming (tokens/s)", num(rate(demo, "prefill_stream")), num(rate(m130, "prefill_stream")), "≥ 16,000 / ≥ 450"),
    ("  fraction of the sgemm bound", pct(frac(demo, "prefill_stream")), pct(frac(m130, "prefill_stream")), "≥ 65%"),
    ("  tokens per CPU-second (all threads)", num(demo["prefill_stream"].get("tokens_per_cpu_second")), num(m130["prefill_stream"].get("tokens_per_cpu_second")), ""),
    ("Selective scan alone (tokens/s)", num(rate(demo, "scan_only")), num(rate(m130, "scan_only")), ""),
    ("LM head + log-softmax alone (tokens/s)", num(rate(demo, "lm_head_only")), num(rate(m130, "lm_head_only")), ""),
    ("sgemm 2048³, same run (GFLOP/s)", num(demo["sgemm"]["gflops_2048"], "{:.1f}"), num(m130["sgemm"]["gflops_2048"], "{:.1f}"), ""),
    ("sgemm at the model's shapes (GFLOP/s)", num(demo["sgemm"]["gflops_model_shapes"], "{:.1f}"), num(m130["sgemm"]["gflops_model_shapes"], "{:.1f}"), ""),
    ("Products per token (MFLOP)", num(demo["model"]["matmul_flop_per_token"] / 1e6, "{:.2f}"), num(m130["model"]["matmul_flop_per_token"] / 1e6, "{:.1f}"), ""),
    ("sgemm bound (tokens/s)", num(demo["sgemm"]["bound_tokens_per_second"]), num(m130["sgemm"]["bound_tokens_per_second"]), ""),
    ("Decoding, one stream (tokens/s)", num(rate(demo, "decode")), num(rate(m130, "decode"), "{:,.1f}"), "≥ 8,000 (demo)"),
    ("  fraction of the bandwidth bound", pct(demo.get("decode", {}).get("fraction_of_bandwidth_bound")), pct(m130.get("decode", {}).get("fraction_of_bandwidth_bound")), "≥ 80% (mamba-130m)"),
    ("  read bandwidth over the weights' size (GB/s)", num(demo.get("decode", {}).get("read_bandwidth_gbs"), "{:.1f}"), num(m130.get("decode", {}).get("read_bandwidth_gbs"), "{:.1f}"), ""),
    ("  weights read per token (MiB)", num(demo.get("decode", {}).get("weight_bytes_per_token", 0) / 2**20, "{:.1f}"), num(m130.get("decode", {}).get("weight_bytes_per_token", 0) / 2**20, "{:.1f}"), ""),
    ("Tokenizer, one thread (MB/s)", num(demo.get("tokenizer", {}).get("mb_per_second"), "{:.2f}"), num(m130.get("tokenizer", {}).get("mb_per_second"), "{:.2f}"), "≥ 2"),
]
marks = {int(m["tokens"]): m for m in memory["prefill_stream"]["peak_rss_marks"]}
lines = [
    f"# Benchmark {report['date_utc']} UTC, commit {report['commit']}",
    "",
    f"Machine: {machine['cpu']}, {machine['logical_cpus']} logical CPUs, Linux {machine['kernel']}; "
    f"OpenBLAS kernels {machine['blas_core']}, engine kernels {machine.get('engine_kernels', '?')}; "
    f"{machine['threads']} threads; load average at start {machine['load_average_at_start']}.",
    "",
    "| | demo-mamba-3.7m | mamba-130m shapes (random weights) | target |",
    "| --- | ---: | ---: | --- |",
]
lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
lines += [
    "",
    f"Streaming {memory['prefill_stream']['tokens']:,.0f} random tokens through the demo model "
    f"({num(rate(memory, 'prefill_stream'))} tokens/s); weights and runtime resident after loading: "
    f"{memory['memory']['rss_after_load_mib']:.1f} MiB.",
    "",
    "| tokens streamed | peak RSS (MiB) | above the loaded weights (MiB) | target |",
    "| ---: | ---: | ---: | --- |",
]
for t in sorted(marks):
    lines.append(f"| {t:,} | {marks[t]['peak_rss_mib']:.1f} | {marks[t]['above_weights_mib']:.1f} | < 64 |")
pk = passkey["passkey"]
lines += [
    "",
    f"Passkey grid on the demo model (lengths {int(pk['lengths'][0])}…{int(pk['lengths'][-1]):,}, "
    f"{pk['depths']} depths, {pk['keys']} keys, repeat filler): {pk['seconds']:.1f} s "
    f"({pk['cpu_seconds']:.1f} CPU-seconds), {pk['tokens_processed']:,.0f} tokens through the model "
    f"({pk['tokens_without_sharing']:,.0f} without prefix sharing), target ≤ 60 s.",
]
open(base + ".md", "w").write("\n".join(lines) + "\n")
print(base + ".md")
PY
cat "$out_dir/$stamp.md"
