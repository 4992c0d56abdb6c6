// Renames the wasm's imports from the wasm-bindgen glue, and the exports only the glue calls,
// to short names, in the .wasm and in the glue alike. wasm-bindgen names each import like
// `__wbg_addEventListener_847fd86b8c33ec43` and each closure shim it exports like
// `wasm_bindgen__convert__closures_____invoke__h00f272247694202a`; those names (about 7 KB) are
// stored twice, in the wasm's import/export sections and in the glue, and their 16-hex-digit
// hashes barely compress (about 5 KB of gzip in all). Every visitor downloads both files.
// Called by embed/finish-dist.sh before the glue is minified.
//
//   node embed/short-imports.mjs GLUE.js MODULE_bg.wasm
//
// Only the import and export sections are rewritten and the custom sections (tool metadata)
// dropped; every other section is copied byte for byte. The glue gets each old name replaced where it occurs as a whole identifier, and the
// script fails if an import is missing from the glue or occurs in it other than once, so a
// wasm-bindgen that changes how it writes the glue stops the build instead of producing a
// broken one.
import { readFileSync, writeFileSync } from "node:fs";

const [gluePath, wasmPath] = process.argv.slice(2);
if (!gluePath || !wasmPath) {
  console.error("usage: node embed/short-imports.mjs GLUE.js MODULE_bg.wasm");
  process.exit(2);
}
// The module the glue answers for, as wasm-bindgen writes it: "./<crate>_bg.js" (the only
// other import modules it can emit are inline JS snippets, which are left alone).
const isGlueModule = (module) => /^\.\/[^/]*_bg\.js$/.test(module);

const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, "utf8");

function readU32(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [result, pos];
  }
}
function u32(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}
function name(s) {
  const bytes = Buffer.from(s, "utf8");
  return Buffer.concat([u32(bytes.length), bytes]);
}
// a, b, …, Z, aa, ab, …: valid identifiers, never `__proto__`.
function shortName(i) {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let s = "";
  do {
    s = alphabet[i % alphabet.length] + s;
    i = Math.floor(i / alphabet.length) - 1;
  } while (i >= 0);
  return s;
}

// Exports only the glue calls (wasm-bindgen's runtime, closure shims with hashed names); the
// widget's own `hw*` exports and `memory` keep their names, since the glue re-exports those
// under the same identifiers.
const INTERNAL_EXPORT = /^(__wbg_|__wbindgen_|__externref_|wasm_bindgen__|intounderlying|__abort_handler$|__instance_terminated$)/;
const exportRenames = new Map();

function exportSection(pos, end) {
  let count;
  [count, pos] = readU32(wasm, pos);
  const entries = [u32(count)];
  for (let i = 0; i < count; i++) {
    let len;
    [len, pos] = readU32(wasm, pos);
    let field = wasm.toString("utf8", pos, pos + len);
    pos += len;
    const descStart = pos;
    pos++; // kind
    [, pos] = readU32(wasm, pos); // index
    if (INTERNAL_EXPORT.test(field)) {
      const short = shortName(renames.size + exportRenames.size);
      exportRenames.set(field, short);
      field = short;
    }
    entries.push(name(field), wasm.subarray(descStart, pos));
  }
  if (pos !== end) throw new Error(`${wasmPath}: export section not read to its end`);
  const body = Buffer.concat(entries);
  return Buffer.concat([Buffer.from([7]), u32(body.length), body]);
}

if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error(`${wasmPath}: not a wasm module`);
const parts = [wasm.subarray(0, 8)];
const renames = new Map();
const glueModules = new Set();
let pos = 8;
while (pos < wasm.length) {
  const start = pos;
  const id = wasm[pos++];
  let size;
  [size, pos] = readU32(wasm, pos);
  const end = pos + size;
  if (id === 0) {
    // Custom sections (producers, target_features, __wasm_split_unstable) are for tools;
    // browsers ignore them, so they are not worth downloading.
    pos = end;
    continue;
  }
  if (id === 7) {
    parts.push(exportSection(pos, end));
    pos = end;
    continue;
  }
  if (id !== 2) {
    parts.push(wasm.subarray(start, end));
    pos = end;
    continue;
  }
  // Import section: count, then (module, field, kind, description) entries.
  let count;
  [count, pos] = readU32(wasm, pos);
  const entries = [u32(count)];
  for (let i = 0; i < count; i++) {
    const strings = [];
    for (let k = 0; k < 2; k++) {
      let len;
      [len, pos] = readU32(wasm, pos);
      strings.push(wasm.toString("utf8", pos, pos + len));
      pos += len;
    }
    const descStart = pos;
    const kind = wasm[pos++];
    if (kind === 0) [, pos] = readU32(wasm, pos); // function: type index
    else if (kind === 1) {
      pos++; // table: reference type, then limits
      const flags = wasm[pos++];
      [, pos] = readU32(wasm, pos);
      if (flags & 1) [, pos] = readU32(wasm, pos);
    } else if (kind === 2) {
      const flags = wasm[pos++]; // memory: limits
      [, pos] = readU32(wasm, pos);
      if (flags & 1) [, pos] = readU32(wasm, pos);
    } else if (kind === 3) pos += 2; // global: value type, mutability
    else throw new Error(`${wasmPath}: import kind ${kind} not understood`);
    let [module, field] = strings;
    if (isGlueModule(module)) {
      glueModules.add(module);
      const short = shortName(renames.size);
      renames.set(field, short);
      field = short;
    }
    entries.push(name(module), name(field), wasm.subarray(descStart, pos));
  }
  if (pos !== end) throw new Error(`${wasmPath}: import section not read to its end`);
  if (glueModules.size > 1) throw new Error(`${wasmPath}: imports from ${[...glueModules]}`);
  const body = Buffer.concat(entries);
  parts.push(Buffer.from([2]), u32(body.length), body);
}

const seen = new Map();
glue = glue.replace(/[A-Za-z_$][\w$]*/g, (word) => {
  const short = renames.get(word) ?? exportRenames.get(word);
  if (short === undefined) return word;
  seen.set(word, (seen.get(word) ?? 0) + 1);
  return short;
});
for (const old of renames.keys()) {
  if (seen.get(old) !== 1) {
    throw new Error(`${gluePath}: import ${old} occurs ${seen.get(old) ?? 0} times, not once`);
  }
}
// An export the glue never names is simply unused; one it names is renamed wherever it does.
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(gluePath, glue);
console.log(
  `short-imports: ${renames.size} imports of ${[...glueModules]} and ${exportRenames.size} internal exports renamed`,
);
