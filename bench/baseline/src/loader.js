// The lazy baseline's loader: loads the baseline the way Helper's sdk.js loads its iframe
// (helper-api.md §3.1). At page load it only starts the session and, once the session is up,
// draws the launcher; the chat bundle (app.js, the same file the eager baseline page loads) is
// fetched on the first open: a launcher click or a `data-helper-prompt` click. A prompt clicked
// before the bundle is up is handed to it once it is, and sent then.
//
// Much smaller than Helper's real loader (108.7 KB raw / 30.8 KB gzip, mostly its guide and
// screenshot code), and it fetches no iframe document or Next.js runtime: a lower bound.
//
// Usage: window.helperWidgetConfig = { host }; <script src=".../loader.js" async></script>
(() => {
  const d = document;
  const script = d.currentScript;
  const base = script ? script.src : location.href;
  const host = (window.helperWidgetConfig || {}).host || new URL(base).origin;

  // Like Helper's sdk.js: a session on every page load, even if the widget is never opened.
  const session = fetch(`${host}/api/widget/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  }).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`session: HTTP ${r.status}`))));

  const css = d.createElement('style');
  css.textContent = `
[data-testid="launcher"]{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#222;color:#fff;font:24px/1 system-ui;cursor:pointer;z-index:2147483000}
#helper-baseline-panel{position:fixed;right:20px;bottom:90px;width:400px;height:560px;max-height:calc(100vh - 110px);overflow:auto;background:#fff;border:1px solid #000;border-radius:12px;padding:8px;box-sizing:border-box;font:14px/1.5 system-ui,sans-serif;z-index:2147483000}
#helper-baseline-panel[hidden]{display:none}
#helper-baseline-panel [data-testid="messages-list"]{display:flex;flex-direction:column;gap:8px}
#helper-baseline-panel [data-message-role="user"]{align-self:flex-end;background:#222;color:#fff;border-radius:8px;padding:4px 8px}
#helper-baseline-panel [data-message-role="assistant"]{border:1px solid #ddd;border-radius:8px;padding:4px 8px}
#helper-baseline-panel textarea{width:100%;box-sizing:border-box}`;

  // The panel exists (hidden) from the start, so the bench can observe it; it holds a loading
  // notice (Helper's loading overlay) until the bundle has rendered into `app`.
  const panel = d.createElement('div');
  panel.id = 'helper-baseline-panel';
  panel.setAttribute('data-testid', 'widget-panel');
  panel.setAttribute('role', 'dialog');
  panel.hidden = true;
  const loading = d.createElement('div');
  loading.setAttribute('data-testid', 'panel-loading');
  loading.textContent = 'Loading…';
  const app = d.createElement('div');
  panel.append(loading, app);

  const launcher = d.createElement('button');
  launcher.type = 'button';
  launcher.setAttribute('data-testid', 'launcher');
  launcher.setAttribute('aria-label', 'Open support chat');
  launcher.setAttribute('aria-expanded', 'false');
  launcher.textContent = '?';

  let bundle = null; // the import of app.js, started on the first open
  let mounted = false;
  let prompt = null; // the latest prompt clicked before the bundle was mounted

  const setOpen = (open) => {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
  };

  const open = (fromLauncher) => {
    setOpen(true);
    if (bundle) return;
    bundle = Promise.all([import(new URL('app.js', base).href), session]).then(([m, s]) => {
      loading.remove();
      m.mount(app, { host, token: s.token, prompt, autoFocus: fromLauncher && !prompt });
      mounted = true;
    });
    bundle.catch((e) => {
      bundle = null;
      loading.textContent = `Failed to load: ${e}`;
    });
  };

  launcher.addEventListener('click', () => {
    if (panel.hidden) open(true);
    else setOpen(false);
  });

  // Prompt links: before the bundle is mounted the loader keeps the text for it; after, the
  // bundle's own document listener sends it, and the loader only shows the panel.
  d.addEventListener('click', (e) => {
    const el = e.target.closest && e.target.closest('[data-helper-prompt]');
    if (!el) return;
    e.preventDefault();
    if (!mounted) prompt = el.getAttribute('data-helper-prompt');
    open(false);
  });

  const start = () => {
    d.head.append(css);
    d.body.append(panel);
    session.then(() => d.body.append(launcher), () => d.body.append(launcher));
  };
  if (d.body) start();
  else d.addEventListener('DOMContentLoaded', start, { once: true });
})();
