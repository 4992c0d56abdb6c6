#!/usr/bin/env bash
# Installs exactly what is missing to build, serve and test the widget; a re-run with everything
# present takes seconds. Downloads only from the package registries (crates.io, npm, Debian).
#
#   scripts/setup.sh            everything (build + browser tests)
#   scripts/setup.sh --build    only what `trunk build` needs
#
# Callers must put the npm tools first on PATH: `source scripts/env.sh` (done by the other scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

want_browser=1
[ "${1:-}" = "--build" ] && want_browser=0

TRUNK_VERSION=0.21.14   # 0.22.x needs rustc >= 1.96.1; this machine has 1.95
BINARYEN_VERSION=132.0.0 # Debian's binaryen 108 miscompiles; Trunk.toml pins version_132
ESBUILD_VERSION=0.28.2   # minifies sdk.js (embed/gen-sdk.sh) and the glue (embed/finish-dist.sh)
MODERN_SCREENSHOT_VERSION=4.7.0 # bundled into dist/screenshot-<hash>.js (embed/screenshot.js)
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock, or the glue won't match.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

have() { command -v "$1" >/dev/null 2>&1; }
step() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  step "installing trunk $TRUNK_VERSION (about 8 minutes on 2 cores)"
  cargo install trunk --locked --version "$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$WASM_BINDGEN_VERSION" ] ||
   ! have wasm-bindgen-test-runner; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2.5 minutes)"
  # Not --locked: its lockfile pins a webpki-roots release this registry lacks (toolchain.md §2).
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
  step "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  [ -f "$TOOLS_DIR/package.json" ] || echo '{"name":"helper-widget-tools","private":true}' > "$TOOLS_DIR/package.json"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION")
fi

if [ "$("$TOOLS_DIR/node_modules/.bin/esbuild" --version 2>/dev/null)" != "$ESBUILD_VERSION" ]; then
  step "installing esbuild $ESBUILD_VERSION from npm into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  [ -f "$TOOLS_DIR/package.json" ] || echo '{"name":"helper-widget-tools","private":true}' > "$TOOLS_DIR/package.json"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --loglevel=error "esbuild@$ESBUILD_VERSION")
fi

if [ "$(node -p 'require(process.argv[1]).version' "$TOOLS_DIR/node_modules/modern-screenshot/package.json" 2>/dev/null)" != "$MODERN_SCREENSHOT_VERSION" ]; then
  step "installing modern-screenshot $MODERN_SCREENSHOT_VERSION from npm into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  [ -f "$TOOLS_DIR/package.json" ] || echo '{"name":"helper-widget-tools","private":true}' > "$TOOLS_DIR/package.json"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --loglevel=error --save-exact "modern-screenshot@$MODERN_SCREENSHOT_VERSION")
fi

if [ "$want_browser" = 1 ] && { ! have chromium || ! have chromedriver; }; then
  step "installing Debian's chromium and chromium-driver"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver
fi

step "ok: $(trunk --version), wasm-bindgen $(wasm-bindgen --version | cut -d' ' -f2), wasm-opt $(wasm-opt --version | awk '{print $3}'), esbuild $(esbuild --version)$(
  [ "$want_browser" = 1 ] && printf ', %s' "$(chromedriver --version | cut -d' ' -f1-2)")"
