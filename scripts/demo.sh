#!/usr/bin/env bash
# Runs Switchboard in demo mode: the built-in sandbox with seeded sample data, no account.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh
(cd ui && npm run --silent build)
exec cargo run -p switchboard --locked -- --demo "$@"
