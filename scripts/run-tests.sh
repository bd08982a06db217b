#!/usr/bin/env bash
# Sets everything up on a fresh Debian bookworm machine, builds, and runs the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure --timeout 900 "$@"

# CI only (.ci/run sets MAMBASCOPE_CI_EXTRA=1): a 5-second run of every fuzz harness (built at
# -O0, which builds quicker; the seeds and former crashes are replayed first), then the core and
# CLI tests under AddressSanitizer + UBSan, except the long `reference` ones and two slow CLI
# suites (tst_cli_modulation, tst_cli_gradient: 64 s under ASan; the engine code they drive is
# tested under ASan by tst_modulation, tst_bake, tst_calibration and tst_gradient), so that the
# whole CI stays inside 30 minutes on 2 cores (SECURITY.md, "Continuous integration").
if [ "${MAMBASCOPE_CI_EXTRA:-0}" = 1 ]; then
  start=$SECONDS
  MAMBASCOPE_FUZZ_OPT=-O0 "$root/scripts/fuzz.sh" 5
  echo "run-tests: fuzz build and runs took $((SECONDS - start)) s"
  start=$SECONDS
  "$root/scripts/sanitize.sh" asan -E '^tst_cli_(modulation|gradient)$'
  echo "run-tests: ASan + UBSan build and tests took $((SECONDS - start)) s"
fi
