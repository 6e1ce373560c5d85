#!/usr/bin/env bash
# Runs the Tauri CLI (the prebuilt npm package, pinned to the `tauri` crate's
# version), installing it on first use into target/tauri-cli. It is kept out of
# ui/package.json: its lock entry would list a prebuilt package for every
# platform, and `npm ci` refuses a lock without all of them when a registry
# mirror carries only some.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=2.12.5
dir="$root/target/tauri-cli"
cli="$dir/node_modules/.bin/tauri"
if ! { [ -x "$cli" ] && "$cli" --version 2>/dev/null | grep -qx "tauri-cli $version"; }; then
  echo "tauri-cli: installing @tauri-apps/cli@$version into target/tauri-cli" >&2
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund \
    "@tauri-apps/cli@$version" >&2
fi
exec "$cli" "$@"
