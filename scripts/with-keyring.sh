#!/bin/sh
# Runs a command against a private, unlocked Secret Service (gnome-keyring) on
# a private D-Bus session bus, so keyring tests use the real OS keyring without
# touching the user's own. Usage: scripts/with-keyring.sh cargo test -p auth
#
# HOME and XDG_RUNTIME_DIR point at fresh temporary directories (mode 700)
# for the keyring daemon; CARGO_HOME and RUSTUP_HOME are pinned first so cargo
# and rustup still find their toolchains and caches. Everything ends with the
# bus: the daemon exits and the directories are removed.
set -eu

if [ "$#" -eq 0 ]; then
    echo "usage: $0 <command> [arguments...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool is not installed (apt-get install dbus gnome-keyring)" >&2
        exit 127
    fi
done

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/with-keyring.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -m 700 "$tmp/home" "$tmp/runtime"
export WITH_KEYRING_HOME="$tmp/home" WITH_KEYRING_RUNTIME="$tmp/runtime"

# Not exec'd, so the trap cleans up after the bus has ended.
dbus-run-session -- sh -c '
    set -eu
    export HOME="$WITH_KEYRING_HOME" XDG_RUNTIME_DIR="$WITH_KEYRING_RUNTIME"
    unset WITH_KEYRING_HOME WITH_KEYRING_RUNTIME
    # Creates and unlocks the default "login" collection with password "pw".
    eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"
    "$@"
' with-keyring "$@"
