#!/usr/bin/env bash
# Builds the libFuzzer harnesses of fuzz/ (clang, ASan + UBSan, in build-fuzz/) and runs each one
# for SECONDS (default 10), starting from its seed corpus in fuzz/corpus/<harness>/.
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]      e.g. scripts/fuzz.sh 10   or   scripts/fuzz.sh 3600 safetensors
#   scripts/fuzz.sh merge [HARNESS...]          fold build-fuzz/corpus/<harness>/ into the seeds
#   scripts/fuzz.sh long [HARNESS...]           at least 10 million executions per harness (not CI;
#                                               hours on 2 cores: run it under nice, in the background)
#   scripts/fuzz.sh tally                       executions per harness over the long runs so far
#
# New interesting inputs go to build-fuzz/corpus/<harness>/ (kept between runs), crashes to
# build-fuzz/artifacts/; nothing under fuzz/ is written by a run. Exits non-zero when any harness
# found a crash, a hang or a leak; copy the input it names into fuzz/regressions/<harness>/ once
# fixed (fuzz/README.md).
# `merge` adds to fuzz/corpus/<harness>/ only the inputs that reach code (edges) the seeds and the
# regressions do not, as found-<sha1> (libFuzzer's -merge=1, counters off to keep the set small);
# MAMBASCOPE_MERGE_FROM=DIR merges DIR/<harness>/ instead of build-fuzz/corpus/<harness>/.
# MAMBASCOPE_JOBS sets the build parallelism; MAMBASCOPE_FUZZ_ARGS adds libFuzzer options;
# MAMBASCOPE_FUZZ_OPT the optimization (default -O1; CI's 10-second runs build quicker at -O0).
# `long` runs each harness for MAMBASCOPE_FUZZ_RUNS executions (default 10000000) with no time
# limit, one after another, and appends a line per harness (executions, seconds, executions per
# second, new inputs, peak RSS) to build-fuzz/long-runs.txt: the numbers SECURITY.md quotes.
# MAMBASCOPE_FUZZ_SECONDS (long mode) stops each harness after that many seconds as well, short of
# its executions when need be: a piece of a campaign that a 2-core machine cannot give hours at
# once. Every piece starts from the corpus the earlier ones left in build-fuzz/corpus/ and appends
# its line (`piece=1` when it stopped short, also when the fuzzer was stopped with kill -INT);
# `tally` adds up every line of long-runs.txt per harness (move the file aside when a harness's
# checks change: its count starts again).
# MAMBASCOPE_FUZZ_TIMEOUT: seconds one input may take before it counts as a hang (default 10;
# 120 in long mode, where a process niced on a loaded machine can wait 10 s for a core: a
# 13-byte config.json that runs in a millisecond was reported as a timeout at load 14).
# MAMBASCOPE_FUZZ_TAG names a piece's log (build-fuzz/fuzz-<harness>-<tag>.log), so that two
# pieces of one harness can run at once, one per core: they share build-fuzz/corpus/<harness>/
# (libFuzzer reloads it every second) and each appends its own line to long-runs.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=run
runs=0
timeout="${MAMBASCOPE_FUZZ_TIMEOUT:-10}"
if [ "${1:-}" = tally ]; then
    log="$root/build-fuzz/long-runs.txt"
    [ -f "$log" ] || { echo "fuzz.sh: no long runs yet ($log)" >&2; exit 1; }
    awk '{ for (i = 1; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
           h = $3; n[h] += v["executions"]; s[h] += v["seconds"]; c[h] += 1
           if (!(h in first)) first[h] = $1; last[h] = $1 }
         END { for (h in n) printf "%s executions=%d seconds=%d pieces=%d %s .. %s\n",
               h, n[h], s[h], c[h], first[h], last[h] }' "$log" | sort
    exit 0
elif [ "${1:-}" = merge ]; then
    mode=merge
    shift
    seconds=0
elif [ "${1:-}" = long ]; then
    shift
    seconds=0
    runs="${MAMBASCOPE_FUZZ_RUNS:-10000000}"
    # Hours under nice on a shared machine: a process starved of CPU for 10 s is not a hang.
    timeout="${MAMBASCOPE_FUZZ_TIMEOUT:-120}"
else
    seconds="${1:-10}"
    shift || true
fi
build="$root/build-fuzz"
all=(safetensors model_config tokenizer_json tokenizer_text modulation_preset gguf task_arguments)
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=("${all[@]}")

if ! command -v clang++ >/dev/null; then
    echo "fuzz.sh: clang++ not found (scripts/install-deps.sh installs it)" >&2
    exit 2
fi

# No NDEBUG: assertions stay on.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=${MAMBASCOPE_FUZZ_OPT:--O1}" \
    -DMAMBASCOPE_FUZZ=ON -DBUILD_TESTING=OFF -DCMAKE_DISABLE_FIND_PACKAGE_Qt6Charts=ON >/dev/null
cmake --build "$build" --target fuzz_harnesses -j "${MAMBASCOPE_JOBS:-$(nproc)}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# The engine's thread pools are of no use to one input at a time.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

