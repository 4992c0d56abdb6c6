// Writes the message catalogues for dist/ and what sdk.js needs to know of them. Called by
// gen-sdk.sh in Trunk's staging directory:
//
//   node locales.mjs <locales dir> <loader's English texts> <notify module's English texts>
//
// Every language but English (which the chat code has built in) goes, minified, into
// locales-<hash>/<lang>.json, where the hash (8 hex digits) covers all of them: the loader
// holds one directory name, and a changed catalogue is a new URL that CDNs may cache forever.
// The English texts the loader shows itself (keys starting with `launcher.` and `load.`: the
// launcher and the load error) are written as JSON to the second argument, those of the
// notifications module (`notification…`) to the third. Prints "<languages, space-separated> <directory>" for gen-sdk.sh.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [dir, loaderOut, notifyOut] = process.argv.slice(2);
const hash = createHash("sha256");
const catalogues = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => {
    const lang = f.slice(0, -5);
    // Parsing checks the file; a broken catalogue fails the build, not a visitor's page.
    const text = JSON.stringify(JSON.parse(readFileSync(join(dir, f), "utf8")));
    hash.update(lang + "\0" + text + "\0");
    return [lang, text];
  });
const english = catalogues.find(([lang]) => lang === "en");
if (!english) throw new Error("no en.json in " + dir);
const out = "locales-" + hash.digest("hex").slice(0, 8);
mkdirSync(out, { recursive: true });
const others = catalogues.filter(([lang]) => lang !== "en");
for (const [lang, text] of others) writeFileSync(join(out, lang + ".json"), text);
const texts = Object.entries(JSON.parse(english[1]));
const some = (keys) => JSON.stringify(Object.fromEntries(texts.filter(([key]) => keys.test(key))));
writeFileSync(loaderOut, some(/^(launcher|load)\./));
writeFileSync(notifyOut, some(/^notification/));
process.stdout.write(others.map(([lang]) => lang).join(" ") + " " + out);
