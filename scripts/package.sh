#!/usr/bin/env bash
# Builds the installable Switchboard packages (release): a .deb and, when its tools
# can be fetched, an AppImage. Prints the path of each package it built.
#
#   scripts/package.sh            # .deb + AppImage
#   scripts/package.sh --deb-only # .deb only
#
# The packages land in target/release/bundle/{deb,appimage}/. Install the .deb with
#   sudo apt install ./target/release/bundle/deb/Switchboard_<version>_amd64.deb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

deb_only=false
case "${1:-}" in
  "") ;;
  --deb-only) deb_only=true ;;
  *) echo "usage: scripts/package.sh [--deb-only]" >&2; exit 2 ;;
esac

step() { printf '\n==> %s\n' "$*"; }

# The Tauri CLI (installed on first use, pinned to the tauri crate's version).
tauri="$root/scripts/tauri-cli.sh"

# Compile once (tauri.conf.json's beforeBuildCommand builds the UI first), then
# bundle each format from that one binary.
step "release build"
"$tauri" build --ci --no-bundle

step ".deb"
"$tauri" bundle --ci --bundles deb
deb="$(ls -t "$root"/target/release/bundle/deb/*.deb | head -n 1)"
scripts/check-deb.sh "$deb"

appimage=""
appimage_problem=""
if ! $deb_only; then
  step "AppImage"
  # The AppImage bundler downloads linuxdeploy and its plugins from GitHub on first
  # use (kept in ~/.cache/tauri). Without that, say so instead of failing the .deb.
  if [ -z "$(ls "${XDG_CACHE_HOME:-$HOME/.cache}/tauri/linuxdeploy-"* 2>/dev/null)" ] &&
    ! curl -fsI --max-time 10 https://github.com >/dev/null 2>&1; then
    appimage_problem="github.com cannot be reached from this machine, and the AppImage tools (linuxdeploy) are downloaded from it on first use"
  elif ! "$tauri" bundle --ci --bundles appimage; then
    appimage_problem="the AppImage bundler failed (see its output above)"
  else
    appimage="$(ls -t "$root"/target/release/bundle/appimage/*.AppImage | head -n 1)"
  fi
fi

step "packages"
echo "deb:      $deb"
if $deb_only; then
  echo "AppImage: not asked for (--deb-only)"
elif [ -n "$appimage" ]; then
  echo "AppImage: $appimage"
else
  echo "AppImage: NOT BUILT: $appimage_problem." >&2
  echo "          Run scripts/package.sh on a machine that can reach github.com to build it." >&2
  exit 3
fi
