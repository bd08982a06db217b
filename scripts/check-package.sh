#!/usr/bin/env bash
# Builds the .deb from an existing build tree, checks its contents, unpacks it into a temporary
# root and runs the installed CLI on the installed demo model and texts.
set -euo pipefail
build="${1:?usage: check-package.sh BUILD_DIR}"
cd "$build"
cpack -G DEB >/dev/null
deb="$(ls -t mambascope_*.deb | head -n1)"
echo "package: $deb ($(du -h "$deb" | cut -f1))"

contents="$(dpkg-deb -c "$deb" | awk '{print $6}')"
required=(
  ./usr/bin/mambascope-cli
  ./usr/share/applications/org.mambascope.MambaScope.desktop
  ./usr/share/metainfo/org.mambascope.MambaScope.metainfo.xml
  ./usr/share/icons/hicolor/scalable/apps/org.mambascope.MambaScope.svg
  ./usr/share/icons/hicolor/48x48/apps/org.mambascope.MambaScope.png
  ./usr/share/man/man1/mambascope-cli.1
  ./usr/share/mambascope/models/demo-mamba-3.7m/model.safetensors
  ./usr/share/mambascope/models/demo-mamba-3.7m/MODEL_CARD.md
  ./usr/share/mambascope/texts/test_dracula.txt
  ./usr/share/mambascope/tokenizers/gpt-neox-20b/LICENSE
)
if [ -x app/mambascope ]; then required+=(./usr/bin/mambascope); fi
for f in "${required[@]}"; do
  if ! grep -qxF "$f" <<<"$contents"; then echo "missing from package: $f" >&2; exit 1; fi
done
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
for lib in libqt6core6 libopenblas0; do
  grep -q "$lib" <<<"$depends" || { echo "Depends lacks $lib (shlibdeps)" >&2; exit 1; }
done

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root"
# The installed program must find its data relative to itself, not in the source tree.
export MAMBASCOPE_RESOURCES=
cli="$root/usr/bin/mambascope-cli"
"$cli" info --json | grep -q '"n_layer":6'
out="$("$cli" eval --window 256 --first 1024 --json "$root/usr/share/mambascope/texts/test_frankenstein.txt" 2>/dev/null)"
grep -q '"windows":4' <<<"$out" || { echo "installed eval failed: $out" >&2; exit 1; }
man -l "$root/usr/share/man/man1/mambascope-cli.1" >/dev/null
echo "package OK: installed CLI ran on the installed demo model"
