/* Helper widget loader: the only file a page names, <script src=".../sdk.js" async></script>.
 *
 * Every page view pays for this file, so it does only what must happen before a visitor shows
 * interest (embed-contract §8): it defines window.HelperWidget synchronously, draws the launcher
 * in the widget's open shadow root, starts the Helper session, and binds the page's
 * data-helper-* elements. The chat code (wasm-bindgen glue and .wasm, about 200 KB) is fetched
 * only on intent: a pointer over, focus on, touch of or click on the launcher or a data-helper-*
 * element, a HelperWidget call that needs the panel, or a panel that was open before a reload
 * (`preload: "idle" | "eager"` fetch it sooner). Calls and clicks made meanwhile are queued and
 * replayed in order once it is mounted.
 *
 * The loader owns what lives outside the panel: the launcher, the page's attributes, the event
 * listeners of HelperWidget.on, and the session request, whose one request format the wasm also
 * uses when it renews a session (it calls `requestSession` through the bridge given to hwInit).
 * The session's notification bubbles and the launcher's unread badge are the loader's too, but
 * live in a module of their own (embed/notify.js), imported only by page views that can have
 * something to show: an identified visitor, or a browser that once started a conversation.
 * Styles go through constructable stylesheets only, never a <style> element or a style
 * attribute, so pages whose Content-Security-Policy forbids inline styles still get a styled
 * widget; `theme` and `position` are a data-theme attribute and a class on the root, which
 * every stylesheet (launcher, panel, bubbles) reads. The panel's minimized state is the chat
 * code's alone (it only matters once the panel exists), stored by it as the open state is here.
 * Single-page apps that replace <body> (Turbo Drive, Astro view transitions) take the root
 * with the old body; it is put back into the new one, the same element, state intact.
 *
 * A screenshot for a message is taken by a third module (embed/screenshot.js), imported only when
 * the visitor asks for one.
 *
 * Trunk's post-build hook (embed/gen-sdk.sh) copies this file into dist/ with the hashed names of
 * the glue, the .wasm, notify.js and screenshot.js and the launcher's stylesheet filled in. Plain
 * ES2017, no build step of its own, so what ships is what is read here. */
