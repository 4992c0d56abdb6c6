// The benchmark of issue 6: this widget beside a baseline built from Helper's stack, in one run
// on one machine. Started by scripts/bench.sh (which builds everything first); prints a table,
// writes bench/results.json and bench/chart.svg. Method notes: README.md § Performance.
//
//   node bench/run.mjs [--runs N]     (RUNS env works too; default 5; the streaming group,
//                                     40 s a run for the baseline, does STREAM_RUNS, default 3)
//   node bench/run.mjs --report       redraw the table and chart from bench/results.json
//   BENCH_ONLY=streaming,memory ...   only these groups (bytes, pageView, streaming, firstToken,
//                                     firstOpen, memory, decoder); the others are left out
//   OPEN_RUNS=N                       runs of each first-open scenario (default RUNS)
//
// Groups: (1) bytes until the launcher is interactive / the panel is open, (1b) pageView: bytes
// of a page view with no interaction (5 s after load) and then to the first open, per `preload`,
// beside the baseline loaded as Helper loads its iframe, (2) streaming render cost of a
// 20,000-character reply in 4,000 v4 chunks, (3) prompt click to first token painted,
// (3b) firstOpen: first open on a throttled connection (launcher; prompt link), (4) decoder
// throughput (scripts/bench-decoder.sh), (5) memory after a 100-message conversation.
import { chromium } from 'playwright-core';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync, constants as zlib } from 'node:zlib';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { apiServer, staticServer } from './lib/servers.mjs';
import { markdownReply, shortReply, END_MARKER } from './lib/reply.mjs';
import { report } from './lib/report.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const argRuns = process.argv.indexOf('--runs');
const RUNS = Number(argRuns > 0 ? process.argv[argRuns + 1] : process.env.RUNS || 5);
const STREAM_RUNS = Number(process.env.STREAM_RUNS || Math.min(RUNS, 3));
const OPEN_RUNS = Number(process.env.OPEN_RUNS || RUNS);
const REPLY_CHARS = 20000;
const CHUNK_CHARS = 5; // 20,000 / 5 = 4,000 `0:` parts, each its own HTTP chunk
const TEXT_PARTS = REPLY_CHARS / CHUNK_CHARS;
// The paced delivery's gap before each chunk: the smallest the server's timer gives (about 4.4 s
// for the reply), enough for each chunk to reach the page as a read of its own.
const PACE_MS = 1;
const TURNS = 50; // 50 user + 50 assistant messages
const PROMPT = '[data-helper-prompt]';
const ASSISTANT_CONTENT = '[data-message-role="assistant"] [data-testid="message-content"]';
const API_BIN = process.env.HELPER_DEV_SERVER || join(ROOT, 'target-bench/release/helper-dev-server');
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// Helper's own widget, for the bytes group: what helper-api.md §6 measured by building it.
const HELPER_LOADER = { raw: 108.7 * 1024, gzip: 30.8 * 1024 };
// The page-view group: how long after the load event the page is left alone before its files
// are summed (the "5 s after load").
const PAGE_VIEW_WAIT_MS = 5000;
// The first-open group: the throttled connection (CDP network emulation: latency added to
// each request, throughput in bytes/s), and the visitor's timing.
const THROTTLE = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };
const INTERACT_AFTER_LOAD_MS = 1000; // the visitor acts 1 s after the load event
const HOVER_MS = 300; // pointer over the launcher this long before the click
const TAP_MS = 90; // touchstart to touchend (the click) on a prompt link
const LAUNCHER = '[data-testid="launcher"]';
const COMPOSER = 'textarea[aria-label="Ask a question"]';

const log = (...a) => console.error('[bench]', ...a);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const gzip = (buf) => gzipSync(buf, { level: zlib.Z_BEST_COMPRESSION }).length;

