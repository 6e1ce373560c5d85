#!/bin/sh
# A "system browser" for the login tests: headless Chromium loads the URL
# (following the authorize redirect to the loopback callback) and exits.
# Used through BROWSER; see PLATFORM-NOTES ("A real browser for the loopback
# login"). With SWITCHBOARD_TEST_DOM_OUT set, the final page's DOM is
# written there so the test can check what the user would have seen.
set -u
url="$1"
chromium="${CHROMIUM:-/usr/bin/chromium}"
profile="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-chromium.XXXXXX")"
run() {
    "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run \
        --user-data-dir="$profile" --dump-dom "$url" 2>/dev/null
}
if [ -n "${SWITCHBOARD_TEST_DOM_OUT:-}" ]; then
    # Written whole at the end, so a reader never sees half a page.
    run >"$SWITCHBOARD_TEST_DOM_OUT.partial"
    status=$?
    mv "$SWITCHBOARD_TEST_DOM_OUT.partial" "$SWITCHBOARD_TEST_DOM_OUT"
else
    run >/dev/null
    status=$?
fi
rm -rf "$profile"
exit $status
