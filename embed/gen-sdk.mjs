// Prints dist's sdk.js: embed/sdk.js with the hashed file names and the launcher's stylesheet
// (style/launcher.css, minified by gen-sdk.sh with esbuild) filled in as a string. Called by
// gen-sdk.sh: node gen-sdk.mjs <source dir> <glue file> <wasm file> <minified launcher css>.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [source, glue, wasm, launcherCss] = process.argv.slice(2);
if (!source || !glue || !wasm || !launcherCss) {
  console.error("usage: node gen-sdk.mjs <source dir> <glue file> <wasm file> <launcher css>");
  process.exit(2);
}

const css = readFileSync(launcherCss, "utf8").trim();
const sdk = readFileSync(join(source, "embed/sdk.js"), "utf8");
const out = sdk
  .replaceAll("__GLUE__", glue)
  .replaceAll("__WASM__", wasm)
  .replace('"__LAUNCHER_CSS__"', () => JSON.stringify(css));
for (const marker of ["__GLUE__", "__WASM__", "__LAUNCHER_CSS__"]) {
  if (out.includes(marker)) throw new Error(`sdk.js still holds ${marker}`);
}
process.stdout.write(out);
