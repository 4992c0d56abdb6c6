// Injected into both pages (widget host page and baseline) before any of their scripts run, by
// Playwright's addInitScript. Plain browser JS. Neither page knows about it: the widget and the
// baseline are measured exactly as built. Everything lives on `window.__bench`.
(() => {
  const B = (window.__bench = {
    // One entry per chunk a stream reader delivers while `recording`: [performance.now(),
    // bytes, v4 text parts completed so far]. Both sides read `fetch` bodies with
    // ReadableStreamDefaultReader.read (ai@4's processDataStream; the widget through
    // wasm-bindgen's `arg0.read()`), so this sees the same deliveries on both.
    reads: [],
    recording: false,
    textParts: 0,
    // WebAssembly.Memory objects of instantiated modules (the widget's linear memory).
    wasmMemories: [],
    clickAt: null,
  });

  // A tiny line-state machine over the bytes: counts complete `0:` (text) lines of the v4 data
  // stream, across chunk boundaries, without decoding.
  let lineHead = ''; // the first two bytes of the current line
  const countParts = (bytes) => {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 10) {
        if (lineHead === '0:') B.textParts++;
        lineHead = '';
      } else if (lineHead.length < 2) {
        lineHead += String.fromCharCode(b);
      }
    }
  };

  const read = ReadableStreamDefaultReader.prototype.read;
  ReadableStreamDefaultReader.prototype.read = function (...args) {
    return read.apply(this, args).then((r) => {
      if (B.recording && !r.done && r.value instanceof Uint8Array) {
        countParts(r.value);
        B.reads.push([performance.now(), r.value.byteLength, B.textParts]);
      }
      return r;
    });
  };

  B.startRecording = () => {
    B.reads = [];
    B.textParts = 0;
    lineHead = '';
    B.recording = true;
  };

  const keepMemory = (result) => {
    const instance = result instanceof WebAssembly.Instance ? result : result && result.instance;
    if (instance) {
      for (const v of Object.values(instance.exports)) {
        if (v instanceof WebAssembly.Memory) B.wasmMemories.push(v);
      }
    }
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const orig = WebAssembly[name];
    if (typeof orig === 'function') {
      WebAssembly[name] = function (...args) {
        return orig.apply(this, args).then(keepMemory);
      };
    }
  }
  B.wasmBytes = () => B.wasmMemories.reduce((n, m) => n + m.buffer.byteLength, 0);

  // The moment a data-helper-prompt link is clicked, before either page's own listener runs.
  window.addEventListener(
    'click',
    (e) => {
      if (e.target && e.target.closest && e.target.closest('[data-helper-prompt]')) {
        B.clickAt = performance.now();
      }
    },
    true,
  );

  // Resolves with performance.now() of the first frame painted after `test(node)` holds for a
  // node that a mutation under `root` touched (a characterData target or an added node).
  // rAF runs just before the frame is produced; the task posted from it runs after the paint.
  B.paintedWhen = (root, test) =>
    new Promise((resolve) => {
      const obs = new MutationObserver((records) => {
        for (const r of records) {
          const nodes = r.type === 'characterData' ? [r.target] : r.addedNodes;
          for (const n of nodes) {
            if (test(n)) {
              obs.disconnect();
              requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
              return;
            }
          }
        }
      });
      obs.observe(root, { subtree: true, childList: true, characterData: true });
    });
})();
