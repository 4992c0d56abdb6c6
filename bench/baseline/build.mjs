// Bundles the baseline page like a production Next.js client chunk would be: one minified
// bundle, React in production mode. Writes dist/index.html and dist/app.js (the eager baseline:
// the page loads the bundle at once), and dist/loader.js (the lazy baseline: a host page loads
// only the loader, which imports the same app.js on the first open, as Helper loads its iframe).
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

const here = new URL('.', import.meta.url);
const dist = new URL('dist/', here);
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: [new URL('src/main.jsx', here).pathname],
  outfile: new URL('app.js', dist).pathname,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
await build({
  entryPoints: [new URL('src/loader.js', here).pathname],
  outfile: new URL('loader.js', dist).pathname,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  logLevel: 'warning',
});
await copyFile(new URL('src/index.html', here), new URL('index.html', dist));
