#!/usr/bin/env bash
# Sets everything up on a fresh Debian bookworm machine and runs MambaScope on the bundled demo
# model: the GUI when a display is available, otherwise the CLI's demo report.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" >/dev/null
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$root/build/app/mambascope" ]; then
    exec "$root/build/app/mambascope" "$@"
fi
exec "$root/build/app/mambascope-cli" demo "$@"
