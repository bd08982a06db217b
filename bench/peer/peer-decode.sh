#!/usr/bin/env bash
# Greedy decoding of the demo model by mambascope-cli and by the C peer mamba.c
# (github.com/kroggen/mamba.c, token by token, float32), in alternating rounds, so that the ratio
# of the two speeds comes from the same minutes of a shared machine (issue #13's decoding target is
# stated next to the peer's speed on this machine). Every round runs each program once, fresh:
#   mambascope-cli generate --prompt "The" --max-new N --greedy --json   (THREADS threads)
#   mamba <bin> -n N+1 -i "The" -t 0  for each peer build: -Ofast -march=native, with
#     -fopenmp on THREADS threads and without
# and checks that both continue "The" with the same text. Outputs go to files and are parsed after
# the last round (a reader in a pipe would take the cores from the run it reads).
#
# Usage: bench/peer/peer-decode.sh [--rounds R] [--tokens N] [--out FILE.json] PEER_DIR...
#   PEER_DIR  a checkout of mamba.c (any branch: learning, fused); nothing is written into it
# Environment: CLI (default build/app/mambascope-cli), MODEL (default the bundled demo model),
#   THREADS (default 2), PYTHON (default /usr/bin/python3 if it exists, else python3; needs numpy).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli="${CLI:-$root/build/app/mambascope-cli}"
model="${MODEL:-$root/resources/models/demo-mamba-3.7m}"
threads="${THREADS:-2}"
python="${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}"
rounds=8 tokens=2048 out=""
peers=()
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --tokens) tokens="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -*) echo "usage: $0 [--rounds R] [--tokens N] [--out FILE.json] PEER_DIR..." >&2; exit 2 ;;
        *) peers+=("$1"); shift ;;
    esac
done
[ ${#peers[@]} -gt 0 ] || { echo "usage: $0 [--rounds R] [--tokens N] [--out FILE.json] PEER_DIR..." >&2; exit 2; }
[ -x "$cli" ] || { echo "peer-decode: no $cli (build it first)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$root/bench/peer/export_mamba_c.py" "$model" "$work/model"
builds=()
for i in "${!peers[@]}"; do
    src="${peers[$i]}/mamba.c"
    [ -f "$src" ] || { echo "peer-decode: no mamba.c in ${peers[$i]}" >&2; exit 1; }
    name="$(basename "$(cd "${peers[$i]}" && pwd)")-$i"
    for variant in omp serial; do
        flags=(-Ofast -march=native)
        [ "$variant" = omp ] && flags+=(-fopenmp)
        gcc "${flags[@]}" "$src" -lm -o "$work/$name-$variant" 2> "$work/gcc.log" ||
            { cat "$work/gcc.log" >&2; echo "peer-decode: gcc could not build $src" >&2; exit 1; }
    done
    builds+=("$name-omp" "$name-serial")
done

for r in $(seq 1 "$rounds"); do
    "$cli" generate --model "$model" --prompt "The" --max-new "$tokens" --greedy --threads "$threads" --json \
        > "$work/ours-$r.json" 2> "$work/ours.err" ||
        { tail -n 5 "$work/ours.err" >&2; echo "peer-decode: $cli generate failed in round $r" >&2; exit 1; }
    for b in "${builds[@]}"; do
        OMP_NUM_THREADS="$threads" "$work/$b" "$work/model/model.bin" -z "$work/model/tokenizer.bin" \
            -n $((tokens + 1)) -i "The" -t 0.0 > "$work/$b-$r.txt" 2> "$work/$b-$r.err"
    done
    echo "peer-decode: round $r of $rounds" >&2
done

"$python" - "$work" "$rounds" "$threads" "$tokens" "$out" "${builds[@]}" <<'PY'
import json, os, re, stat, statistics, sys
work, rounds, threads, tokens, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
builds = sys.argv[6:]
rows = []
for r in range(1, rounds + 1):
    ours = json.load(open(f"{work}/ours-{r}.json"))
    row = {"round": r, "mambascope": ours["tokens_per_second"], "peers": {}}
    for b in builds:
        err = open(f"{work}/{b}-{r}.err").read()
        m = re.search(r"achieved tok/s: ([0-9.]+)", err)
        if not m:
            sys.exit(f"peer-decode: {b} printed no speed in round {r}: {err.strip()}")
        # The peer prints one token more than it times (its first step is the prompt's).
        if not open(f"{work}/{b}-{r}.txt").read().startswith(ours["text"]):
            sys.exit(f"peer-decode: {b} continued the prompt differently in round {r}")
        row["peers"][b] = float(m.group(1))
    row["fastest_peer"] = max(row["peers"].values())
    row["ratio"] = row["mambascope"] / row["fastest_peer"]
    rows.append(row)
summary = {
    "threads": threads, "tokens": tokens, "rounds": rows,
    "median_mambascope": statistics.median(r["mambascope"] for r in rows),
    "median_peer": {b: statistics.median(r["peers"][b] for r in rows) for b in builds},
    "median_fastest_peer": statistics.median(r["fastest_peer"] for r in rows),
    # ours / that build in the same round, the median over the rounds
    "median_ratio_to": {b: statistics.median(r["mambascope"] / r["peers"][b] for r in rows) for b in builds},
    # ours / the fastest peer build of the same round (the least favourable to us)
    "median_ratio": statistics.median(r["ratio"] for r in rows),
    "min_ratio": min(r["ratio"] for r in rows), "max_ratio": max(r["ratio"] for r in rows),
}
text = json.dumps(summary, indent=1)
if out:
    # A regular file is replaced whole (written beside it, then renamed); a pipe or a device is
    # written as a stream.
    if os.path.exists(out) and not stat.S_ISREG(os.stat(out).st_mode):
        with open(out, "w") as f:
            f.write(text + "\n")
    else:
        with open(out + ".part", "w") as f:
            f.write(text + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(out + ".part", out)
print(text)
PY
