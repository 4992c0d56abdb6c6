#!/bin/sh
# Trunk post_build hook: writes dist's stable-named sdk.js from embed/sdk.js, with the content-
# hashed names of this build's wasm-bindgen glue, .wasm, notify and screenshot chunks, the
# languages and the launcher's stylesheet filled in; the two chunks themselves:
# notify-<hash>.js (embed/notify.js with style/notify.css) and screenshot-<hash>.js
# (embed/screenshot.js with modern-screenshot bundled in); and the catalogues, as
# locales-<hash>/<lang>.json. Trunk cannot name its own output sdk.js, and the hashed names are
# what let CDNs cache those files forever.
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
fill() { node "$TRUNK_SOURCE_DIR/embed/gen-sdk.mjs" "$@"; }
# Both ship minified (ES2017, which every browser with WebAssembly streaming runs); embed/ holds
# the readable sources.
# The catalogues of locales/ (English is built into the chat code; the English texts the
# loader and the notify chunk show themselves go into them).
locales=$(node "$TRUNK_SOURCE_DIR/embed/locales.mjs" "$TRUNK_SOURCE_DIR/locales" loader-en.json notify-en.json)
locale_dir=${locales##* }
"$esbuild" "$TRUNK_SOURCE_DIR/style/notify.css" --minify --log-level=warning > notify.min.css
fill "$TRUNK_SOURCE_DIR/embed/notify.js" __NOTIFY_CSS__@notify.min.css __EN_TEXTS__@notify-en.json > notify.full.js
"$esbuild" notify.full.js --minify --format=esm --target=es2017 --log-level=warning > notify.min.js
# A chunk's name carries the hash of what it holds, as Trunk's names do; 8 hex digits tell
# versions apart well enough, and sdk.js, which names it, is paid for on every page view.
hashed() {
  name="$1-$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1])).digest("hex").slice(0, 8))' "$2").js"
  mv "$2" "$name"
  echo "$name"
}
notify=$(hashed notify notify.min.js)
# modern-screenshot comes from the tools directory (scripts/setup.sh installs the pinned version
# there), not from a node_modules of the project: the repository has no package.json.
NODE_PATH="${TOOLS_DIR:-$TRUNK_SOURCE_DIR/.tools}/node_modules" "$esbuild" \
  "$TRUNK_SOURCE_DIR/embed/screenshot.js" --bundle --minify --format=esm --target=es2017 \
  --log-level=warning > screenshot.min.js
screenshot=$(hashed screenshot screenshot.min.js)
"$esbuild" "$TRUNK_SOURCE_DIR/style/launcher.css" --minify --log-level=warning > launcher.min.css
fill "$TRUNK_SOURCE_DIR/embed/sdk.js" __GLUE__="$glue" __WASM__="$wasm" __NOTIFY__="$notify" \
  __LOCALES__="${locales% *}" __LOCALE_DIR__="$locale_dir" __EN_TEXTS__@loader-en.json \
  __SCREENSHOT__="$screenshot" __LAUNCHER_CSS__@launcher.min.css > sdk.full.js
"$esbuild" sdk.full.js --minify --target=es2017 --log-level=warning > sdk.js
rm sdk.full.js launcher.min.css notify.full.js notify.min.css loader-en.json notify-en.json
# Release builds: the glue minified, .gz and .br beside every file.
sh "$TRUNK_SOURCE_DIR/embed/finish-dist.sh"
