#!/usr/bin/env bash
# Checks that every C++ source of the project is formatted by the root .clang-format (style.md:
# "every file formatted by it"), with Debian bookworm's clang-format 14: other versions break
# some lines differently, so with another one (or none) the check is skipped (exit 77, CTest's
# skip code). Lists each file that differs and fails. --fix formats them in place instead.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fix=0
[ "${1:-}" = --fix ] && fix=1

tool=""
for candidate in clang-format-14 clang-format; do
  if command -v "$candidate" > /dev/null &&
     "$candidate" --version | grep -q 'version 14\.'; then
    tool="$candidate"
    break
  fi
done
if [ -z "$tool" ]; then
  echo "check-format: no clang-format 14 (scripts/install-deps.sh installs it); skipped" >&2
  exit 77
fi

cd "$root"
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h')
else
  mapfile -t files < <(find core app widgets tests bench tools fuzz -name '*.cpp' -o -name '*.h' |
                       sort)
fi
if [ $fix = 1 ]; then
  "$tool" -i "${files[@]}"
  exit 0
fi
# One run over every file; each line it prints about a file starts with the file's name.
mapfile -t unformatted < <("$tool" --dry-run "${files[@]}" 2>&1 |
                           sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: .*/\1/p' | sort -u)
if [ ${#unformatted[@]} -gt 0 ]; then
  echo "check-format: ${#unformatted[@]} of ${#files[@]} files differ from .clang-format" \
       "(scripts/check-format.sh --fix formats them):" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted by .clang-format"
