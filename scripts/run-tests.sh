#!/usr/bin/env bash
# Sets everything up on a fresh Debian bookworm machine, builds, and runs the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure --timeout 900 "$@"

# CI only (.ci/run sets MAMBASCOPE_CI_EXTRA=1): the core and CLI tests under AddressSanitizer +
# UBSan (scripts/sanitize.sh asan), among them tst_fuzz_regressions, which runs every fuzz seed
# and every former crash input through the harnesses. Left to SECURITY.md's release checklist,
# to keep the whole CI inside 30 minutes on 2 cores: the mutation runs of scripts/fuzz.sh (a
# second, clang build) and six slow suites under ASan (tst_cli_modulation, tst_cli_gradient,
# tst_calibration, tst_bake, tst_incremental, tst_synth: 143 of the 406 test-seconds under ASan,
# and six executables fewer to build; they still run in the plain suite above).
if [ "${MAMBASCOPE_CI_EXTRA:-0}" = 1 ]; then
  start=$SECONDS
  "$root/scripts/sanitize.sh" asan \
    -E '^tst_(cli_modulation|cli_gradient|calibration|bake|incremental|synth)$'
  echo "run-tests: ASan + UBSan build and tests took $((SECONDS - start)) s"
fi
