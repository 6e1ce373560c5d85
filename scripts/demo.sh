#!/usr/bin/env bash
# Runs Switchboard in demo mode: the built-in sandbox with seeded sample data, no account.
# The demo signs in through the sandbox's own consent page in your browser and keeps
# its tokens in the OS keyring, like the real thing. Without a desktop keyring
# (Secret Service) on the session bus, it runs with a throwaway one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh
(cd ui && npm run --silent build)
cargo build -p switchboard --locked

app=("$root/target/debug/switchboard" --demo "$@")
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] &&
  dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
    org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1; then
  exec "${app[@]}"
fi
echo "demo: no Secret Service on the session bus; using a throwaway keyring for this run"
exec scripts/with-keyring.sh "${app[@]}"
