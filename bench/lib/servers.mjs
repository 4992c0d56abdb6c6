// The bench's servers, each on its own loopback origin like the e2e tests: the local
// Helper-compatible API (helper-dev-server, a child process), and small static servers for
// dist/ (CORS and application/wasm, as a CDN would serve it), the baseline bundle and the
// widget's host page. Nothing is compressed (the bench computes gzip sizes itself), except on the
// servers made with `{ gzip: true }` for the throttled group, which send gzip -9 as a CDN would,
// so that the throttled connection carries the bytes a real visitor downloads.
import { spawn } from 'node:child_process';
import { gzipSync, constants as zlib } from 'node:zlib';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

/**
 * Serves `dir` (and `pages`, a map of path → HTML) with CORS and no caching; with `gzip`, files
 * go out gzip -9 encoded to clients that accept it (compressed once, kept in memory).
 */
export async function staticServer(dir, pages = {}, { gzip = false } = {}) {
  const gzipped = new Map();
  const encode = (file, body) => {
    if (!gzipped.has(file)) gzipped.set(file, gzipSync(body, { level: zlib.Z_BEST_COMPRESSION }));
    return gzipped.get(file);
  };
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = {
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'no-store',
    };
    if (pages[path] !== undefined) {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html'] });
      res.end(pages[path]);
      return;
    }
    const file = dir && normalize(join(dir, path.endsWith('/') ? path + 'index.html' : path));
    if (!file || !file.startsWith(normalize(dir))) {
      res.writeHead(404, headers).end();
      return;
    }
    try {
      let body = await readFile(file);
      const type = { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' };
      if (gzip && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
        body = encode(file, body);
        Object.assign(type, { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
      }
      res.writeHead(200, { ...headers, ...type, 'Content-Length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404, headers).end();
    }
  });
  const url = await listen(server);
  return { url, close: () => new Promise((r) => server.close(r)) };
}

/** Starts helper-dev-server on a free port; resolves once it prints its address. */
export async function apiServer(binary, args) {
  const child = spawn(binary, ['--addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`helper-dev-server did not start in 10 s: ${stderr}`)), 10000);
    child.once('exit', (code) => reject(new Error(`helper-dev-server exited (${code}): ${stderr}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
  });
  const dev = async (path, body) => {
    const r = await fetch(url + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`POST ${path}: HTTP ${r.status} ${await r.text()}`);
    return r.json();
  };
  return {
    url,
    dev,
    close: () => {
      child.removeAllListeners('exit');
      child.kill();
    },
  };
}
