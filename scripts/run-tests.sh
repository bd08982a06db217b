#!/usr/bin/env bash
# Sets everything up on a fresh Debian bookworm machine, builds, and runs the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure --timeout 900 "$@"

# CI only (.ci/run sets MAMBASCOPE_CI_EXTRA=1): a 10-second run of every fuzz harness (built at
# -O0, which builds quicker and finds the same bugs in 10 s), then the core and CLI tests under
# AddressSanitizer + UBSan, except the long `reference` ones (SECURITY.md, "Continuous
# integration"). About 3 + 7 minutes on a 2-core machine.
if [ "${MAMBASCOPE_CI_EXTRA:-0}" = 1 ]; then
  start=$SECONDS
  MAMBASCOPE_FUZZ_OPT=-O0 "$root/scripts/fuzz.sh" 10
  echo "run-tests: fuzz build and runs took $((SECONDS - start)) s"
  start=$SECONDS
  "$root/scripts/sanitize.sh" asan
  echo "run-tests: ASan + UBSan build and tests took $((SECONDS - start)) s"
fi
