/* The screenshot a visitor may attach to a message: what they see of the host page, as a PNG
 * data URL. A module of its own (dist/screenshot-<hash>.js, modern-screenshot bundled in), which
 * embed/sdk.js imports only when the visitor ticks "Include a screenshot": no page view and no
 * panel open pays for it.
 *
 * Privacy first, since the picture leaves the page: the widget itself is left out, and every
 * form field is painted as a plain grey box with nothing of its value, placeholder or options,
 * so passwords, card numbers and half-typed text never reach the support team. Masking happens
 * in modern-screenshot's clone of the page; the live page is never touched.
 *
 * Depends on modern-screenshot only (no widget code, no network of its own: images and fonts the
 * page already uses are fetched again by the library, each within ASSET_TIMEOUT_MS). */
import { domToPng } from "modern-screenshot";

// The box a masked field becomes; e2e tests read this exact colour back from the PNG.
const MASK = "#9ca3af";
// The whole capture; a page with huge images or slow fonts must not keep the visitor waiting.
const CAPTURE_TIMEOUT_MS = 10000;
const ASSET_TIMEOUT_MS = 5000;
// Retina pictures are four times the bytes for little gain in a support ticket.
const MAX_SCALE = 2;
// Inputs whose content is a choice or a label the page wrote, not something the visitor typed.
const UNMASKED_INPUTS = ["hidden", "checkbox", "radio", "button", "submit", "reset", "image"];

const isField = (el) => {
  const tag = el.tagName;
  if (tag === "INPUT") return !UNMASKED_INPUTS.includes((el.getAttribute("type") || "").toLowerCase());
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  const editable = el.getAttribute("contenteditable");
  return editable !== null && editable.toLowerCase() !== "false";
};

// `el` is a clone, already holding the original's computed size as inline style, so emptying
// it does not change the layout.
const mask = (el) => {
  el.removeAttribute("value");
  el.removeAttribute("placeholder");
  el.textContent = ""; // a textarea's text, a select's options, an editable's content
  const s = el.style;
  for (const [name, value] of [
    ["background", MASK],
    ["border-color", MASK],
    ["color", "transparent"],
    ["-webkit-text-fill-color", "transparent"],
    ["caret-color", "transparent"],
    ["box-shadow", "none"],
    ["appearance", "none"],
    ["-webkit-appearance", "none"],
    ["opacity", "1"],
    ["filter", "none"],
  ]) {
    s.setProperty(name, value, "important");
  }
};

// The page's own background, so a transparent page is not a black picture.
const background = () => {
  for (const el of [document.body, document.documentElement]) {
    const color = el ? getComputedStyle(el).backgroundColor : "";
    if (color && color !== "transparent" && !/^rgba\(.*,\s*0\)$/.test(color)) return color;
  }
  return "#fff";
};

/** Resolves to a PNG data URL of the viewport as the visitor sees it, without `exclude` (the
 * widget's root element) and with every form field masked; rejects on failure or after
 * CAPTURE_TIMEOUT_MS. */
export default function capture(exclude) {
  const root = document.documentElement;
  const x = window.scrollX;
  const y = window.scrollY;
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("the screenshot took too long")), CAPTURE_TIMEOUT_MS);
  });
  const shot = domToPng(root, {
    // The viewport, not the whole document: what the visitor is asking about.
    width: root.clientWidth,
    height: root.clientHeight,
    scale: Math.min(window.devicePixelRatio || 1, MAX_SCALE),
    backgroundColor: background(),
    // The page moved up by the scroll offset. A transform makes the root the containing block
    // of fixed elements too, so those are moved back down where they are seen (below).
    style: x || y ? { transform: "translate(" + -x + "px," + -y + "px)" } : null,
    filter: (node) => node !== exclude,
    timeout: ASSET_TIMEOUT_MS,
    onCloneEachNode: (el) => {
      if (el.nodeType !== 1) return;
      if (isField(el)) mask(el);
      if ((x || y) && el.style.position === "fixed") el.style.translate = x + "px " + y + "px";
    },
  });
  return Promise.race([shot, limit]).finally(() => clearTimeout(timer));
}
