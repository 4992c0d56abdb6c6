//! Events for `HelperWidget.on(event, handler)` (embed-contract §4).
//!
//! The listener registry lives in `sdk.js`, so handlers registered before the wasm has loaded
//! are kept; this side only calls the `emit(name, detail)` function the loader hands over.

use std::cell::RefCell;
use wasm_bindgen::JsValue;

/// Builds an event's detail as a plain JavaScript object (not a `Map`) from JSON.
pub fn detail(value: serde_json::Value) -> JsValue {
    crate::json::to_js(&value)
}

thread_local! {
    static EMIT: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Installs the loader's `emit` function (called by `hwInit`).
pub fn set_emitter(emit: Option<js_sys::Function>) {
    EMIT.with(|e| *e.borrow_mut() = emit);
}

/// Sends `name` with `detail` to the page's listeners. A throwing listener is the page's
/// problem: the loader catches and logs it, so it cannot break the widget.
pub fn emit(name: &str, detail: JsValue) {
    let emit = EMIT.with(|e| e.borrow().clone());
    if let Some(f) = emit {
        if let Err(e) = f.call2(&JsValue::NULL, &JsValue::from_str(name), &detail) {
            web_sys::console::error_2(&"[Helper widget] event listener failed:".into(), &e);
        }
    }
}
