// Prints a loader file of dist/ (sdk.js, notify.js) from its readable source in embed/, with
// build-time values filled in. Called by gen-sdk.sh:
//
//   node gen-sdk.mjs <source file> MARKER=value... MARKER@file...
//
// MARKER=value replaces every MARKER (a hashed file name, inside a string literal already);
// MARKER@file replaces the string literal "MARKER" with the file's text as a JS string (a
// stylesheet minified by esbuild). Every marker given must be used, and no __MARKER__ may be
// left over, so a renamed marker fails the build instead of shipping a broken loader.
import { readFileSync } from "node:fs";

const [source, ...fills] = process.argv.slice(2);
if (!source || !fills.length) {
  console.error("usage: node gen-sdk.mjs <source file> MARKER=value... MARKER@file...");
  process.exit(2);
}

let out = readFileSync(source, "utf8");
for (const fill of fills) {
  const [, marker, kind, value] = fill.match(/^(__[A-Z_]+__)([=@])(.*)$/) || [];
  if (!marker) throw new Error(`not MARKER=value or MARKER@file: ${fill}`);
  const before = out;
  out = kind === "="
    ? out.replaceAll(marker, value)
    : out.replace(`"${marker}"`, () => JSON.stringify(readFileSync(value, "utf8").trim()));
  if (out === before) throw new Error(`${source} holds no ${marker}`);
}
const left = out.match(/__[A-Z_]+__/);
if (left) throw new Error(`${source} still holds ${left[0]}`);
process.stdout.write(out);
