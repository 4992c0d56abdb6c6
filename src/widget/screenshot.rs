//! The screenshot opt-in in the composer, as Helper offers it: a checkbox that appears once the
//! draft reads like a bug report (or the visitor pressed Ctrl/⌘+Shift+S, which toggles it).
//! Unlike Helper, ticking it takes the screenshot at once and shows it in the attachment tray
//! ([`super::attach`]) before anything is sent; it then goes with the message like any
//! attached PNG, and removing it there unticks the box.
//!
//! The picture itself is taken by the loader's capture module (`embed/screenshot.js`, fetched
//! only now), which leaves the widget out and masks form fields. This module depends on the
//! tray, the browser-free keyword rule ([`helper_widget_core::bug_report`]) and the capture
//! function the embedding hands over ([`set_capture`]); it must not depend on the chat
//! controller or the network. Built with plain DOM calls ([`super::dom`]), as the tray is.

use super::attach::Tray;
use super::dom::{child, toggle};
use crate::i18n::t;
use helper_widget_core::bug_report::reads_like_bug_report;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, Event, HtmlInputElement, KeyboardEvent};

/// The shortcut, shown after the label (the same in every language).
const SHORTCUT_MAC: &str = "(⌘⇧S)";
const SHORTCUT_OTHER: &str = "(Ctrl+Shift+S)";
/// `aria-keyshortcuts` of the checkbox.
const KEYS_MAC: &str = "Meta+Shift+S";
const KEYS_OTHER: &str = "Control+Shift+S";

/// Longer than the capture module's own 10 s limit: this one also covers downloading it.
const CAPTURE_TIMEOUT_MS: u32 = 20_000;

thread_local! {
    /// The loader's `screenshot()`, which resolves to a PNG data URL of the page.
    static CAPTURE: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Hands over the function that takes a screenshot (the loader's), or takes it back. Without
/// one (a panel mounted outside a loader) ticking the box says no screenshot could be taken.
pub fn set_capture(capture: Option<js_sys::Function>) {
    CAPTURE.with(|c| *c.borrow_mut() = capture);
}

/// The composer form's listener, kept as long as the option.
type Listener = Closure<dyn FnMut(Event)>;

/// The checkbox row, once mounted.
struct Parts {
    form: Element,
    row: Element,
    input: HtmlInputElement,
    status: Element,
}

/// The opt-in's state. Lives in the composer, and dies with it.
pub struct ShotOption {
    tray: Rc<Tray>,
    /// The composer's "not ready to send" flag, held while a capture runs.
    busy: RwSignal<bool>,
    /// The draft asked for the box (a keyword, or the shortcut) since it was last empty.
    offered: Cell<bool>,
    /// Captures that failed: the loader then imports the capture module under a new URL, as
    /// the browser keeps a failed import failed.
    failures: Cell<u32>,
    parts: RefCell<Option<Parts>>,
    listener: RefCell<Option<Listener>>,
}

impl ShotOption {
    /// The opt-in for the composer whose tray is `tray` and whose sending waits on `busy`.
    pub fn new(tray: Rc<Tray>, busy: RwSignal<bool>) -> ShotOption {
        ShotOption {
            tray,
            busy,
            offered: Cell::new(false),
            failures: Cell::new(0),
            parts: RefCell::default(),
            listener: RefCell::default(),
        }
    }

    /// The message went: the box is unticked and hidden until the next draft asks for it.
    pub fn reset(&self) {
        self.offered.set(false);
        if let Some(p) = &*self.parts.borrow() {
            if !p.input.disabled() {
                p.input.set_checked(false);
            }
        }
        self.show();
    }

    /// Shows the row while it is offered or ticked. It goes after the composer's own controls,
    /// where Helper has it, and in that order for the keyboard.
    fn show(&self) {
        let Some(p) = &*self.parts.borrow() else {
            return;
        };
        let shown = self.offered.get() || p.input.checked();
        if shown && p.form.last_element_child().as_ref() != Some(&p.row) {
            let _ = p.form.append_child(&p.row);
        }
        toggle(&p.row, "hidden", !shown);
    }

    fn on_event(self: &Rc<Self>, ev: &Event) {
        let input = match &*self.parts.borrow() {
            Some(p) => p.input.clone(),
            None => return,
        };
        match ev.type_().as_str() {
            "input" => {
                let Some(draft) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                else {
                    return;
                };
                // Once offered, the box stays until the draft is emptied, as in Helper.
                let draft = draft.value();
                if draft.trim().is_empty() {
                    self.offered.set(false);
                } else if !self.offered.get() {
                    self.offered.set(reads_like_bug_report_in_any(&draft));
                }
                self.show();
            }
            "keydown" => {
                let key: &KeyboardEvent = ev.unchecked_ref();
                if !((key.ctrl_key() || key.meta_key())
                    && key.shift_key()
                    && key.key().eq_ignore_ascii_case("s"))
                {
                    return;
                }
                // The browser's own meaning (save page, or a screenshot tool) would take the
                // visitor away from the composer.
                ev.prevent_default();
                if input.disabled() {
                    return;
                }
                self.offered.set(true);
                input.set_checked(!input.checked());
                self.changed(&input);
            }
            "change" if ev.target().as_ref() == Some(input.as_ref()) => self.changed(&input),
            _ => {}
        }
    }

    /// The box was ticked or unticked (by a click, a key on it, or the shortcut).
    fn changed(self: &Rc<Self>, input: &HtmlInputElement) {
        if input.checked() {
            self.capture(input);
        } else {
            self.tray.remove_shot();
        }
        self.show();
    }

    /// Takes the screenshot and puts it in the tray; the box stays ticked, disabled, until then.
    fn capture(self: &Rc<Self>, input: &HtmlInputElement) {
        let Some(capture) = CAPTURE.with(|c| c.borrow().clone()) else {
            self.failed(input, &JsValue::from_str("no capture function"));
            return;
        };
        input.set_disabled(true);
        self.busy.set(true);
        self.status(t("composer.screenshot_busy"));
        let weak = Rc::downgrade(self);
        let input = input.clone();
        let failures = self.failures.get();
        leptos::task::spawn_local(async move {
            let result = shoot(&capture, failures).await;
            let Some(this) = weak.upgrade() else {
                return;
            };
            // The widget may have been destroyed while the page was captured.
            if this.busy.try_set(false).is_some() {
                return;
            }
            input.set_disabled(false);
            this.status("");
            match result {
                // The tray unticks the box if the screenshot cannot join (a sixth file).
                Ok(url) => this.tray.add_shot(url),
                Err(e) => this.failed(&input, &e),
            }
            this.show();
        });
    }

    fn failed(&self, input: &HtmlInputElement, e: &JsValue) {
        web_sys::console::warn_2(&"[Helper widget] screenshot failed".into(), e);
        self.failures.set(self.failures.get().saturating_add(1));
        input.set_checked(false);
        self.tray.alert(t("composer.screenshot_failed"));
    }

    fn status(&self, text: &str) {
        if let Some(p) = &*self.parts.borrow() {
            p.status.set_text_content(Some(text));
        }
    }
}

/// Calls `capture` (after `failures` failed captures) and waits for its data URL, within
/// [`CAPTURE_TIMEOUT_MS`]; anything but a PNG data URL is an error.
async fn shoot(capture: &js_sys::Function, failures: u32) -> Result<JsValue, JsValue> {
    let started = js_sys::Promise::resolve(&capture.call1(&JsValue::NULL, &failures.into())?);
    let limit =
        crate::api::timeout::rejects_after(CAPTURE_TIMEOUT_MS, "the screenshot took too long");
    let url = JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(&started, &limit))).await?;
    match url.dyn_ref::<js_sys::JsString>() {
        Some(s) if s.starts_with("data:image/png", 0) => Ok(url),
        _ => Err(JsValue::from_str("not a PNG data URL")),
    }
}

