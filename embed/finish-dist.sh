#!/bin/sh
# Last post_build step of a release build, run by embed/gen-sdk.sh once sdk.js is written (Trunk
# starts all hooks of a stage at once, so a hook of its own could run before sdk.js exists):
#   1. minifies the wasm-bindgen glue in place with esbuild (Trunk 0.21's --minify leaves it as
#      is; gen-sdk.sh has minified sdk.js already). The glue keeps its hashed name: the output
#      depends only on the hashed input.
#   2. writes .gz and .br beside every file (embed/compress.mjs) for hosts that serve
#      precompressed files.
# Debug builds (`trunk serve`) are left readable and uncompressed.
set -eu
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
cd "$TRUNK_STAGING_DIR"
glue=$(ls | grep -E '^helper[-_]widget(-[0-9a-f]+)?\.js$' | head -n 1)
if [ -z "$glue" ]; then
  echo "finish-dist.sh: no wasm-bindgen glue in $TRUNK_STAGING_DIR" >&2
  exit 1
fi
# scripts/setup.sh installs the pinned esbuild there; scripts/env.sh also puts it on PATH.
esbuild="${TOOLS_DIR:-$TRUNK_SOURCE_DIR/.tools}/node_modules/.bin/esbuild"
[ -x "$esbuild" ] || esbuild=esbuild
# ESM in, ESM out: sdk.js import()s it and calls its default export and the hw* exports, whose
# names minification keeps. No --target: the glue's syntax is left as wasm-bindgen wrote it.
"$esbuild" "$glue" --minify --format=esm --legal-comments=none --log-level=warning \
  --allow-overwrite --outfile="$glue"
node "$TRUNK_SOURCE_DIR/embed/compress.mjs" .
