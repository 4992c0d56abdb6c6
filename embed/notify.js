/* Helper widget loader, the part only some page views need: the session's notification bubbles
 * beside the launcher, and the launcher's unread badge.
 *
 * sdk.js imports this module (dist/notify-<hash>.js, named by embed/gen-sdk.sh) only when there
 * can be something to show: for an identified visitor, or in a browser where the chat code once
 * started a conversation (localStorage `helper_widget_rs_has_conversations`). Every other page
 * view never fetches it, so what every visitor pays stays sdk.js alone.
 *
 * One entry point, the default export, called by sdk.js with the widget's root element, API
 * base, call function (its queue for the chat code), abort signal (destroy()), language (its
 * BCP 47 tag, and its texts by key from locales/ with the site's overrides), and either
 * the session at page load or a session token when the chat code asks, through the bridge's
 * `unread(token)`, for a fresh unread count. Styles (style/notify.css, filled in as a string by
 * gen-sdk.sh) are adopted by the shadow root the first time, like the launcher's: no <style>
 * element, no style attribute. */

const CSS = "__NOTIFY_CSS__";
// This module's English texts (from locales/en.json), for what the language's leave out.
const EN = JSON.parse("__EN_TEXTS__");
const TIMEOUT_MS = 15000;
// Each one is a conversation; a taller stack would cover the page. The rest stay on the server
// ("sent") and show on a later page view once these are dealt with.
const MAX_BUBBLES = 3;

const element = (tag, className, text) => {
  const e = document.createElement(tag);
  e.className = className;
  if (text) e.textContent = text;
  return e;
};

// A JSON request to the Helper API with the session's token; resolves to the parsed body, or
// null on any failure (none of this is worth an error for the visitor). Limited in time, and
// cut short when the widget is destroyed.
const request = (ctx, method, path, body) => {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  const stop = () => abort.abort();
  ctx.signal.addEventListener("abort", stop);
  const headers = { Authorization: "Bearer " + ctx.token };
  if (body) headers["Content-Type"] = "application/json";
  return fetch(ctx.base + path, {
    method: method,
    headers: headers,
    body: body ? JSON.stringify(body) : undefined,
    credentials: "omit",
    signal: abort.signal,
  })
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null)
    .finally(() => {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", stop);
    });
};

// One started widget's state here, by its root element: what sdk.js passed, the newest token,
// and the badge's bookkeeping. Made on first use, when the stylesheet is adopted too.
const widgets = new WeakMap();
const widget = (root, base, call, signal, language) => {
  let ctx = widgets.get(root);
  if (!ctx) {
    const [lang, strings] = language;
    // The text of `key`, placeholders filled from `vars`; a count picks the plural form.
    const text = (key, vars) => {
      let v = strings[key] || EN[key];
      if (typeof v === "object") v = v[new Intl.PluralRules(lang).select(vars.count)] || v.other;
      return v.replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? vars[name].toLocaleString(lang) : m));
    };
    ctx = { root: root, base: base, call: call, signal: signal, text: text, token: "", label: "", latest: 0 };
    widgets.set(root, ctx);
    const shadow = root.getRootNode();
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  }
  return ctx;
};

// The badge: the number of conversations with unread replies, absent at 0. Screen readers get
// it in the launcher's name ("Support chat, 2 conversations with unread replies"); the digits
// themselves are hidden from them, so the number is not read twice.
const drawBadge = (ctx, launcher, count) => {
  const label = (ctx.label = ctx.label || launcher.getAttribute("aria-label"));
  let badge = launcher.querySelector(".hw-badge");
  launcher.setAttribute("aria-label", count ? ctx.text("notifications.unread", { label: label, count: count }) : label);
  if (!count) {
    if (badge) badge.remove();
    return;
  }
  if (!badge) {
    badge = element("span", "hw-badge");
    badge.setAttribute("data-testid", "unread-badge");
    badge.setAttribute("aria-hidden", "true");
    launcher.appendChild(badge);
  }
  badge.textContent = count > 99 ? "99+" : String(count);
};

// Fetches the unread count and redraws the badge. Only the latest request's answer counts, so
// an old answer arriving late cannot undo a newer one (the page-load count against the chat
// code's after a conversation is read).
const unread = (ctx, launcher) => {
  const mine = ++ctx.latest;
  return request(ctx, "GET", "/api/chat/conversations/unread").then((json) => {
    if (!json || mine !== ctx.latest || !launcher.isConnected) return;
    const count = Math.floor(Number(json.count));
    drawBadge(ctx, launcher, count > 0 ? count : 0);
  });
};

// One bubble per conversation. A click opens that conversation in the panel; Dismiss only
// removes the bubble. Either way every notification of that conversation is marked on the
// server, or the older ones would come back on the next page view.
const bubble = (ctx, launcher, list, slug, note) => {
  const item = element("div", "hw-note");
  item.setAttribute("data-testid", "notification");
  const open = element("button", "hw-note__open", note.text);
  const dismiss = element("button", "hw-note__dismiss", "\u00d7");
  open.type = dismiss.type = "button";
  dismiss.setAttribute("aria-label", ctx.text("notification.dismiss"));
  const done = (status) => {
    for (const id of note.ids) {
      request(ctx, "PATCH", "/api/widget/notification/" + encodeURIComponent(id), { status: status });
    }
    // Keyboard focus on the bubble stays in the widget: on the next bubble, else the launcher.
    // Not after a mouse click: focus on the launcher would fetch the chat code.
    const focused = item.querySelector(":focus-visible");
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    if (!list.firstChild) list.remove();
    if (focused) (next ? next.firstChild : launcher).focus();
  };
  open.addEventListener("click", () => {
    done("read");
    // The panel first, then the conversation: both wait in the loader's queue until the chat
    // code is mounted, like a launcher click.
    ctx.call("show", [], launcher);
    ctx.call("openConversation", [slug], launcher);
  });
  dismiss.addEventListener("click", () => done("dismissed"));
  item.append(open, dismiss);
  return item;
};

// The session's notifications as bubbles beside the launcher.
const showNotifications = (ctx, launcher, session) => {
  const notes = new Map(); // slug -> {text of the newest, ids}; the session lists newest first
  for (const n of Array.isArray(session.notifications) ? session.notifications : []) {
    if (!n || typeof n.text !== "string" || !n.text.trim() || typeof n.conversationSlug !== "string") {
      continue;
    }
    const seen = notes.get(n.conversationSlug);
    if (seen) seen.ids.push(n.id);
    else notes.set(n.conversationSlug, { text: n.text, ids: [n.id] });
  }
  if (notes.size) {
    const list = element("section", "hw-notes");
    list.setAttribute("aria-label", ctx.text("notifications.label"));
    for (const [slug, note] of [...notes].slice(0, MAX_BUBBLES)) {
      list.appendChild(bubble(ctx, launcher, list, slug, note));
    }
    // Right after the launcher in the tab order.
    launcher.after(list);
  }
};

export default (root, base, call, signal, language, sessionOrToken) => {
  if (signal.aborted) return; // destroyed while this module was on its way
  const ctx = widget(root, base, call, signal, language);
  const session = typeof sessionOrToken === "object" ? sessionOrToken : null;
  const token = session ? session.token : sessionOrToken;
  if (typeof token === "string" && token) ctx.token = token;
  const launcher = root.querySelector("[data-testid=launcher]");
  if (!launcher) return; // the page shows none (showToggleButton / showWidget false)
  if (session) showNotifications(ctx, launcher, session);
  return unread(ctx, launcher);
};
