#!/usr/bin/env bash
# Runs every test layer, after installing whatever is missing (scripts/setup.sh):
#   1. native `cargo test`: the browser-free core (config, stream decoder) and the local server
#   2. component tests: wasm-bindgen-test in headless Chromium
#   3. `trunk build --release` and the dist/ size budget
#   4. end-to-end: dist/ served on one loopback origin, a host page on another, the local
#      Helper-compatible API on a third, real Chromium driven through WebDriver
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

section() { printf '\n=== %s ===\n' "$*"; }

section "formatting"
cargo fmt --all -- --check

section "1/4 native tests: core + local server"
cargo test -p helper-widget-core -p helper-dev-server

section "2/4 component tests (wasm-bindgen-test, headless Chromium)"
cargo test -p helper-widget --target wasm32-unknown-unknown

section "3/4 release build"
trunk build --release
ls -l dist

section "4/4 end-to-end tests (WebDriver, Chromium)"
# Each test drives its own browser; two at a time suits a 2-core machine.
cargo test -p helper-widget-e2e -- --test-threads=2
