#!/usr/bin/env bash
# Installs everything Switchboard needs on a fresh Debian 12 machine that has only
# Rust, Node 20 and npm. Safe to run again: each step is skipped when already done.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

build_packages=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config)
test_packages=(xvfb xauth webkit2gtk-driver chromium gnome-keyring dbus-x11 libdbus-1-dev
  at-spi2-core keyutils imagemagick)

missing=()
for pkg in "${build_packages[@]}" "${test_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The downloaded .deb files are not needed once installed; CI disks are small.
  "${sudo_cmd[@]}" apt-get clean
fi

# The WebDriver bridge for the end-to-end tests (a crates.io package, built once).
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --version "^2"
fi

# UI dependencies, exactly as locked.
if [ ! -d "$root/ui/node_modules" ] || [ "$root/ui/package-lock.json" -nt "$root/ui/node_modules/.package-lock.json" ]; then
  echo "setup: npm ci"
  (cd "$root/ui" && npm ci --no-audit --no-fund)
fi
