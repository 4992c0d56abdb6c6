// Writes NAME.gz (gzip -9) and NAME.br (brotli quality 11) beside every text or wasm file of a
// built dist/, for hosts that serve precompressed files (nginx gzip_static / brotli_static,
// Caddy's precompressed, most CDNs' origin compression): they then send the smallest encoding
// without compressing on every request, and at the highest levels, which are too slow to use
// on the fly. Called by embed/finish-dist.sh; nothing to install.
//
// .gz comes from GNU gzip when it is on PATH (it is on every Debian): Node's bundled zlib
// makes the wasm 2 % bigger at the same level (255,655 vs 250,655 B measured). Brotli comes
// from Node's zlib (Debian has no brotli binary by default).
//
//   node embed/compress.mjs DIR
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = /\.(js|mjs|wasm|css|html|svg|json|txt)$/;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile() && COMPRESSIBLE.test(entry.name)) yield path;
  }
}

function gnuGzip(path) {
  try {
    // -n: no name or time stamp in the header, so the output depends only on the input.
    return execFileSync("gzip", ["-9", "-n", "-c", path], { maxBuffer: 1 << 30 });
  } catch (e) {
    if (e.code !== "ENOENT") throw e;
    return null;
  }
}

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node embed/compress.mjs DIR");
  process.exit(2);
}
for (const path of [...files(dir)]) {
  const bytes = readFileSync(path);
  // Node's gzip header has no name and a zero time stamp, so this is deterministic too.
  writeFileSync(`${path}.gz`, gnuGzip(path) ?? gzipSync(bytes, { level: 9 }));
  writeFileSync(
    `${path}.br`,
    brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: path.endsWith(".wasm")
          ? constants.BROTLI_MODE_GENERIC
          : constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  );
}
