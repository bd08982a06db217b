#!/usr/bin/env bash
# Builds MambaScope with sanitizers and runs tests under them (SECURITY.md):
#
#   scripts/sanitize.sh asan [CTEST ARGS...]   AddressSanitizer + UndefinedBehaviorSanitizer (GCC),
#        in build-asan/: every core and CLI test except the long `reference` ones (what CI runs)
#   scripts/sanitize.sh asan-gui [CTEST ARGS...]   the same for the window and widget tests, in
#        build-asan-gui/ (Qt Charts and the GUI built too: slower to build; not in CI)
#   scripts/sanitize.sh tsan [CTEST ARGS...]   ThreadSanitizer (clang, OpenMP through LLVM's libomp
#        with its Archer TSan annotations), in build-tsan/: the tests labelled `threads`
#
# Any report fails the run (-fno-sanitize-recover=all, halt_on_error). Extra arguments go to ctest,
# e.g. `scripts/sanitize.sh asan -R tst_model`; a label of their own (`-L reference`) replaces the
# default selection. MAMBASCOPE_JOBS sets the build parallelism.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-}"
shift || true
jobs="${MAMBASCOPE_JOBS:-$(nproc)}"
defines=""

# -O1 keeps the tests quick enough and the reports exact; -g1 gives file:line in every stack.
common=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1")
case "$mode" in
    asan|asan-gui)
        sanitizers="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all"
        configure=("${common[@]}" -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++)
        if [ "$mode" = asan ]; then
            build="$root/build-asan"
            # The core and the CLI: the GUI's tests are asan-gui's.
            configure+=(-DCMAKE_DISABLE_FIND_PACKAGE_Qt6Charts=ON)
            tests=(-LE reference -R '^tst_')
        else
            build="$root/build-asan-gui"
            tests=(-R '^tst_(widgets|workbench)')
        fi
        extra_targets=(mambascope-cli)  # tst_cli runs it
        # Qt's and OpenBLAS's allocations that live until exit are still reachable: no
        # suppressions are needed for leaks in our code.
        export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:abort_on_error=1}"
        export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
        # Two tests at a time; their OpenMP threads wait without spinning, so that neither
        # burns the cores the other needs.
        parallel="$jobs"
        export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
        ;;
    tsan)
        build="$root/build-tsan"
        sanitizers="-fsanitize=thread"
        configure=("${common[@]}" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
        # core/FastExp.h uses GCC's __builtin_roundevenf, which clang has only from version 16.
        if clang++ --version | grep -qE 'clang version 1[0-5]\.'; then
            defines="-D__builtin_roundevenf=__builtin_rintf"
        fi
        tests=(-L threads)
        extra_targets=()
        parallel=1
        # GCC's libgomp is not instrumented: TSan would take its barriers for races. clang's
        # libomp with Archer tells TSan about every OpenMP barrier, lock and task.
        archer="$(ls /usr/lib/llvm-*/lib/libarcher.so 2>/dev/null | sort -V | tail -n 1 || true)"
        if [ -z "$archer" ]; then
            echo "sanitize.sh: libarcher.so not found (package libomp-14-dev)" >&2
            exit 2
        fi
        export OMP_TOOL_LIBRARIES="$archer"
        export ARCHER_OPTIONS="${ARCHER_OPTIONS:-verbose=0}"
        # Qt is not instrumented either: its own waits and wakes (QtTest's watchdog thread) are
        # left out of the analysis, as Archer asks.
        export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:history_size=4:ignore_noninstrumented_modules=1}"
        ;;
    *)
        sed -n '2,14p' "$0" >&2
        exit 2
        ;;
esac

cmake -S "$root" -B "$build" "${configure[@]}" -DCMAKE_CXX_FLAGS="$sanitizers $defines -fno-omit-frame-pointer" \
    "-DCMAKE_EXE_LINKER_FLAGS=$sanitizers" "-DCMAKE_SHARED_LINKER_FLAGS=$sanitizers" >/dev/null
# A label asked for on the command line replaces the default selection's labels.
for arg in "$@"; do
    case "$arg" in
        -L|-LE|--label-regex|--label-exclude)
            mapfile -t tests < <(printf '%s\n' "${tests[@]}" | sed '/^-LE\?$/,+1d')
            ;;
    esac
done
# Only what the selected tests need: the executables named as tests (a test of another name runs
# one of them), and the CLI for the asan run.
mapfile -t known < <(ninja -C "$build" -t targets all | sed -n 's/^\(tst_[A-Za-z0-9_]*\): .*/\1/p')
mapfile -t selected < <(ctest --test-dir "$build" -N "${tests[@]}" "$@" | sed -n 's/^ *Test *#[0-9]*: //p')
targets=("${extra_targets[@]}")
for t in "${selected[@]}"; do
    printf '%s\n' "${known[@]}" | grep -qx "$t" && targets+=("$t")
done
cmake --build "$build" -j "$jobs" --target "${targets[@]}"
cd "$build"
ctest --output-on-failure --timeout 1800 -j "$parallel" "${tests[@]}" "$@"