(() => {
  "use strict";
  const w = window;
  const d = document;
  // Loaded twice: the first copy stays in charge, so the page keeps exactly one widget.
  if (w.HelperWidget && w.HelperWidget.__helperRustWidget) return;

  // Set for every classic <script>, async and defer included; not for modules or eval.
  const script = d.currentScript;
  if (!script) {
    console.error("[Helper widget] sdk.js must be a classic <script src>");
    return;
  }
  const scriptUrl = new URL(script.src, d.baseURI).href;
  const GLUE_URL = new URL("__GLUE__", scriptUrl).href;
  const WASM_URL = new URL("__WASM__", scriptUrl).href;
  const NOTIFY_URL = new URL("__NOTIFY__", scriptUrl).href;
  const SCREENSHOT_URL = new URL("__SCREENSHOT__", scriptUrl).href;
  const LAUNCHER_CSS = "__LAUNCHER_CSS__";
  // The languages with a catalogue besides English (the files of locales/, minified into a
  // directory named by their hash), and English's texts for the loader itself.
  const LOCALES = "__LOCALES__".split(" ");
  const LOCALE_DIR = new URL("__LOCALE_DIR__/", scriptUrl).href;
  const EN = JSON.parse("__EN_TEXTS__");

  const ROOT_ID = "helper-widget-root";
  const PROMPT = "[data-helper-prompt]";
  const TOGGLE = "[data-helper-toggle]";
  const INTENT = PROMPT + "," + TOGGLE + ",[data-helper-contact-form]";
  const TOKEN_KEY = "helper_widget_anonymous_session_token"; // Helper's own key: history carries over
  const OPEN_KEY = "helper_widget_rs_open";
  const HAS_KEY = "helper_widget_rs_has_conversations"; // set by the chat code (src/api/storage.rs)
  const SESSION_TIMEOUT_MS = 15000;
  // HelperWidget's methods that the chat code carries out, as `hw` + the name (hwShow, …).
  // All but hide need the panel, so calling one is intent (§8); so do the loader's own
  // openConversation (a notification's click) and contactForm (a contact-form element's).
  const METHODS = ["show", "hide", "toggle", "minimize", "maximize", "toggleMinimize", "sendPrompt"];
  const needsPanel = (method) => method !== "hide";

  const listeners = {};
  let chatCode = null; // promise of the instantiated glue module, shared by every init
  let glueFailures = 0; // a failed module import is cached by URL, so a retry needs a new one
  let instance = null; // the widget started by the latest init()
  let early = []; // calls made with no widget (data-delay-init, after destroy), for the next init

  const warn = (message) => console.warn("[Helper widget] helperWidgetConfig" + message);

  const emit = (name, detail) => {
    if (instance) instance.onEvent(name);
    for (const handler of (listeners[name] || []).slice()) {
      try {
        handler(detail);
      } catch (e) {
        console.error("[Helper widget] '" + name + "' listener threw", e);
      }
    }
  };

  // Privacy modes and sandboxed frames throw on access to localStorage (or it is null), and
  // writes can hit the quota: then the widget just forgets.
  const stored = (key) => {
    try {
      return w.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  };
  const store = (key, value) => {
    try {
      if (value === null) w.localStorage.removeItem(key);
      else w.localStorage.setItem(key, value);
    } catch (e) {}
  };

  // Fetches and instantiates the chat code once per page; a failure lets a later call retry.
  const loadChatCode = () => {
    if (!chatCode) {
      // The .wasm download starts beside the glue's, not after it, and compiles while it
      // streams in (instantiateStreaming, given the Response).
      const wasm = fetch(WASM_URL, { credentials: "omit" }).then((r) => {
        if (!r.ok) throw new Error("HTTP " + r.status + " for " + WASM_URL);
        return r;
      });
      wasm.catch(() => {}); // reported through the chain below
      const glue = glueFailures ? GLUE_URL + "?retry=" + glueFailures : GLUE_URL;
      chatCode = import(glue)
        .catch((e) => {
          glueFailures++;
          throw e;
        })
        .then((m) => m.default({ module_or_path: wasm }).then(() => m))
        .catch((e) => {
          chatCode = null;
          throw e;
        });
    }
    return chatCode;
  };

  // ---- configuration the loader itself needs (the chat code validates the rest) ----------------

  const isObject = (v) => v !== null && typeof v === "object";

  const readHost = (config) => {
    const host = config.host;
    if (host === undefined || host === null) return new URL(scriptUrl).origin;
    let url = null;
    try {
      url = new URL(host.trim()); // not a string: no trim, caught like a malformed URL
    } catch (e) {}
    if (url && /^https?:$/.test(url.protocol) && !url.search && !url.hash && url.host) {
      return (url.origin + url.pathname).replace(/\/+$/, "");
    }
    warn(".host must be an absolute http(s) URL, not \"" + host + "\"; using the origin of sdk.js");
    return new URL(scriptUrl).origin;
  };

  const DEFAULT_ACCENT = [34, 34, 34]; // #222
  // Any CSS colour the browser knows; alpha is ignored. The canvas normalises it to sRGB.
  const readColor = (value) => {
    if (value == null) return DEFAULT_ACCENT;
    const ctx = typeof value === "string" && CSS.supports("color", value)
      ? d.createElement("canvas").getContext("2d")
      : null;
    if (ctx) {
      ctx.fillStyle = "#000";
      ctx.fillStyle = value;
      ctx.fillRect(0, 0, 1, 1);
      const px = ctx.getImageData(0, 0, 1, 1).data;
      return [px[0], px[1], px[2]];
    }
    warn(".iconColor must be a CSS colour, not \"" + value + "\"; using the default");
    return DEFAULT_ACCENT;
  };

  // The page's language as a canonical BCP 47 tag: config `locale`, else <html lang>, else the
  // browser's; one `Intl` accepts, so the chat code's `Intl` calls cannot throw on it.
  const readLocale = (config) => {
    for (const [tag, given] of [[config.locale, 1], [d.documentElement.lang], [navigator.language]]) {
      if (tag == null || tag === "") continue;
      try {
        return Intl.getCanonicalLocales(tag.trim())[0];
      } catch (e) {
        if (given) warn(".locale must be a language tag like \"de\", not \"" + tag + "\"");
      }
    }
    return "en";
  };

  // The texts of `lang` laid over English: the language's catalogue (its region's, else its
  // own; fetched, within 5 s) and then the site's `messages`, a text with plural forms form by
  // form (an override of `other` keeps the language's `one`, `few`…). Never rejects.
  const readTexts = (lang, overrides, signal) => {
    const tag = lang.toLowerCase();
    const file = [tag, tag.split("-")[0]].find((l) => LOCALES.includes(l));
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 5000);
    signal.addEventListener("abort", () => abort.abort());
    return (file ? fetch(LOCALE_DIR + file + ".json", { credentials: "omit", signal: abort.signal }) : Promise.reject())
      .then((r) => r.json())
      .catch(() => ({}))
      .then((texts) => {
        clearTimeout(timer);
        for (const k in overrides) texts[k] = isObject(texts[k]) ? Object.assign({}, texts[k], overrides[k]) : overrides[k];
        return texts;
      });
  };

  // config[name] if it is one of `choices`; unset gives the first (the default), and anything
  // else warns and gives it too.
  const readChoice = (config, name, choices) => {
    const v = config[name];
    if (v == null || choices.includes(v)) return v || choices[0];
    warn("." + name + " should be " + choices.join(" | ") + "; using " + choices[0]);
    return choices[0];
  };

  // {email, emailHash, timestamp, customerMetadata} of an identified visitor, or null. `problem`
  // receives why a partly given identity cannot be used.
  const readIdentity = (source, problem) => {
    const text = (v) => (typeof v === "string" && v.trim() ? v.trim() : null);
    const email = text(source.email);
    const emailHash = text(source.emailHash);
    const timestamp = typeof source.timestamp === "number" && isFinite(source.timestamp)
      ? Math.trunc(source.timestamp)
      : null;
    if (email === null && emailHash === null && source.timestamp == null) return null;
    const missing = [];
    if (email === null) missing.push("email");
    if (emailHash === null) missing.push("emailHash");
    if (timestamp === null) missing.push("timestamp (a number of milliseconds, Date.now())");
    if (missing.length) {
      problem("an identified session needs email, emailHash and timestamp (missing or malformed: " + missing.join(", ") + ")");
      return null;
    }
    const metadata = source.customerMetadata;
    return {
      email: email,
      emailHash: emailHash,
      timestamp: timestamp,
      customerMetadata: isObject(metadata) ? metadata : null,
    };
  };

  // ---- the session (helper-api.md §1.1): one request format, for start-up and renewal --------

  // Resolves to {ok: true, token, showWidget, ...Helper's fields} or {ok: false, status, error}
  // (status 0: no response; -1: the identity given is unusable). Never rejects.
  const requestSession = (base, identity, signal) => {
    const body = Object.assign({ currentURL: location.href }, identity || { currentToken: stored(TOKEN_KEY) });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), SESSION_TIMEOUT_MS);
    const onAbort = () => abort.abort();
    if (signal) signal.addEventListener("abort", onAbort);
    return fetch(base + "/api/widget/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      signal: abort.signal,
    })
      .then((response) =>
        response.text().then((text) => {
          let json = null;
          try {
            json = JSON.parse(text);
          } catch (e) {}
          if (!response.ok) {
            const error = isObject(json) && typeof json.error === "string" ? json.error : text.trim().slice(0, 200);
            return { ok: false, status: response.status, error: error || "HTTP " + response.status };
          }
          if (!isObject(json) || typeof json.token !== "string") {
            return { ok: false, status: response.status, error: "no token in the session" };
          }
          // As Helper's SDK does: an identified visitor's page keeps no anonymous identity.
          store(TOKEN_KEY, identity ? null : json.token);
          return Object.assign({}, json, { ok: true });
        })
      )
      .catch((e) => ({
        ok: false,
        status: 0,
        error: abort.signal.aborted ? "the support server did not answer in time" : String((e && e.message) || e),
      }))
      .finally(() => {
        clearTimeout(timer);
        if (signal) signal.removeEventListener("abort", onAbort);
      });
  };

  // ---- one started widget -------------------------------------------------------------------

  const svg = (cls, path, width) =>
    '<svg class="hw-icon ' + cls + '" viewBox="0 0 24 24" aria-hidden="true"><path d="' + path +
    '" fill="none" stroke="currentColor" stroke-width="' + width + '" stroke-linecap="round" stroke-linejoin="round"/></svg>';
  const LAUNCHER_ICONS =
    svg("hw-icon--chat", "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6A.5.5 0 0 1 5 19.2V16h-.5A2.5 2.5 0 0 1 2 13.5", "1.8") +
    svg("hw-icon--close", "M6 6l12 12M18 6L6 18", "2");

  const sheet = (css) => {
    const s = new CSSStyleSheet();
    s.replaceSync(css);
    return s;
  };

  // A started widget: init() makes one, destroy() ends it. A closure rather than a class, so
  // the minifier can shorten every name in it.
  const createWidget = (given) => {
    const config = isObject(given) ? given : {};
    if (!isObject(given) && given !== undefined && given !== null) {
      warn(" should be an object; using the defaults");
    }
    const base = readHost(config);
    let identity = readIdentity(config, (why) => warn(": " + why + "; starting an anonymous session"));
    const preload = readChoice(config, "preload", ["intent", "idle", "eager"]);
    const theme = readChoice(config, "theme", ["auto", "light", "dark"]);
    const lang = readLocale(config);
    const rtl = /^(ar|he|fa|ur)\b/i.test(lang);
    // Right-to-left pages mirror the widget, the launcher's corner included (unless given).
    const left = readChoice(config, "position", rtl ? ["left", "right"] : ["right", "left"]) === "left";
    const overrides = config.messages;
    if (overrides != null && !isObject(overrides)) warn(".messages should be an object of texts by key; ignoring it");
    const toggleOption = config.showToggleButton;
    if (toggleOption != null && typeof toggleOption !== "boolean") {
      warn(".showToggleButton should be true or false; ignoring it");
    }
    const showToggle = typeof toggleOption === "boolean" ? toggleOption : null;
    const rgb = readColor(config.iconColor);
    // Black or white on the accent, whichever contrasts more by WCAG's relative luminance L
    // (both equally at L = 0.1791): at least 4.58:1 whatever the colour, where Helper's
    // brightness rule puts white on pure red (4:1).
    const [r, g, b] = rgb.map((c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    const onAccent = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.1791 ? "#000" : "#fff";
    // The browser's own colours (scrollbars, form controls, Canvas) follow `theme` too.
    const themeCss = ".hw-root{--hw-accent:rgb(" + rgb.join(",") + ");--hw-on-accent:" + onAccent +
      ";color-scheme:" + (theme === "auto" ? "light dark" : theme) + "}";

    let queue = early; // [method, args] waiting for the chat code
    early = [];
    let mod = null; // the glue module once this widget's chat is mounted
    let open = false;
    let loading = false;
    let dead = false;
    let host = null;
    let body = null; // the <body> the root was put in
    let shadow = null;
    let root = null;
    let launcher = null;
    let loadError = null;
    let opener = null; // what opened the panel: focus goes back there on close
    // The launcher or page element whose click was carried out last (null after an API call);
    // the `open` event, which comes a moment later, takes it as the opener.
    let clicked = null;
    let started = null; // start()'s promise: the chat mounts after `ready`, never before
    const abort = new AbortController();
    const cleanups = [];
    const session = requestSession(base, identity, abort.signal);
    const texts = readTexts(lang, isObject(overrides) ? overrides : {}, abort.signal);
    let strings = {}; // texts once read
    const text = (key) => strings[key] || EN[key];

    // Hands embed/notify.js the session at page load, or a token when the chat code asks for a
    // fresh unread count; the module is imported on first use.
    const notify = (sessionOrToken) =>
      import(NOTIFY_URL).then(
        (m) => m.default(root, base, call, abort.signal, [lang, strings], sessionOrToken),
        () => {} // without bubbles and badge the widget still works
      );

    const on = (target, type, handler, options) => {
      target.addEventListener(type, handler, options);
      cleanups.push(() => target.removeEventListener(type, handler, options));
    };

    const markToggles = (within) => {
      const value = String(open);
      if (within.matches(TOGGLE)) within.setAttribute("data-helper-open", value);
      for (const el of within.querySelectorAll(TOGGLE)) el.setAttribute("data-helper-open", value);
    };

    const renderLoading = () => {
      if (!launcher) return;
      launcher.classList.toggle("hw-launcher--loading", loading);
      if (loading) launcher.setAttribute("aria-busy", "true");
      else launcher.removeAttribute("aria-busy");
    };

    const hideLoadError = () => {
      if (loadError) loadError.remove();
      loadError = null;
    };

    // The chat code could not be fetched: say so where the visitor looked, with a way to retry.
    const showLoadError = () => {
      if (loadError || !root) return;
      loadError = d.createElement("div");
      loadError.className = "hw-load-error";
      loadError.setAttribute("role", "alert");
      loadError.setAttribute("data-testid", "load-error");
      const note = d.createElement("p");
      note.textContent = text("load.failed");
      const retry = d.createElement("button");
      retry.type = "button";
      retry.textContent = text("load.retry");
      retry.addEventListener("click", () => {
        hideLoadError();
        load();
      });
      loadError.append(note, retry);
      root.appendChild(loadError);
    };

    const loadFailed = (e) => {
      console.error("[Helper widget] the chat code failed to load", e);
      loading = false;
      if (dead) return;
      renderLoading();
      showLoadError();
      emit("error", { message: text("load.failed") });
    };

    // What the chat code needs from the loader (read by src/embed/bridge.rs).
    const bridge = () => ({
      shadow: shadow,
      root: root,
      base: base,
      identified: identity !== null,
      owner: identity ? "email:" + identity.email : "anonymous",
      session: session,
      // Renewal: the stored anonymous token again, or the identity refreshAuth resolved to.
      requestSession: (fresh) => {
        if (fresh == null) return requestSession(base, identity, abort.signal);
        let problem = "refreshAuth must resolve to {email, emailHash, timestamp}";
        const next = isObject(fresh) ? readIdentity(fresh, (why) => (problem = "refreshAuth: " + why)) : null;
        if (!next) return Promise.resolve({ ok: false, status: -1, error: problem });
        identity = next;
        return requestSession(base, identity, abort.signal);
      },
      // unread(token): redraws the launcher's unread badge from a count fetched with `token`.
      unread: notify,
      locale: lang,
      messages: strings,
      // A PNG data URL of the page as the visitor sees it, the widget left out and form fields
      // masked (embed/screenshot.js: modern-screenshot, fetched only when a visitor asks).
      // `?<failures so far>` (the chat code counts them): a failed import stays failed, so a
      // retry needs a new URL.
      screenshot: (failures) => import(SCREENSHOT_URL + "?" + failures).then((m) => m.default(host)),
    });

    const mountChat = (glue) => {
      if (dead || instance !== widget) return;
      try {
        glue.hwInit(config, emit, bridge());
      } catch (e) {
        loadFailed(e);
        return;
      }
      mod = glue;
      loading = false;
      renderLoading();
      hideLoadError();
      const calls = queue;
      queue = [];
      // A listener may destroy() the widget during any of these calls.
      for (const [method, args, element] of calls) {
        if (dead) break;
        clicked = element || null;
        run(glue, method, args);
      }
    };

    // Needs the shadow root, so it waits for start() to have made it (calls made before that
    // are queued, and start() loads if one of them needs the panel).
    const load = () => {
      if (mod || loading || dead || !root) return;
      loading = true;
      renderLoading();
      Promise.all([loadChatCode(), started]).then(([glue]) => mountChat(glue), loadFailed);
    };

    const whenIdle = () => {
      const idle = () => {
        const conn = navigator.connection;
        if (conn && conn.saveData) return; // the visitor asked for fewer bytes
        if (w.requestIdleCallback) {
          const id = w.requestIdleCallback(load, { timeout: 5000 });
          cleanups.push(() => w.cancelIdleCallback(id));
        } else {
          const id = setTimeout(load, 1000);
          cleanups.push(() => clearTimeout(id));
        }
      };
      if (d.readyState === "complete") idle();
      else on(w, "load", idle, { once: true });
    };

    // Into the page's current body. Another #helper-widget-root there is stale: left by another
    // copy of the widget, or a copy without shadow root in a body a single-page app cached
    // (Turbo's snapshots): the page keeps one.
    const placeRoot = () => {
      const stale = d.getElementById(ROOT_ID);
      if (stale) stale.remove();
      body = d.body;
      body.appendChild(host);
    };

    const mountRoot = () => {
      host = d.createElement("div");
      host.id = ROOT_ID;
      shadow = host.attachShadow({ mode: "open" });
      shadow.adoptedStyleSheets = [sheet(LAUNCHER_CSS), sheet(themeCss)];
      root = d.createElement("div");
      root.className = "hw-root hw-widget" + (left ? " hw-root--left" : "");
      root.dataset.theme = theme;
      root.lang = lang;
      root.dir = rtl ? "rtl" : "ltr";
      shadow.appendChild(root);
      placeRoot();
    };

    const showLauncher = (visible) => {
      if (dead) return;
      if (visible && !launcher) {
        launcher = d.createElement("button");
        launcher.type = "button";
        launcher.className = "hw-launcher";
        launcher.setAttribute("data-testid", "launcher");
        launcher.setAttribute("aria-label", text("launcher.label"));
        launcher.setAttribute("aria-controls", "hw-panel");
        launcher.setAttribute("aria-expanded", String(open));
        launcher.innerHTML = LAUNCHER_ICONS;
        launcher.addEventListener("click", () => call("toggle", [], launcher));
        for (const type of ["pointerenter", "focus", "touchstart", "pointerdown"]) {
          launcher.addEventListener(type, load, { passive: true });
        }
        root.insertBefore(launcher, root.firstChild);
        renderLoading();
      }
      emit("ready");
    };

    // Page elements: delegated from the document, so elements added later count too.
    const bindPage = () => {
      const closest = (e, selector) => (e.target instanceof Element ? e.target.closest(selector) : null);
      // pointerenter and focus do not bubble, but a document listener sees them while capturing.
      for (const type of ["pointerenter", "focusin", "touchstart", "pointerdown"]) {
        on(d, type, (e) => closest(e, INTENT) && load(), { capture: true, passive: true });
      }
      on(d, "click", (e) => {
        const el = closest(e, INTENT); // the innermost one, if they are nested
        if (!el) return;
        e.preventDefault(); // a prompt link never navigates, even before the chat code is here
        if (el.matches(PROMPT)) call("sendPrompt", [el.getAttribute("data-helper-prompt")], el);
        else if (el.matches(TOGGLE)) call("toggle", [], el);
        else {
          // A contact form is shown in the panel, so the panel opens first.
          call("show", [], el);
          call("contactForm", [], el);
        }
      });
      markToggles(d.documentElement);
      const observer = new MutationObserver((records) => {
        // The body was replaced (a single-page app's navigation) and the root went with it: the
        // same root, panel and listeners, goes into the new body. A root the page removed from
        // a body it kept stays removed.
        if (d.body && d.body !== body && !host.isConnected) placeRoot();
        for (const r of records) {
          for (const node of r.addedNodes) if (node instanceof Element) markToggles(node);
        }
      });
      observer.observe(d, { childList: true, subtree: true });
      cleanups.push(() => observer.disconnect());
    };

    // On close, focus goes back to what opened the panel (the launcher, a toggle, a prompt link;
    // the launcher for an API call); only if it was in the widget, never taken from the page.
    const returnFocus = (active) => {
      const back = opener && opener.isConnected ? opener : launcher;
      opener = null;
      if (back && (active === host || active === d.body || !active)) back.focus();
    };



    // A HelperWidget method, or what a click on `element` asks for: runs now if the chat is
    // mounted, else waits (in order) for it.
    const call = (method, args, element) => {
      if (!mod) {
        queue.push([method, args, element]);
        if (needsPanel(method)) load();
        return;
      }
      clicked = element || null;
      return run(mod, method, args);
    };

    const widget = {
      call: call,

      // Resolves once the launcher is mounted (or, with no launcher to show, once the API works).
      start: () =>
        // The texts first: nothing shows in the wrong language (English needs no fetch).
        (started = Promise.all([whenBody(), texts]).then(([, read]) => {
          if (dead) return;
          strings = read;
          mountRoot();
          bindPage();
          // Open again as before the reload, without taking focus from the page.
          if (stored(OPEN_KEY) === "1") call("reopen", []);
          if (queue.some(([method]) => needsPanel(method))) load();
          if (preload === "eager") load();
          if (preload === "idle") whenIdle();
          // Helper's rule: without showToggleButton the session's showWidget decides; a failed
          // session still shows the launcher, so opening the panel can explain the problem.
          const shown = showToggle !== null
            ? showLauncher(showToggle)
            : session.then((s) => showLauncher(!s.ok || s.showWidget !== false));
          // Bubbles and badge, beside a launcher, for visitors who can have conversations
          // (runs after showLauncher: promise callbacks run in the order they were added).
          session.then((s) => s.ok && launcher && (identity || stored(HAS_KEY)) && notify(s));
          return shown;
        })),

      // Events from the chat code pass through here first, to keep the launcher and the page's
      // toggle elements in step with the panel.
      onEvent: (name) => {
        if (name !== "open" && name !== "close") return;
        open = name === "open";
        store(OPEN_KEY, open ? "1" : null);
        if (root) {
          root.classList.toggle("hw-widget--open", open);
          markToggles(d.documentElement);
        }
        if (launcher) launcher.setAttribute("aria-expanded", String(open));
        if (open) opener = clicked;
        else returnFocus(d.activeElement);
        clicked = null;
      },

      destroy: () => {
        dead = true;
        abort.abort();
        if (mod) run(mod, "destroy", []);
        mod = null;
        queue = [];
        for (const cleanup of cleanups.splice(0)) cleanup();
        if (host) host.remove();
      },
    };
    return widget;
  };

  const run = (mod, method, args) => {
    try {
      return mod["hw" + method[0].toUpperCase() + method.slice(1)].apply(null, args);
    } catch (e) {
      console.error("[Helper widget] " + method + " failed", e);
    }
  };

  const whenBody = () =>
    d.body
      ? Promise.resolve()
      : new Promise((resolve) => d.addEventListener("DOMContentLoaded", () => resolve(), { once: true }));

  const api = {
    __helperRustWidget: true,
    init(config) {
      if (instance) instance.destroy();
      // Auto-init reads the page's config as late as possible, so a config set after an async
      // tag still counts.
      const mine = createWidget(config === undefined ? w.helperWidgetConfig : config);
      instance = mine;
      return mine.start().then(() => api);
    },
    destroy() {
      if (instance) instance.destroy();
      instance = null;
    },
    on(name, handler) {
      if (typeof handler !== "function") return () => {};
      (listeners[name] = listeners[name] || []).push(handler);
      return () => {
        const hs = listeners[name] || [];
        const i = hs.indexOf(handler);
        if (i >= 0) hs.splice(i, 1);
      };
    },
  };
  for (const method of METHODS) {
    api[method] = (...args) => {
      if (instance) instance.call(method, args);
      else early.push([method, args]);
    };
  }
  w.HelperWidget = api;

  if (!script.hasAttribute("data-delay-init")) {
    api.init().catch((e) => console.error("[Helper widget] failed to start", e));
  }
})();
