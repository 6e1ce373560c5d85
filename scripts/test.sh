#!/usr/bin/env bash
# Every test Switchboard has, from a fresh Debian 12 machine: installs what is
# missing, then lints, unit/integration tests, UI tests and the end-to-end tests
# of the real app window under Xvfb.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*"; }
# What the build has taken and what is left: CI machines have small disks.
disk() { printf 'disk: target %s, %s free\n' "$(du -sh target 2>/dev/null | cut -f1)" "$(df -h --output=avail . | tail -n 1 | tr -d ' ')"; }
started=$SECONDS

# One clean build per run: incremental compilation's caches would add gigabytes
# of disk and only speed up rebuilds, which a test run does not do.
export CARGO_INCREMENTAL=0

step "setup"
scripts/setup.sh

# The app embeds ui/dist at compile time, so the UI is built before any cargo step.
step "ui: build"
(cd ui && npm run --silent build)

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
disk

step "ui: typecheck, lint, unit tests"
(cd ui && npm run --silent typecheck && npm run --silent lint && npm test --silent)

# What jsdom cannot check (colour contrast above all): axe-core in headless Chromium
# on the main screens of the fake-backend UI, light and dark (about a minute).
step "ui: axe-core in Chromium, light and dark themes"
(cd ui && npx vite build --mode fake --outDir dist-fake --logLevel warn)
(cd ui && exec node_modules/.bin/vite preview --outDir dist-fake --port 4173 --strictPort >/dev/null 2>&1) &
preview=$!
for _ in $(seq 1 50); do curl -fs -o /dev/null http://localhost:4173/ && break; sleep 0.2; done
status=0
node --experimental-websocket scripts/a11y-browser.mjs http://localhost:4173/ || status=$?
kill "$preview" 2>/dev/null || true
wait "$preview" 2>/dev/null || true
[ "$status" -eq 0 ]

# Tests use the real OS keyring: a private session bus with a throwaway
# gnome-keyring, so nothing touches the person's own keyring and nothing
# the web view starts outlives the run. Everything is compiled first, outside
# that session, so its keyring daemon starts just before the tests that use it
# (in long CI builds the daemon was seen gone by the time the tests ran).
step "cargo test: build"
cargo test --workspace --locked --no-run
disk
step "cargo test"
scripts/with-keyring.sh cargo test --workspace --locked

# The same invocation as above (so nothing is rebuilt), now running only the
# end-to-end tests, which are #[ignore]d in a plain `cargo test`. The app
# binary they drive was built by the step above for src-tauri's own tests.
step "end-to-end: the real app under Xvfb over WebDriver"
scripts/with-keyring.sh cargo test --workspace --locked -- --ignored --test-threads=1

# The .deb of the debug binary the steps above built (bundling only, a few
# seconds: `tauri bundle` packs the existing binary, nothing is compiled), then
# its contents and a start of the packaged app (scripts/check-deb.sh).
step "package: .deb contents and a start of the packaged app"
scripts/tauri-cli.sh bundle --ci --debug --bundles deb
scripts/check-deb.sh "$(ls -t target/debug/bundle/deb/*.deb | head -n 1)"
disk

step "all tests passed in $((SECONDS - started)) s"