/** Fails with a message that says what was measured when a figure is not a finite number. */
function figure(name, v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name}: no valid value (${v})`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// The two sides. Each knows how to load, wait until usable, open, and where its DOM is.

function sides(urls) {
  const hostPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host page</title></head>
<body>
  <p><a href="#" data-helper-prompt="How do I change my plan?">How do I change my plan?</a></p>
  <script>window.helperWidgetConfig = { host: ${JSON.stringify(urls.api)} };</script>
  <script src="${urls.widget}/sdk.js" async></script>
</body></html>`;
  return {
    hostPage,
    widget: {
      name: 'widget',
      url: `${urls.host}/`,
      // Its DOM is in the open shadow root; Playwright's CSS selectors pierce it.
      rootJs: `document.getElementById('helper-widget-root').shadowRoot`,
      ready: async (page) => {
        const launcher = page.locator('[data-testid="launcher"]');
        await launcher.waitFor({ state: 'visible', timeout: 20000 });
        if (!(await launcher.isEnabled())) throw new Error('widget launcher is visible but disabled');
      },
      open: async (page) => {
        await page.locator('[data-testid="launcher"]').click();
        await page.locator('[data-testid="widget-panel"]:not([hidden])').waitFor({ state: 'visible', timeout: 10000 });
      },
    },
    // The widget with its chat code already loaded and mounted (preload "eager", then the panel
    // is in the DOM, hidden), for the groups that measure the chat, not its loading: streaming,
    // first token, memory; as the eager baseline page has its bundle when they start. Loading is
    // measured by the pageView and firstOpen groups.
    get warmWidget() {
      const widget = this.widget;
      return {
        ...widget,
        url: `${urls.host}/eager.html`,
        ready: async (page) => {
          await widget.ready(page);
          await page.locator('[data-testid="widget-panel"]').waitFor({ state: 'attached', timeout: 20000 });
        },
      };
    },
    baseline: {
      name: 'baseline',
      url: `${urls.baseline}/?host=${encodeURIComponent(urls.api)}`,
      rootJs: `document.getElementById('root')`,
      // Usable once React rendered and the session token arrived (the textarea enables).
      ready: async (page) => {
        await page.locator('textarea[aria-label="Ask a question"]:not([disabled])').waitFor({ timeout: 20000 });
      },
      // The baseline is the iframe's content: it is "open" once it is ready.
      open: async () => {},
    },
  };
}

/**
 * The pages of the page-view and first-open groups: a customer's host page that loads this
 * widget's sdk.js with a `preload` (none: the default), or the lazy baseline's loader.js, from
 * `origins` (the plain servers, or the gzip ones for the throttled group).
 */
