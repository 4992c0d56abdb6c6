#!/usr/bin/env bash
# The benchmark of issue 6: this widget beside a baseline built from Helper's stack (React 19,
# @ai-sdk/react 1.2 useChat, react-markdown + rehype-raw + rehype-sanitize), in one run on one
# machine, in headless Chromium. Prints a table (widget | baseline | ratio | goal | met?), writes
# bench/results.json and bench/chart.svg. Not part of scripts/test.sh: timings are not pass/fail.
#
#   scripts/bench.sh                 # RUNS=5, STREAM_RUNS=3 (medians); about 7 minutes on 2 cores when warm
#   RUNS=3 BENCH_ONLY=streaming scripts/bench.sh     # some groups only (see bench/run.mjs)
#   BENCH_ONLY=pageView,firstOpen scripts/bench.sh   # what loading costs: page view, throttled first open
#   BENCH_SKIP_BUILD=1 scripts/bench.sh              # measure dist/ as it is
#
# Installs what is missing first (idempotent): the pinned Rust/wasm tools (scripts/setup.sh),
# the npm packages of bench/ and bench/baseline/ (npm ci, only when node_modules is absent).
# Method and caveats: README.md § Performance.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '[bench] %s\n' "$*" >&2; }

bash scripts/setup.sh --build >&2
source scripts/env.sh
[ -x /usr/bin/chromium ] || { echo "bench: needs Debian's chromium at /usr/bin/chromium (scripts/setup.sh installs it)" >&2; exit 1; }

for dir in bench bench/baseline; do
  if [ ! -d "$dir/node_modules" ]; then
    step "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund >&2)
  fi
done

# The bench's own cargo builds go to their own target dir, so they never wait on or invalidate
# the one `trunk build` uses.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target-bench}"
step "building helper-dev-server (release)"
cargo build --release --quiet -p helper-dev-server
export HELPER_DEV_SERVER="$CARGO_TARGET_DIR/release/helper-dev-server"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  step "trunk build --release (dist/)"
  # Trunk uses its own target dir (target/), as scripts/test.sh does.
  CARGO_TARGET_DIR="$ROOT/target" trunk build --release >&2
fi
[ -f dist/sdk.js ] || { echo "bench: dist/sdk.js is missing; run trunk build --release" >&2; exit 1; }

step "building the baseline bundle (esbuild)"
(cd bench/baseline && npm run --silent build >&2)

exec node bench/run.mjs
