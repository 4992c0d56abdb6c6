//! The host page's `data-helper-*` elements (embed-contract §5).
//!
//! One click listener on the document handles every `[data-helper-prompt]` and
//! `[data-helper-toggle]` element, including ones added later, because it looks the element up
//! from the click's target. A `MutationObserver` only exists to give late-added toggle elements
//! their `data-helper-open` attribute.

use super::EmbedError;
use crate::events;
use crate::widget::UiState;
use gloo_events::EventListener;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, MutationObserver, MutationObserverInit, MutationRecord};

const TOGGLE: &str = "[data-helper-toggle]";
const PROMPT: &str = "[data-helper-prompt]";
const OPEN_ATTR: &str = "data-helper-open";

/// Listeners and observers on the host page; dropping this removes them all.
pub struct PageBindings {
    _click: EventListener,
    observer: MutationObserver,
    _on_mutation: Closure<dyn FnMut(js_sys::Array)>,
}

impl PageBindings {
    /// Starts listening for clicks on page elements and for new toggle elements.
    pub fn bind(document: &Document, ui: UiState) -> Result<PageBindings, EmbedError> {
        let click = EventListener::new(document, "click", move |event| on_click(event, ui));

        let on_mutation =
            Closure::<dyn FnMut(js_sys::Array)>::new(move |records: js_sys::Array| {
                let open = ui.open.try_get_untracked().unwrap_or(false);
                for record in records.iter() {
                    let Ok(record) = record.dyn_into::<MutationRecord>() else {
                        continue;
                    };
                    let added = record.added_nodes();
                    for i in 0..added.length() {
                        if let Some(el) = added.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                            mark_toggles_within(&el, open);
                        }
                    }
                }
            });
        let observer = MutationObserver::new(on_mutation.as_ref().unchecked_ref())?;
        let init = MutationObserverInit::new();
        init.set_child_list(true);
        init.set_subtree(true);
        observer.observe_with_options(document, &init)?;
        Ok(PageBindings {
            _click: click,
            observer,
            _on_mutation: on_mutation,
        })
    }
}

impl Drop for PageBindings {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

fn on_click(event: &web_sys::Event, ui: UiState) {
    let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    if let Ok(Some(el)) = target.closest(PROMPT) {
        event.prevent_default();
        let text = el.get_attribute("data-helper-prompt").unwrap_or_default();
        ui.prompt(text);
    } else if let Ok(Some(_)) = target.closest(TOGGLE) {
        event.prevent_default();
        ui.toggle();
    }
}

/// Keeps every toggle element's `data-helper-open` equal to the panel's state and fires
/// `open`/`close` whenever it changes. The widget starts closed; comparing with that, rather
/// than with the effect's previous run, also reports an open made by calls queued before
/// mount (they run before the effect first does).
pub fn sync_open_state(ui: UiState) {
    let mut reported_open = false;
    Effect::new(move || {
        let open = ui.open.get();
        if let Some(root) = document().document_element() {
            mark_toggles_within(&root, open);
        }
        if open != reported_open {
            reported_open = open;
            events::emit(if open { "open" } else { "close" }, JsValue::UNDEFINED);
        }
    });
}

fn mark_toggles_within(root: &Element, open: bool) {
    let value = if open { "true" } else { "false" };
    if root.matches(TOGGLE).unwrap_or(false) {
        let _ = root.set_attribute(OPEN_ATTR, value);
    }
    if let Ok(list) = root.query_selector_all(TOGGLE) {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                let _ = el.set_attribute(OPEN_ATTR, value);
            }
        }
    }
}
