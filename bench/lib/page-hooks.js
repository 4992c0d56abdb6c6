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

  // The first-open group. The moment of a click on the launcher (in a shadow root or not: an
  // open shadow root's path is visible here), and of a touchstart on a prompt link.
  const isLauncher = (n) => n && n.getAttribute && n.getAttribute('data-testid') === 'launcher';
  window.addEventListener(
    'click',
    (e) => {
      if (e.composedPath().some(isLauncher)) B.launcherClickAt = performance.now();
    },
    true,
  );
  window.addEventListener(
    'touchstart',
    (e) => {
      if (e.target && e.target.closest && e.target.closest('[data-helper-prompt]')) B.touchAt = performance.now();
    },
    { capture: true, passive: true },
  );

  // Composer focused: `B.armFocus()` returns a promise of performance.now() when the composer
  // next gets focus. A focusin listener on the window sees focus moving into a shadow root, but
  // not focus moving between two elements of the same shadow root (the event's path is cut at
  // the host, where target and relatedTarget are the same), so every open shadow root gets its
  // own listener too, as it is attached.
  const COMPOSER = 'textarea[aria-label="Ask a question"]';
  let onFocus = null;
  const focusin = (e) => {
    const t = e.composedPath()[0];
    if (onFocus && t && t.matches && t.matches(COMPOSER)) {
      const f = onFocus;
      onFocus = null;
      f(performance.now());
    }
  };
  window.addEventListener('focusin', focusin, true);
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (...args) {
    const root = attachShadow.apply(this, args);
    root.addEventListener('focusin', focusin, true);
    return root;
  };
  B.armFocus = () => {
    B.composerFocused = new Promise((resolve) => {
      onFocus = (at) => {
        B.composerFocusAt = at;
        resolve(at);
      };
    });
    return true;
  };
  // The composer, wherever it is: the document or an open shadow root.
  B.deepActive = () => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a;
  };

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
