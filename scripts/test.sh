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

step "cargo test"
cargo test --workspace --locked

step "end-to-end: the real app under Xvfb over WebDriver"
cargo build -p switchboard --locked
# A private session bus, so nothing the web view starts outlives the run.
dbus-run-session -- cargo test -p switchboard-e2e --locked -- --ignored --test-threads=1

step "all tests passed in $((SECONDS - started)) s"