function loadingPages(urls, origins) {
  const page = (head, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host page</title>${head}</head>
<body>
  <h1>A customer's page</h1>
  <p><a href="#" data-helper-prompt="How do I change my plan?">How do I change my plan?</a></p>
  ${body}
</body></html>`;
  const widget = (preload) => page('', `<script>window.helperWidgetConfig = ${JSON.stringify({ host: urls.api, ...(preload ? { preload } : {}) })};</script>
  <script src="${origins.widget}/sdk.js" async></script>`);
  return {
    'intent.html': widget('intent'),
    'idle.html': widget('idle'),
    'eager.html': widget('eager'),
    'baseline-lazy.html': page('', `<script>window.helperWidgetConfig = ${JSON.stringify({ host: urls.api })};</script>
  <script src="${origins.baseline}/loader.js" async></script>`),
  };
}

/**
 * The sides of the page-view and first-open groups. `chatCode` matches the URL of the file that
 * holds the chat code (whose download intent or an open starts); `countPage`: the navigation
 * counts as the widget's bytes (only for the eager baseline, whose page stands in for Helper's
 * iframe document; the others' page is the customer's).
 */
function loadingSides(urls, prefix) {
  const widget = (preload) => ({
    name: `widget (preload ${preload})`,
    url: `${urls.host}/${prefix}${preload}.html`,
    rootJs: `document.getElementById('helper-widget-root').shadowRoot`,
    chatCode: /\.wasm$/,
  });
  return {
    widgetIntent: widget('intent'),
    widgetIdle: widget('idle'),
    widgetEager: widget('eager'),
    baselineLazy: {
      name: 'baseline (lazy, as Helper)',
      url: `${urls.host}/${prefix}baseline-lazy.html`,
      rootJs: `document.getElementById('helper-baseline-panel')`,
      chatCode: /\/app\.js$/,
    },
    baselineEager: {
      name: 'baseline (eager page)',
      url: `${urls.baseline}/?host=${encodeURIComponent(urls.api)}`,
      rootJs: `document.getElementById('root')`,
      chatCode: /\/app\.js$/,
      countPage: true,
      noLauncher: true, // its page is the open panel: the page view is also the open
    },
  };
}

async function newPage(browser, hooks, { throttle = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, hasTouch: throttle });
  await context.addInitScript({ content: hooks });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // BENCH_CONSOLE=1: the pages' console messages on stderr, to see what a page complains about.
  if (process.env.BENCH_CONSOLE) page.on('console', (m) => log(`console.${m.type()}: ${m.text()} (${m.location().url})`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  if (throttle) {
    // Before the navigation, so the page and everything it loads go through it.
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', THROTTLE);
  }
  const metrics = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  };
  return { context, page, cdp, metrics, errors, close: () => context.close() };
}

// ---------------------------------------------------------------------------------------------
// (1) Bytes

async function bytes(browser, hooks, side, urls) {
  const p = await newPage(browser, hooks);
  try {
    const requests = [];
    p.page.on('request', (r) => requests.push(r));
    await p.page.goto(side.url);
    await side.ready(p.page);
    const atReady = requests.length;
    await side.open(p.page);
    await p.page.waitForLoadState('networkidle');
    // The widget's host page is the customer's page, not the widget's bytes.
    const files = await requestSizes(requests, side.name, urls, side.name === 'widget', atReady);
    return { files, ready: sumFiles(files, (f) => f.before), open: sumFiles(files, () => true) };
  } finally {
    await p.close();
  }
}

/**
 * Each request's decoded body, raw and gzip -9 (computed here), in the order made; `before`: made
 * before the `mark`-th request. Requests to the API are kept (kind 'api') but not summed.
 */
async function requestSizes(requests, name, urls, skipNavigation, mark) {
  const files = [];
  for (const [i, r] of requests.entries()) {
    const url = r.url();
    if (url.endsWith('/favicon.ico')) continue;
    if (skipNavigation && r.isNavigationRequest()) continue;
    const resp = await r.response();
    if (!resp) throw new Error(`${name}: ${url} got no response`);
    const body = await resp.body();
    files.push({
      url: new URL(url).pathname,
      kind: url.startsWith(urls.api) ? 'api' : 'file',
      before: i < mark,
      raw: body.length,
      gzip: gzip(body),
    });
  }
  return files;
}

function sumFiles(files, pred) {
  const fs = files.filter((f) => f.kind === 'file' && pred(f));
  return { raw: fs.reduce((n, f) => n + f.raw, 0), gzip: fs.reduce((n, f) => n + f.gzip, 0) };
}

// ---------------------------------------------------------------------------------------------
// (1b) Page view: no interaction, the files loaded until 5 s after the load event; then the
// first open (the launcher hovered 300 ms and clicked, until the composer has focus and the
// network is idle), the files loaded until then.

async function launcherUsable(page, timeout = 30000) {
  const launcher = page.locator(LAUNCHER);
  await launcher.waitFor({ state: 'visible', timeout });
  const until = Date.now() + timeout;
  while (!(await launcher.isEnabled())) {
    if (Date.now() > until) throw new Error('the launcher is visible but stays disabled');
    await page.waitForTimeout(20);
  }
  return launcher;
}

/** A visitor's launcher click: the pointer moves onto it, rests HOVER_MS, and clicks. */
async function hoverAndClickLauncher(page) {
  const box = await (await launcherUsable(page)).boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForTimeout(HOVER_MS);
  await page.mouse.down();
  await page.mouse.up();
}

/** Resolves with `promise`, or fails after `ms` saying what did not happen. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function pageViewRun(browser, hooks, side, urls) {
  const p = await newPage(browser, hooks);
  try {
    const requests = [];
    p.page.on('request', (r) => requests.push(r));
    await p.page.goto(side.url, { waitUntil: 'load' });
    await p.page.waitForTimeout(PAGE_VIEW_WAIT_MS);
    const atView = requests.length;
    if (!side.noLauncher) {
      await p.page.evaluate(() => window.__bench.armFocus());
      await hoverAndClickLauncher(p.page);
      await within(p.page.evaluate(() => window.__bench.composerFocused), 20000, `${side.name}: the composer got no focus`);
      await p.page.waitForLoadState('networkidle');
    }
    const files = await requestSizes(requests, side.name, urls, !side.countPage, atView);
    for (const f of files) f.chatCode = side.chatCode.test(f.url);
    if (p.errors.length) throw new Error(`${side.name}: page errors: ${p.errors.join('; ')}`);
    return {
      files,
      pageView: sumFiles(files, (f) => f.before),
      open: sumFiles(files, () => true),
      // Did the page view (no interaction) fetch the chat code?
      chatCodeInPageView: files.some((f) => f.before && f.chatCode),
    };
  } finally {
    await p.close();
  }
}

/** Bytes are deterministic: one run per side. */
async function pageView(browser, hooks, sides, urls) {
  const out = { waitMs: PAGE_VIEW_WAIT_MS };
  for (const [key, side] of Object.entries(sides)) {
    out[key] = await pageViewRun(browser, hooks, side, urls);
    const r = out[key];
    log(`${side.name} page view: ${(r.pageView.gzip / 1024).toFixed(1)} KB gzip (chat code ${r.chatCodeInPageView ? 'loaded' : 'not loaded'}), ` +
      `to open ${(r.open.gzip / 1024).toFixed(1)} KB gzip`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// (2) Streaming render cost

const TRACE_CATEGORIES = [
  'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', '__metadata',
];

/** Main-thread RunTask intervals of the page's renderer, in the page's performance.now() ms. */
function mainThreadTasks(traceBuf, syncName, syncAt) {
  const events = JSON.parse(traceBuf.toString()).traceEvents;
  const mark = events.find((e) => e.name === syncName && e.cat.includes('user_timing'));
  if (!mark) throw new Error(`trace has no '${syncName}' mark: cannot align it with the page clock`);
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === mark.pid && e.args.name === 'CrRendererMain');
  if (!main) throw new Error('trace has no CrRendererMain thread for the page');
  const offset = mark.ts / 1000 - syncAt;
  return events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'RunTask')
    .map((e) => [e.ts / 1000 - offset, (e.ts + e.dur) / 1000 - offset]);
}

function busy(tasks, from, to) {
  let ms = 0;
  for (const [a, b] of tasks) ms += Math.max(0, Math.min(b, to) - Math.max(a, from));
  return ms;
}

/**
 * Per-chunk cost: main-thread busy time from the delivery of the first read that carries a
 * chunk of the range until the first delivery carrying a later chunk (or, for the last range,
 * until the final text is painted), divided by the number of chunks those reads carried.
 */
function perChunk(tasks, reads, finalAt) {
  const tenth = TEXT_PARTS / 10;
  const prev = (i) => (i === 0 ? 0 : reads[i - 1][2]);
  const a = reads.findIndex((r) => r[2] > 0);
  const j = reads.findIndex((r, i) => prev(i) >= tenth);
  const k = reads.findIndex((r) => r[2] > TEXT_PARTS - tenth);
  if (a < 0 || j < 0 || k < 0) {
    throw new Error(`per-chunk windows: ${reads.length} reads carrying ${reads.map((r) => r[2]).join(',').slice(0, 300)} text parts do not split into tenths`);
  }
  return {
    firstMs: busy(tasks, reads[a][0], reads[j][0]) / prev(j),
    firstReads: j - a,
    lastMs: busy(tasks, reads[k][0], finalAt) / (TEXT_PARTS - prev(k)),
    lastReads: reads.length - k,
  };
}

async function streamingRun(browser, hooks, side, api, traced) {
  const p = await newPage(browser, hooks);
  try {
    await p.page.goto(side.url);
    await side.ready(p.page);
    await api.dev('/__dev/reply', { text: markdownReply(REPLY_CHARS) });
    await p.page.evaluate(
      ({ rootJs, end }) => {
        const root = new Function(`return ${rootJs}`)();
        window.__bench.final = window.__bench.paintedWhen(root, (n) => (n.textContent || '').includes(end));
        window.__bench.startRecording();
      },
      { rootJs: side.rootJs, end: END_MARKER },
    );
    let syncAt;
    if (traced) {
      await browser.startTracing(p.page, { categories: TRACE_CATEGORIES });
      syncAt = await p.page.evaluate(() => performance.mark('bench-sync').startTime);
    }
    const m0 = await p.metrics();
    // A synthetic click: Playwright's own actionability checks would add main-thread work.
    await p.page.evaluate((sel) => document.querySelector(sel).click(), PROMPT);
    const finalAt = await p.page.evaluate(() => window.__bench.final);
    const m1 = await p.metrics();
    const trace = traced ? await browser.stopTracing() : null;
    const { reads, clickAt, textParts } = await p.page.evaluate(() => window.__bench);
    if (textParts !== TEXT_PARTS) {
      throw new Error(`${side.name}: the page read ${textParts} text parts, expected ${TEXT_PARTS}`);
    }
    if (p.errors.length) throw new Error(`${side.name}: page errors: ${p.errors.join('; ')}`);
    const run = {
      mainThreadMs: figure('TaskDuration', (m1.TaskDuration - m0.TaskDuration) * 1000),
      scriptMs: figure('ScriptDuration', (m1.ScriptDuration - m0.ScriptDuration) * 1000),
      finalMs: figure('click to final text', finalAt - clickAt),
      reads: reads.length,
    };
    if (traced) {
      const tasks = mainThreadTasks(trace, 'bench-sync', syncAt);
      const pc = perChunk(tasks, reads, finalAt);
      Object.assign(run, {
        firstChunkMs: figure('first 10% per chunk', pc.firstMs),
        lastChunkMs: figure('last 10% per chunk', pc.lastMs),
        firstReads: pc.firstReads,
        lastReads: pc.lastReads,
        tracedMainThreadMs: busy(tasks, clickAt, finalAt),
      });
    }
    return run;
  } finally {
    await p.close();
  }
}

/**
 * Two deliveries of the same 4,000 chunks. Burst: as fast as the server can send them (the
 * issue's scenario); the browser then hands the page the whole body in a few reads, so it gives
 * total main-thread time and time to final text but cannot tell early chunks from late ones.
 * Paced: the server waits PACE_MS before each chunk, so each reaches the page as a read of its
 * own, as an LLM's tokens do; traced, it gives the per-chunk cost of the first and last 10%.
 */
async function streaming(browser, hooks, side, api) {
  const burst = [];
  const paced = [];
  try {
    for (let i = 0; i < STREAM_RUNS; i++) {
      await api.dev('/__dev/settings', { chunkChars: CHUNK_CHARS, paceMs: 0 });
      burst.push(await streamingRun(browser, hooks, side, api, false));
      await api.dev('/__dev/settings', { chunkChars: CHUNK_CHARS, paceMs: PACE_MS });
      paced.push(await streamingRun(browser, hooks, side, api, true));
      const [b, p] = [burst.at(-1), paced.at(-1)];
      log(`${side.name} streaming run ${i + 1}/${STREAM_RUNS}: burst ${b.mainThreadMs.toFixed(0)} ms main thread, ` +
        `${b.finalMs.toFixed(0)} ms to final text, ${b.reads} reads; paced ${p.tracedMainThreadMs.toFixed(0)} ms main thread, ` +
        `${p.reads} reads, per chunk ${(p.firstChunkMs * 1000).toFixed(0)} / ${(p.lastChunkMs * 1000).toFixed(0)} us`);
    }
  } finally {
    await api.dev('/__dev/settings', { chunkChars: 0, paceMs: 0 });
  }
  const med = (runs, k) => median(runs.map((r) => r[k]));
  return {
    burst: {
      mainThreadMs: med(burst, 'mainThreadMs'),
      scriptMs: med(burst, 'scriptMs'),
      finalMs: med(burst, 'finalMs'),
      reads: med(burst, 'reads'),
    },
    paced: {
      paceMs: PACE_MS,
      mainThreadMs: med(paced, 'tracedMainThreadMs'),
      finalMs: med(paced, 'finalMs'),
      reads: med(paced, 'reads'),
      firstChunkMs: med(paced, 'firstChunkMs'),
      lastChunkMs: med(paced, 'lastChunkMs'),
      lastOverFirst: median(paced.map((r) => r.lastChunkMs / r.firstChunkMs)),
      firstReads: med(paced, 'firstReads'),
      lastReads: med(paced, 'lastReads'),
    },
    runs: { burst, paced },
  };
}

// ---------------------------------------------------------------------------------------------
// (3) Prompt click to first token painted

/**
 * Arms `window.__bench.first`: a promise of the time of the first frame painted after the
 * assistant message's content first holds text (groups 4 and 5).
 */
async function watchFirstToken(page, side) {
  await page.evaluate(
    ({ rootJs, sel }) => {
      const root = new Function(`return ${rootJs}`)();
      if (!root) throw new Error(`no root: ${rootJs}`);
      window.__bench.first = window.__bench.paintedWhen(root, (n) => {
        const el = n.nodeType === Node.ELEMENT_NODE ? n : n.parentElement;
        if (!el) return false;
        const content = el.closest(sel) || el.querySelector(sel);
        return !!content && /\S/.test(content.textContent);
      });
    },
    { rootJs: side.rootJs, sel: ASSISTANT_CONTENT },
  );
}

async function firstTokenRun(browser, hooks, side, api) {
  const p = await newPage(browser, hooks);
  try {
    await p.page.goto(side.url);
    await side.ready(p.page);
    await api.dev('/__dev/reply', { text: 'You can change your plan in **Settings > Billing**.' });
    await watchFirstToken(p.page, side);
    await p.page.locator(PROMPT).click();
    const paintedAt = await p.page.evaluate(() => window.__bench.first);
    const clickAt = await p.page.evaluate(() => window.__bench.clickAt);
    if (p.errors.length) throw new Error(`${side.name}: page errors: ${p.errors.join('; ')}`);
    return figure('click to first token', paintedAt - clickAt);
  } finally {
    await p.close();
  }
}

async function firstToken(browser, hooks, side, api) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await firstTokenRun(browser, hooks, side, api));
  log(`${side.name} first token: ${runs.map((x) => x.toFixed(1)).join(', ')} ms`);
  return { ms: median(runs), runs };
}

// ---------------------------------------------------------------------------------------------
// (3b) First open on a throttled connection. A fresh page per run (empty cache), the network
// emulated from before the navigation, the files served gzip -9 (as a CDN would; the throttle
// then carries what a real visitor downloads). The visitor acts INTERACT_AFTER_LOAD_MS after the
// load event, whatever has or has not been downloaded by then (with preload "eager" the chat code
// may still be on its way: each run records when it had arrived).

/** Page-clock facts of a run: the load event, and when the chat code's file had arrived. */
function loadFacts(page, side) {
  return page.evaluate((re) => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const code = resources.find((e) => new RegExp(re).test(e.name));
    const session = resources.find((e) => e.name.endsWith('/api/widget/session'));
    return {
      loadAt: nav.loadEventEnd,
      chatCodeAt: code ? code.responseEnd : null,
      sessionAt: session ? session.responseEnd : null,
    };
  }, side.chatCode.source);
}

/** The run's figures relative to its click; chatCodeBeforeClick says if the visitor waited. */
function clickFacts(facts, clickAt) {
  return {
    clickAfterLoadMs: clickAt - facts.loadAt,
    sessionAfterLoadMs: facts.sessionAt === null ? null : facts.sessionAt - facts.loadAt,
    chatCodeAfterLoadMs: facts.chatCodeAt === null ? null : facts.chatCodeAt - facts.loadAt,
    chatCodeBeforeClick: facts.chatCodeAt !== null && facts.chatCodeAt <= clickAt,
  };
}

async function throttledPage(browser, hooks, side) {
  const p = await newPage(browser, hooks, { throttle: true });
  await p.page.goto(side.url, { waitUntil: 'load', timeout: 60000 });
  // Timed on the page's clock from its load event, so a slow driver does not shift it.
  await p.page.evaluate((ms) => new Promise((resolve) => {
    const at = performance.getEntriesByType('navigation')[0].loadEventEnd + ms;
    setTimeout(resolve, Math.max(0, at - performance.now()));
  }), INTERACT_AFTER_LOAD_MS);
  // The launcher shows once the session has started; 1 s after load it normally has.
  await launcherUsable(p.page);
  p.readyAfterLoadMs = await p.page.evaluate(() => performance.now() - performance.getEntriesByType('navigation')[0].loadEventEnd);
  return p;
}

/** (a) Launcher hovered HOVER_MS and clicked → the composer has focus. */
async function firstOpenLauncherRun(browser, hooks, side) {
  const p = await throttledPage(browser, hooks, side);
  try {
    await p.page.evaluate(() => window.__bench.armFocus());
    await hoverAndClickLauncher(p.page);
    const focusAt = await within(p.page.evaluate(() => window.__bench.composerFocused), 30000, `${side.name}: the composer got no focus`);
    const { clickAt, active } = await p.page.evaluate((sel) => ({
      clickAt: window.__bench.launcherClickAt,
      active: !!window.__bench.deepActive()?.matches(sel),
    }), COMPOSER);
    if (clickAt == null) throw new Error(`${side.name}: the launcher click was not seen`);
    if (p.errors.length) throw new Error(`${side.name}: page errors: ${p.errors.join('; ')}`);
    return {
      ms: figure('click to composer focused', focusAt - clickAt),
      stillFocused: active,
      readyAfterLoadMs: p.readyAfterLoadMs,
      ...clickFacts(await loadFacts(p.page, side), clickAt),
    };
  } finally {
    await p.close();
  }
}

/**
 * (b) A prompt link tapped: a real touch (CDP touchStart), lifted TAP_MS later (touchEnd, from
 * which the browser makes the click) → the first frame painted with the reply's text.
 */
async function firstOpenPromptRun(browser, hooks, side, api) {
  const p = await throttledPage(browser, hooks, side);
  try {
    await api.dev('/__dev/reply', { text: 'You can change your plan in **Settings > Billing**.' });
    await watchFirstToken(p.page, side);
    const box = await p.page.locator(PROMPT).boundingBox();
    const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await p.cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
    await p.page.waitForTimeout(TAP_MS);
    await p.cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    const paintedAt = await within(p.page.evaluate(() => window.__bench.first), 30000, `${side.name}: no reply text painted`);
    const { clickAt, touchAt } = await p.page.evaluate(() => ({ clickAt: window.__bench.clickAt, touchAt: window.__bench.touchAt }));
    if (touchAt == null) throw new Error(`${side.name}: the touchstart on the prompt link was not seen`);
    if (clickAt == null) throw new Error(`${side.name}: the tap made no click on the prompt link`);
    if (p.errors.length) throw new Error(`${side.name}: page errors: ${p.errors.join('; ')}`);
    return {
      ms: figure('click to first token', paintedAt - clickAt),
      fromTouchMs: paintedAt - touchAt,
      tapMs: clickAt - touchAt,
      readyAfterLoadMs: p.readyAfterLoadMs,
      ...clickFacts(await loadFacts(p.page, side), clickAt),
    };
  } finally {
    await p.close();
  }
}

/** Each scenario OPEN_RUNS times per side, the sides interleaved run by run. */
async function firstOpen(browser, hooks, sides, api) {
  const out = {
    network: THROTTLE,
    interactAfterLoadMs: INTERACT_AFTER_LOAD_MS,
    hoverMs: HOVER_MS,
    tapMs: TAP_MS,
  };
  for (const key of Object.keys(sides)) out[key] = { launcher: { runs: [] }, prompt: { runs: [] } };
  for (let i = 0; i < OPEN_RUNS; i++) {
    for (const [key, side] of Object.entries(sides)) {
      const a = await firstOpenLauncherRun(browser, hooks, side);
      const b = await firstOpenPromptRun(browser, hooks, side, api);
      out[key].launcher.runs.push(a);
      out[key].prompt.runs.push(b);
      const code = (r) => (r.chatCodeBeforeClick ? 'chat code already there' : 'chat code not there yet');
      log(`${side.name} first open ${i + 1}/${OPEN_RUNS}: launcher ${a.ms.toFixed(0)} ms (${code(a)}), ` +
        `prompt ${b.ms.toFixed(0)} ms from click, ${b.fromTouchMs.toFixed(0)} ms from touchstart (${code(b)})`);
    }
  }
  for (const key of Object.keys(sides)) {
    for (const scenario of ['launcher', 'prompt']) {
      const x = out[key][scenario];
      x.ms = median(x.runs.map((r) => r.ms));
      if (scenario === 'prompt') x.fromTouchMs = median(x.runs.map((r) => r.fromTouchMs));
      x.chatCodeBeforeClick = x.runs.filter((r) => r.chatCodeBeforeClick).length;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// (5) Memory after a 100-message conversation

async function memory(browser, hooks, side, api) {
  const p = await newPage(browser, hooks);
  try {
    await p.page.goto(side.url);
    await side.ready(p.page);
    await side.open(p.page);
    for (let i = 1; i <= TURNS; i++) await api.dev('/__dev/reply', { text: shortReply(i) });
    const composer = p.page.locator('textarea[aria-label="Ask a question"]');
    for (let i = 1; i <= TURNS; i++) {
      await composer.fill(`Question ${i}: how do I change my plan?`);
      await composer.press('Enter');
      await p.page.waitForFunction(
        ({ rootJs, n }) => {
          const root = new Function(`return ${rootJs}`)();
          const done = root.querySelectorAll('[data-testid="message"][data-message-role="assistant"][aria-busy="false"]');
          return done.length >= n;
        },
        { rootJs: side.rootJs, n: i },
        { polling: 20, timeout: 15000 },
      );
    }
    const count = await p.page.evaluate((rootJs) => new Function(`return ${rootJs}`)().querySelectorAll('[data-testid="message"]').length, side.rootJs);
    if (count !== 2 * TURNS) throw new Error(`${side.name}: ${count} messages after ${TURNS} turns, expected ${2 * TURNS}`);
    await p.cdp.send('HeapProfiler.enable');
    await p.cdp.send('HeapProfiler.collectGarbage');
    await p.cdp.send('HeapProfiler.collectGarbage');
    const m = await p.metrics();
    const wasm = await p.page.evaluate(() => window.__bench.wasmBytes());
    if (p.errors.length) throw new Error(`${side.name}: page errors: ${p.errors.join('; ')}`);
    return { jsHeap: figure('JSHeapUsedSize', m.JSHeapUsedSize), wasm, total: m.JSHeapUsedSize + wasm, messages: count };
  } finally {
    await p.close();
  }
}

// ---------------------------------------------------------------------------------------------
// (4) Decoder throughput: scripts/bench-decoder.sh, its table parsed.

async function decoder() {
  const { stdout } = await promisify(execFile)('bash', [join(ROOT, 'scripts/bench-decoder.sh')], {
    env: { ...process.env, ITERATIONS: process.env.DECODER_ITERATIONS || '11' },
    maxBuffer: 1 << 24,
  });
  const rows = stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  const out = {};
  for (const [format, bytes, rust, js] of rows) {
    out[format] = { bytes: Number(bytes), rustMBps: figure(`decoder ${format} Rust MB/s`, Number(rust)), jsMBps: figure(`decoder ${format} JS MB/s`, Number(js)) };
  }
  if (!out.v4) throw new Error(`bench-decoder.sh printed no v4 row:\n${stdout}`);
  return out;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const hooks = await readFile(join(BENCH, 'lib/page-hooks.js'), 'utf8');
  const api = await apiServer(API_BIN, ['--pace-ms', '0', '--format', 'v4', '--no-prompt-cache']);
  const widgetDist = await staticServer(join(ROOT, 'dist'));
  const baselineDist = await staticServer(join(BENCH, 'baseline/dist'));
  // The same files gzip -9 encoded, for the throttled group.
  const widgetGz = await staticServer(join(ROOT, 'dist'), {}, { gzip: true });
  const baselineGz = await staticServer(join(BENCH, 'baseline/dist'), {}, { gzip: true });
  // The host pages name the other origins, so they are filled in once those are known.
  const hostPages = {};
  const hostSrv = await staticServer(null, hostPages);
  const urls = { api: api.url, widget: widgetDist.url, baseline: baselineDist.url, host: hostSrv.url };
  const s = sides(urls);
  hostPages['/'] = s.hostPage;
  for (const [name, html] of Object.entries(loadingPages(urls, urls))) hostPages[`/${name}`] = html;
  for (const [name, html] of Object.entries(loadingPages(urls, { widget: widgetGz.url, baseline: baselineGz.url }))) {
    hostPages[`/throttled/${name}`] = html;
  }
  const plainSides = loadingSides(urls, '');
  const gzSides = loadingSides({ ...urls, baseline: baselineGz.url }, 'throttled/');

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, chromium: browser.version(), node: process.version },
    runs: RUNS,
    streamRuns: STREAM_RUNS,
    openRuns: OPEN_RUNS,
    replyChars: REPLY_CHARS,
    textParts: TEXT_PARTS,
    helperLoader: HELPER_LOADER,
  };
  const failures = [];
  // Each group is measured on its own: one failing says which, and the others still report.
  const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
  const group = async (name, fn) => {
    if (only && !only.includes(name)) return;
    const t = Date.now();
    try {
      results[name] = await fn();
      log(`${name}: done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    } catch (e) {
      results[name] = { error: String(e && e.stack ? e.message : e) };
      failures.push(`${name}: ${results[name].error}`);
      log(`${name}: FAILED: ${results[name].error}`);
    }
  };
  try {
    const both = async (fn, widget = s.widget) => ({ widget: await fn(widget), baseline: await fn(s.baseline) });
    const warm = s.warmWidget;
    await group('bytes', () => both((side) => bytes(browser, hooks, side, urls)));
    await group('pageView', () => pageView(browser, hooks, plainSides, urls));
    await group('streaming', () => both((side) => streaming(browser, hooks, side, api), warm));
    await group('firstToken', () => both((side) => firstToken(browser, hooks, side, api), warm));
    await group('firstOpen', () => firstOpen(browser, hooks, {
      widgetIntent: gzSides.widgetIntent,
      widgetEager: gzSides.widgetEager,
      baselineLazy: gzSides.baselineLazy,
    }, api));
    await group('memory', () => both((side) => memory(browser, hooks, side, api), warm));
  } finally {
    await browser.close();
    api.close();
    await widgetDist.close();
    await baselineDist.close();
    await widgetGz.close();
    await baselineGz.close();
    await hostSrv.close();
  }
  await group('decoder', decoder);
  results.seconds = Math.round((Date.now() - started) / 1000);

  const { table, svg } = report(results);
  await writeFile(join(BENCH, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  await writeFile(join(BENCH, 'chart.svg'), svg);
  console.log(table);
  console.log(`\nwrote bench/results.json and bench/chart.svg (${results.seconds} s)`);
  if (failures.length) {
    console.error(`\n${failures.length} measurement(s) failed:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

/** Prints the table and redraws the chart from the stored results, measuring nothing. */
async function redraw() {
  const results = JSON.parse(await readFile(join(BENCH, 'results.json'), 'utf8'));
  const { table, svg } = report(results);
  await writeFile(join(BENCH, 'chart.svg'), svg);
  console.log(table);
}

(process.argv.includes('--report') ? redraw() : main()).catch((e) => {
  console.error('[bench] failed:', e);
  process.exit(1);
});
