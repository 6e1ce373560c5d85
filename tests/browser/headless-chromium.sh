#!/bin/sh
# The "system browser" of end-to-end runs (the app runs $BROWSER with the URL):
# headless Chromium loads the sign-in page, follows its redirects to the app's
# loopback callback, and exits by itself.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run \
  --user-data-dir="$profile" --dump-dom "$1" >/dev/null 2>&1
