#!/usr/bin/env bash
# Every test Switchboard has, from a fresh Debian 12 machine: installs what is
# missing, then lints, unit/integration tests, UI tests and the end-to-end tests
# of the real app window under Xvfb.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

step "setup"
scripts/setup.sh

# The app embeds ui/dist at compile time, so the UI is built before any cargo step.
step "ui: build"
(cd ui && npm run --silent build)

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "ui: typecheck, lint, unit tests"
(cd ui && npm run --silent typecheck && npm run --silent lint && npm test --silent)

# Tests use the real OS keyring: a private session bus with a throwaway
# gnome-keyring, so nothing touches the person's own keyring and nothing
# the web view starts outlives the run.
step "cargo test"
scripts/with-keyring.sh cargo test --workspace --locked

# The same invocation as above (so nothing is rebuilt), now running only the
# end-to-end tests, which are #[ignore]d in a plain `cargo test`. The app
# binary they drive was built by the step above for src-tauri's own tests.
step "end-to-end: the real app under Xvfb over WebDriver"
scripts/with-keyring.sh cargo test --workspace --locked -- --ignored --test-threads=1

step "all tests passed in $((SECONDS - started)) s"
