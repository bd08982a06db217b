#!/bin/bash
# Builds bench/probes/step_streams.cpp (the one-token step's weight streams alone, one thread) with
# the project's kernels and runs it, then the whole step on one thread for comparison:
#   bash bench/probes/run-step-streams.sh [build dir with mambascope-cli, default build]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
probe=$(mktemp -d)/step_streams
g++ -O2 -std=c++20 -march=x86-64-v3 -fopenmp-simd -Wall -Wextra -Icore bench/probes/step_streams.cpp \
    core/kernels/PackedMatrix.cpp core/kernels/DecodeKernels.cpp core/kernels/KernelIsa.cpp \
    -o "$probe"
"$probe"
echo '[1,2,3,4,5,6,7,8]' > "$probe.ids.json"
"$build/app/mambascope-cli" generate --threads 1 --prompt-ids "$probe.ids.json" --max-new 4096 \
    --greedy --json 2>/dev/null | python3 -c \
    'import json, sys; t = json.load(sys.stdin)["tokens_per_second"]; print("generate --threads 1: %.1f us a token (%.0f tokens/s)" % (1e6 / t, t))'
rm -rf "$(dirname "$probe")"
