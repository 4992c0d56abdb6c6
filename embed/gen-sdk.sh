#!/bin/sh
# Trunk post_build hook: writes dist's stable-named sdk.js from embed/sdk.js, with the content-
# hashed names of this build's wasm-bindgen glue and .wasm and the launcher's stylesheet filled
# in. Trunk cannot name its own output sdk.js, and the hashed names are what let CDNs cache those
# files forever.
set -eu
cd "$TRUNK_STAGING_DIR"
glue=$(ls | grep -E '^helper[-_]widget(-[0-9a-f]+)?\.js$' | head -n 1)
wasm=$(ls | grep -E '^helper[-_]widget(-[0-9a-f]+)?_bg\.wasm$' | head -n 1)
if [ -z "$glue" ] || [ -z "$wasm" ]; then
  echo "gen-sdk.sh: no wasm-bindgen output in $TRUNK_STAGING_DIR" >&2
  ls >&2
  exit 1
fi
# scripts/setup.sh installs the pinned esbuild there; scripts/env.sh also puts it on PATH.
esbuild="${TOOLS_DIR:-$TRUNK_SOURCE_DIR/.tools}/node_modules/.bin/esbuild"
[ -x "$esbuild" ] || esbuild=esbuild
if ! command -v "$esbuild" >/dev/null 2>&1; then
  echo "gen-sdk.sh: esbuild is missing: run scripts/setup.sh --build" >&2
  exit 1
fi
"$esbuild" "$TRUNK_SOURCE_DIR/style/launcher.css" --minify --log-level=warning > launcher.min.css
node "$TRUNK_SOURCE_DIR/embed/gen-sdk.mjs" "$TRUNK_SOURCE_DIR" "$glue" "$wasm" launcher.min.css > sdk.full.js
# Every page view downloads sdk.js, so it ships minified (ES2017, which every browser with
# WebAssembly streaming runs); embed/sdk.js is the readable source.
"$esbuild" sdk.full.js --minify --target=es2017 --log-level=warning > sdk.js
rm sdk.full.js launcher.min.css
# Release builds: the glue minified, .gz and .br beside every file.
sh "$TRUNK_SOURCE_DIR/embed/finish-dist.sh"
