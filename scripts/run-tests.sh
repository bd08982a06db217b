#!/usr/bin/env bash
# Sets everything up on a fresh Debian bookworm machine, builds, and runs the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure --timeout 900 "$@"

# CI only (.ci/run sets MAMBASCOPE_CI_EXTRA=1): a short run of every fuzz harness, then the core
# and CLI tests under AddressSanitizer + UBSan (SECURITY.md). A few minutes more.
if [ "${MAMBASCOPE_CI_EXTRA:-0}" = 1 ]; then
  MAMBASCOPE_FUZZ_OPT=-O0 "$root/scripts/fuzz.sh" 10
  "$root/scripts/sanitize.sh" asan
fi
