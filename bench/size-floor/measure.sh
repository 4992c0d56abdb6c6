#!/usr/bin/env bash
# The size floor of the widget's stack, beside the widget: builds bench/size-floor twice (Leptos
# alone; Leptos + the widget's markdown renderer) with the widget's release profile, runs the
# same wasm-bindgen and wasm-opt -Oz as Trunk, and prints raw and gzip -9 bytes of what a page
# would load (.wasm + JS glue), then the widget's own dist/ files if built.
#
#   bench/size-floor/measure.sh      # about 2 minutes the first time (own target dir)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
"$ROOT/scripts/setup.sh" >/dev/null
# shellcheck source=../../scripts/env.sh
source "$ROOT/scripts/env.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target-floor}"
OUT="$CARGO_TARGET_DIR/floor"
mkdir -p "$OUT"
WASM_OPT="$TOOLS_DIR/node_modules/.bin/wasm-opt"

gz() { gzip -9c "$1" | wc -c; }
row() { printf '%-44s %9s %9s\n' "$1" "$2" "$3"; }

measure() { # name, cargo feature args...
  local name="$1"; shift
  (cd "$HERE" && cargo build -q --release --target wasm32-unknown-unknown "$@")
  rm -rf "${OUT:?}/$name" && mkdir -p "$OUT/$name"
  wasm-bindgen --target web --out-dir "$OUT/$name" \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/size_floor.wasm"
  "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals "$OUT/$name/size_floor_bg.wasm" -o "$OUT/$name/opt.wasm"
  local w j
  w="$OUT/$name/opt.wasm"; j="$OUT/$name/size_floor.js"
  row "$name" "$(( $(wc -c <"$w") + $(wc -c <"$j") ))" "$(( $(gz "$w") + $(gz "$j") ))"
}

row "bytes a page loads (wasm + glue)" "raw" "gzip -9"
measure "floor: Leptos 0.8 CSR alone"
measure "floor: Leptos + pulldown-cmark" --features pulldown
measure "floor: Leptos + the widget's markdown" --features markdown
if compgen -G "$ROOT/dist/*.wasm" >/dev/null; then
  total_raw=0; total_gz=0
  for f in "$ROOT"/dist/*.wasm "$ROOT"/dist/helper-widget-*.js "$ROOT"/dist/sdk.js; do
    total_raw=$(( total_raw + $(wc -c <"$f") )); total_gz=$(( total_gz + $(gz "$f") ))
  done
  row "widget: dist/ (wasm + glue + sdk.js)" "$total_raw" "$total_gz"
fi
row "issue 6 budget" "" "81920"
