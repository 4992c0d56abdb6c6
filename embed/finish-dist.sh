#!/bin/sh
# Last post_build step of a release build, run by embed/gen-sdk.sh once sdk.js is written (Trunk
# starts all hooks of a stage at once, so a hook of its own could run before sdk.js exists):
#   1. renames the wasm's imports from the glue (and the exports only the glue calls) to short
#      names in both files, and drops the wasm's custom sections (embed/short-imports.mjs):
#      wasm-bindgen's hashed names barely compress.
#   2. minifies the wasm-bindgen glue in place with esbuild (Trunk 0.21's --minify leaves it as
#      is; gen-sdk.sh has minified sdk.js already).
#   3. writes .gz and .br beside every file (embed/compress.mjs) for hosts that serve
#      precompressed files.
# The hashed files keep their names: what is written depends only on the hashed input.
# Debug builds (`trunk serve`) are left readable and uncompressed.
set -eu
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
cd "$TRUNK_STAGING_DIR"
glue=$(ls | grep -E '^helper[-_]widget(-[0-9a-f]+)?\.js$' | head -n 1)
wasm=$(ls | grep -E '^helper[-_]widget(-[0-9a-f]+)?_bg\.wasm$' | head -n 1)
if [ -z "$glue" ] || [ -z "$wasm" ]; then
  echo "finish-dist.sh: no wasm-bindgen output in $TRUNK_STAGING_DIR" >&2
  exit 1
fi
node "$TRUNK_SOURCE_DIR/embed/short-imports.mjs" "$glue" "$wasm"
# scripts/setup.sh installs the pinned esbuild there; scripts/env.sh also puts it on PATH.
esbuild="${TOOLS_DIR:-$TRUNK_SOURCE_DIR/.tools}/node_modules/.bin/esbuild"
[ -x "$esbuild" ] || esbuild=esbuild
# ESM in, ESM out: sdk.js import()s it and calls its default export and the hw* exports, whose
# names minification keeps. No --target: the glue's syntax is left as wasm-bindgen wrote it.
"$esbuild" "$glue" --minify --format=esm --legal-comments=none --log-level=warning \
  --allow-overwrite --outfile="$glue"
node "$TRUNK_SOURCE_DIR/embed/compress.mjs" .
