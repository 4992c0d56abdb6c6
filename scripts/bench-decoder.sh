#!/usr/bin/env bash
# Stream decoder throughput: the Rust decoder beside the AI SDK's own JavaScript parsers
# (ai@4 processDataStream, ai@5 parseJsonEventStream + uiMessageChunkSchema) on the same 1 MB
# v4 and v5 bodies, in the same run. Prints: format, bytes, Rust MB/s, JS MB/s, ratio.
#
#   scripts/bench-decoder.sh            # ITERATIONS=21 by default (median of timed runs)
#
# The npm packages (pinned in crates/core/fixtures/generate/package-lock.json) are installed from
# the npm registry only if missing. The Rust side is built with opt-level 3: the workspace's
# release profile is size-optimised for the wasm bundle, which is not what a throughput figure
# should measure (the script also accepts OPT_LEVEL=z to see that build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$ROOT/crates/core/fixtures/generate"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target-core}"
ITERATIONS="${ITERATIONS:-21}"
OPT_LEVEL="${OPT_LEVEL:-3}"
OUT="$CARGO_TARGET_DIR/decoder-bench"

if [ ! -d "$GEN/node_modules/ai4" ] || [ ! -d "$GEN/node_modules/ai5" ] \
  || [ ! -d "$GEN/node_modules/@ai-sdk/provider-utils" ]; then
  echo "installing the AI SDK packages for the JS side (npm ci)..." >&2
  (cd "$GEN" && npm ci --no-audit --no-fund --legacy-peer-deps >&2)
fi

mkdir -p "$OUT"
rm -f "$OUT/bench_v4.bin" "$OUT/bench_v5.bin"   # the Rust side writes both bodies afresh

echo "building and running the Rust side (opt-level $OPT_LEVEL)..." >&2
CARGO_PROFILE_RELEASE_OPT_LEVEL="$OPT_LEVEL" \
  cargo run --release --quiet -p helper-widget-core --example decode_bench -- "$OUT" "$ITERATIONS" \
  > "$OUT/rust.jsonl"
echo "running the JS side (node $(node --version))..." >&2
node "$ROOT/crates/core/examples/decode_bench.mjs" "$OUT" "$ITERATIONS" "$GEN/node_modules" > "$OUT/js.jsonl"

node - "$OUT/rust.jsonl" "$OUT/js.jsonl" <<'JS'
const fs = require('fs');
const read = f => fs.readFileSync(f, 'utf8').trim().split('\n').map(l => JSON.parse(l));
const [rust, js] = process.argv.slice(2).map(read);
const pad = (s, n) => String(s).padStart(n);
console.log(['format', 'bytes', 'Rust MB/s', 'JS MB/s', 'ratio'].map((h, i) => i ? pad(h, 11) : h.padEnd(8)).join(''));
for (const r of rust) {
  const j = js.find(x => x.format === r.format);
  if (!j || j.bytes !== r.bytes) throw new Error(`JS side missing or read other bytes for ${r.format}`);
  // v5: the decoder reports a `finish` that carries metadata as two events, so allow one more.
  if (j.events !== r.events && Math.abs(j.events - r.events) > 1) {
    throw new Error(`event counts differ for ${r.format}: rust ${r.events}, js ${j.events}`);
  }
  const ratio = (r.mbps / j.mbps).toFixed(1) + 'x';
  console.log([r.format.padEnd(8), pad(r.bytes, 11), pad(r.mbps.toFixed(1), 11), pad(j.mbps.toFixed(1), 11), pad(ratio, 11)].join(''));
}
JS
