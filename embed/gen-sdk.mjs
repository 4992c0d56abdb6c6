// Prints dist's sdk.js: embed/sdk.js with the hashed file names and the launcher's stylesheet
// (style/launcher.css, comments and layout whitespace removed: every page view downloads it)
// filled in. Called by gen-sdk.sh: node gen-sdk.mjs <source dir> <glue file> <wasm file>.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [source, glue, wasm] = process.argv.slice(2);
if (!source || !glue || !wasm) {
  console.error("usage: node gen-sdk.mjs <source dir> <glue file> <wasm file>");
  process.exit(2);
}

// Comments and layout whitespace out; string literals kept exactly as written.
function minifyCss(css) {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/)
    .map((part, i) =>
      i % 2
        ? part
        : part.replace(/\s+/g, " ").replace(/\s*([{};,>])\s*/g, "$1").replace(/: /g, ":").replace(/;}/g, "}")
    )
    .join("")
    .trim();
}

const css = minifyCss(readFileSync(join(source, "style/launcher.css"), "utf8"));
const sdk = readFileSync(join(source, "embed/sdk.js"), "utf8");
const out = sdk
  .replaceAll("__GLUE__", glue)
  .replaceAll("__WASM__", wasm)
  .replace('"__LAUNCHER_CSS__"', () => JSON.stringify(css));
for (const marker of ["__GLUE__", "__WASM__", "__LAUNCHER_CSS__"]) {
  if (out.includes(marker)) throw new Error(`sdk.js still holds ${marker}`);
}
process.stdout.write(out);
