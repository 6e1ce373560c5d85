#!/usr/bin/env bash
# Checks a Switchboard .deb: its control fields (name, version, dependencies), that
# it holds the binary, the desktop entry and the icons, and that the packaged app
# starts: unpacked into a temporary directory (nothing installed), `--version`
# answers, and the demo runs for a few seconds under Xvfb and paints a window.
#
#   scripts/check-deb.sh target/debug/bundle/deb/Switchboard_0.1.0_amd64.deb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deb="${1:?usage: scripts/check-deb.sh <package.deb>}"
[ -f "$deb" ] || { echo "check-deb: no such file: $deb" >&2; exit 2; }

fail() { echo "check-deb: $*" >&2; exit 1; }
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)"

# Control fields.
[ "$(dpkg-deb -f "$deb" Package)" = "switchboard" ] || fail "package name is not switchboard: $(dpkg-deb -f "$deb" Package)"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "version $(dpkg-deb -f "$deb" Version), expected $version"
depends="$(dpkg-deb -f "$deb" Depends)"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0; do
  grep -q "$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
done

# Contents.
# Paths as listed, without the leading "./" some dpkg-deb versions print.
contents="$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./||')"
expect() { grep -qx "$1" <<<"$contents" || fail "missing $1 in $deb"; }
expect usr/bin/switchboard
expect usr/share/applications/Switchboard.desktop
for size in 32x32 128x128 512x512; do
  expect "usr/share/icons/hicolor/$size/apps/switchboard.png"
done

work="$(mktemp -d)"
display_pid=""
cleanup() {
  [ -z "$display_pid" ] || kill "$display_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
dpkg-deb -x "$deb" "$work/root"
app="$work/root/usr/bin/switchboard"

# The desktop entry starts the installed binary with its icon.
entry="$work/root/usr/share/applications/Switchboard.desktop"
grep -qx "Exec=switchboard" "$entry" || fail "desktop entry Exec is not switchboard: $(grep ^Exec "$entry")"
grep -qx "Icon=switchboard" "$entry" || fail "desktop entry Icon is not switchboard"
grep -q "^Categories=.*Office" "$entry" || fail "desktop entry has no Office category: $(grep ^Categories "$entry")"

# The packaged binary answers without a display.
answer="$("$app" --version)"
[ "$answer" = "switchboard $version" ] || fail "--version printed '$answer'"

# …and, in demo mode, starts its window and keeps running (a crash ends it early).
if command -v Xvfb >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  display=":$((90 + RANDOM % 400))"
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  display_pid=$!
  sleep 1
  set +e
  # The demo keeps its sign-in in the OS keyring: a private, throwaway one.
  DISPLAY="$display" SWITCHBOARD_HOME="$work/home" \
    "$root/scripts/with-keyring.sh" timeout 12 "$app" --demo >"$work/app.log" 2>&1 &
  run_pid=$!
  sleep 10
  shot_ok=1
  if command -v import >/dev/null; then
    DISPLAY="$display" import -window root "$work/shot.png" 2>/dev/null
    # A window was painted: the screen is not one flat colour.
    spread="$(convert "$work/shot.png" -format '%[fx:standard_deviation]' info: 2>/dev/null)"
    awk -v s="${spread:-0}" 'BEGIN { exit !(s > 0.01) }' || shot_ok=0
  fi
  wait "$run_pid"
  status=$?
  set -e
  # 124: still running when `timeout` stopped it, i.e. it did not crash.
  [ "$status" -eq 124 ] || { cat "$work/app.log" >&2; fail "the demo exited with $status within 12 s"; }
  [ "$shot_ok" -eq 1 ] || { cat "$work/app.log" >&2; fail "the demo window painted nothing"; }
  if [ -f "$work/shot.png" ]; then
    mkdir -p "$root/tests/artifacts"
    cp "$work/shot.png" "$root/tests/artifacts/deb-demo.png"
  fi
  echo "check-deb: the packaged demo ran 12 s under Xvfb and painted its window (tests/artifacts/deb-demo.png)"
else
  echo "check-deb: no Xvfb or gnome-keyring here: the window start was not checked"
fi

echo "check-deb: $deb is good (switchboard $version: binary, desktop entry, icons, starts)"