if [ "$mode" = merge ]; then
    from="${MAMBASCOPE_MERGE_FROM:-$build/corpus}"
    for name in "${harnesses[@]}"; do
        exe="$build/fuzz/fuzz_$name"
        [ -x "$exe" ] || { echo "fuzz.sh: no harness '$name' (have: ${all[*]})" >&2; exit 2; }
        [ -d "$from/$name" ] || { echo "== fuzz_$name: nothing in $from/$name"; continue; }
        # The seeds and former crashes first, in a scratch folder: what the merge adds to it is
        # what reaches new code.
        scratch="$(mktemp -d)"
        cp "$root/fuzz/corpus/$name/." "$scratch/" -r
        [ -d "$root/fuzz/regressions/$name" ] && cp "$root/fuzz/regressions/$name/." "$scratch/" -r
        before="$(ls "$scratch")"
        "$exe" -merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 "$scratch" "$from/$name" \
            >"$build/merge-$name.log" 2>&1 || { tail -n 30 "$build/merge-$name.log"; exit 1; }
        added=0
        for f in $(ls "$scratch" | grep -vxF -f <(printf '%s\n' "$before")); do
            cp "$scratch/$f" "$root/fuzz/corpus/$name/found-$f"
            added=$((added + 1))
        done
        rm -rf "$scratch"
        echo "== fuzz_$name: $added input(s) added to fuzz/corpus/$name/"
    done
    exit 0
fi

# libFuzzer's -jobs writes fuzz-<n>.log into the current folder: keep them in build-fuzz/ too.
cd "$build"
failed=()
for name in "${harnesses[@]}"; do
    exe="$build/fuzz/fuzz_$name"
    [ -x "$exe" ] || { echo "fuzz.sh: no harness '$name' (have: ${all[*]})" >&2; exit 2; }
    work="$build/corpus/$name"
    mkdir -p "$work" "$build/artifacts"
    args=(-timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix="$build/artifacts/$name-")
    if [ "$runs" -gt 0 ]; then
        args+=(-runs="$runs")
        label="$runs executions"
        if [ -n "${MAMBASCOPE_FUZZ_SECONDS:-}" ]; then
            args+=(-max_total_time="$MAMBASCOPE_FUZZ_SECONDS")
            label="$label or ${MAMBASCOPE_FUZZ_SECONDS}s"
        fi
    else
        args+=(-max_total_time="$seconds")
        label="${seconds}s"
    fi
    [ -f "$root/fuzz/dict/$name.dict" ] && args+=(-dict="$root/fuzz/dict/$name.dict")
    # shellcheck disable=SC2206
    args+=(${MAMBASCOPE_FUZZ_ARGS:-})
    echo "== fuzz_$name: $label"
    started=$(date +%s)
    # The first folder receives new inputs; the seeds and the former crashes stay untouched (and
    # run first).
    dirs=("$work" "$root/fuzz/corpus/$name")
    [ -d "$root/fuzz/regressions/$name" ] && dirs+=("$root/fuzz/regressions/$name")
    log="$build/fuzz-$name${MAMBASCOPE_FUZZ_TAG:+-$MAMBASCOPE_FUZZ_TAG}.log"
    status=0
    "$exe" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 || status=$?
    # Stopped with SIGINT (kill -INT on the fuzzer): libFuzzer prints its totals and exits, a
    # piece of the campaign like one that ran out of time.
    if [ "$status" -ne 0 ] && grep -q "libFuzzer: run interrupted" "$log"; then
        status=0
    fi
    if [ "$status" -ne 0 ]; then
        failed+=("$name")
        tail -n 60 "$log"
    else
        grep -E "stat::number_of_executed_units|stat::new_units_added" "$log" |
            tr '\n' ' '
        echo
        if [ "$runs" -gt 0 ]; then
            final() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
            elapsed=$(( $(date +%s) - started ))
            executed="$(final number_of_executed_units)"
            piece=""
            [ "$executed" -lt "$runs" ] && piece=" piece=1"
            echo "$(date -u +%FT%TZ) ${MAMBASCOPE_FUZZ_SOURCE:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}" \
                "fuzz_$name executions=$executed seconds=$elapsed$piece" \
                "per_second=$(( executed / (elapsed > 0 ? elapsed : 1) ))" \
                "new_units=$(final new_units_added) peak_rss_mb=$(final peak_rss_mb)" \
                >>"$build/long-runs.txt"
            tail -n 1 "$build/long-runs.txt"
        fi
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: FAILED: ${failed[*]} (inputs in $build/artifacts/, logs in $build/fuzz-*.log)" >&2
    exit 1
fi
if [ "$runs" -gt 0 ]; then
    echo "fuzz.sh: ${#harnesses[@]} harness(es), up to $runs executions each: no crash (build-fuzz/long-runs.txt)"
else
    echo "fuzz.sh: ${#harnesses[@]} harness(es), ${seconds}s each: no crash"
fi
