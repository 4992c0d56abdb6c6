#!/bin/sh
# Trunk post_build hook: writes dist's stable-named sdk.js from embed/sdk.js, with the content-
# hashed names of this build's wasm-bindgen glue and .wasm filled in. Trunk cannot name its own
# output sdk.js, and the hashed names are what let CDNs cache those files forever.
set -eu
cd "$TRUNK_STAGING_DIR"
glue=$(ls | grep -E '^helper[-_]widget(-[0-9a-f]+)?\.js$' | head -n 1)
wasm=$(ls | grep -E '^helper[-_]widget(-[0-9a-f]+)?_bg\.wasm$' | head -n 1)
if [ -z "$glue" ] || [ -z "$wasm" ]; then
  echo "gen-sdk.sh: no wasm-bindgen output in $TRUNK_STAGING_DIR" >&2
  ls >&2
  exit 1
fi
sed -e "s/__GLUE__/$glue/g" -e "s/__WASM__/$wasm/g" "$TRUNK_SOURCE_DIR/embed/sdk.js" > sdk.js
sh "$TRUNK_SOURCE_DIR/embed/finish-dist.sh"