/// Mounts the attachment tray ([`super::attach::mount`]) and then the (hidden) checkbox row in
/// the composer `form` (a directive: one for both, as each directive is compiled on its own),
/// with the form's one listener, for the tray's events and this row's (the draft, the shortcut,
/// the box).
pub fn mount(form: Element, option: Rc<ShotOption>) {
    let _ = super::attach::mount(&form, &option.tray);
    let _ = build(&form, &option);
}

/// The row's structure; its text is set as text from the constants above.
const ROW: &str = r#"<label class="hw-shot__label"><input type="checkbox" data-testid="screenshot-option"><span></span><span class="hw-shot__keys" aria-hidden="true"></span></label><span class="hw-shot__status" role="status"></span>"#;

fn build(form: &Element, option: &Rc<ShotOption>) -> Option<()> {
    // Moved after the form's own controls when first shown: this directive runs before they
    // exist.
    let row = child(form, "div", "hw-shot", None, &[("hidden", "")])?;
    row.set_inner_html(ROW);
    let input: HtmlInputElement = row.query_selector("input").ok()??.unchecked_into();
    let spans = row.get_elements_by_tag_name("span");
    let mac = is_mac();
    input
        .set_attribute("aria-keyshortcuts", if mac { KEYS_MAC } else { KEYS_OTHER })
        .ok()?;
    // The label: Helper's words, in the visitor's language.
    spans
        .item(0)?
        .set_text_content(Some(t("composer.screenshot")));
    spans
        .item(1)?
        .set_text_content(Some(if mac { SHORTCUT_MAC } else { SHORTCUT_OTHER }));
    let status = spans.item(2)?;
    // Weak: the option owns this listener.
    let weak = Rc::downgrade(option);
    let listener = Listener::new(move |ev: Event| {
        if let Some(option) = weak.upgrade() {
            option.tray.on_event(&ev);
            option.on_event(&ev);
        }
    });
    for kind in [
        "click", "change", "dragover", "drop", "paste", "input", "keydown",
    ] {
        form.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref())
            .ok()?;
    }
    option.tray.set_shot_box(input.clone());
    *option.parts.borrow_mut() = Some(Parts {
        form: form.clone(),
        row,
        input,
        status,
    });
    *option.listener.borrow_mut() = Some(listener);
    Some(())
}

/// Whether the visitor's keyboard has ⌘ (Apple's platforms), for the shortcut's hint.
fn is_mac() -> bool {
    js_sys::Reflect::get(&window(), &"navigator".into())
        .and_then(|n| js_sys::Reflect::get(&n, &"platform".into()))
        .ok()
        .and_then(|p| p.as_string())
        .is_some_and(|p| p.starts_with("Mac") || p.starts_with("iP"))
}

/// Whether `draft` reads like a bug report in the visitor's language or in English (visitors
/// often write "error" or "bug" whatever their language).
fn reads_like_bug_report_in_any(draft: &str) -> bool {
    let key = "composer.screenshot_keywords";
    reads_like_bug_report(draft, crate::i18n::t(key))
        || reads_like_bug_report(draft, crate::i18n::english(key))
}
