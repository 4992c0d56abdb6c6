//! The functions `sdk.js` calls once the chat code has loaded. The loader owns the public
//! `window.HelperWidget` object, its queue of early calls and its listener registry; these
//! are the operations behind it. Every one is safe to call in any state: before `init` or
//! after `destroy` they do nothing.

use super::js_config;
use crate::events;
use wasm_bindgen::prelude::*;

/// Mounts the chat panel (replacing any mounted one) once the loader has the chat code.
///
/// `config` is the page's configuration (this side reads `title` and `refreshAuth`; the loader
/// read the rest), `emit` the loader's `emit(name, detail)`, and `bridge` what the loader made
/// for the chat (see [`super::Loader`]). A failure is thrown; the loader reports it.
#[wasm_bindgen(js_name = hwInit)]
pub fn hw_init(config: JsValue, emit: js_sys::Function, bridge: JsValue) -> Result<(), JsValue> {
    events::set_emitter(Some(emit));
    let loader = super::Loader::read(&bridge)?;
    // Before anything is drawn: every text is looked up as it is.
    crate::i18n::set(&loader.locale, &loader.messages);
    let refresh_auth = js_config::refresh_auth(&config);
    let config = js_config::read(&config);
    super::mount(config, loader, refresh_auth).map_err(JsValue::from)
}

/// `HelperWidget.destroy()`: removes every node, listener and timer the widget added.
#[wasm_bindgen(js_name = hwDestroy)]
pub fn hw_destroy() {
    super::unmount();
    // Whatever still runs (a request settling, a timer) can no longer reach the page's listeners.
    events::set_emitter(None);
}

/// `HelperWidget.show()`.
#[wasm_bindgen(js_name = hwShow)]
pub fn hw_show() {
    super::with_ui(|ui| ui.show());
}

/// The loader's reopening of a panel that was open before a reload (no focus move).
#[wasm_bindgen(js_name = hwReopen)]
pub fn hw_reopen() {
    super::with_ui(|ui| ui.reopen());
}

/// `HelperWidget.hide()`.
#[wasm_bindgen(js_name = hwHide)]
pub fn hw_hide() {
    super::with_ui(|ui| ui.hide());
}

/// `HelperWidget.toggle()`.
#[wasm_bindgen(js_name = hwToggle)]
pub fn hw_toggle() {
    super::with_ui(|ui| ui.toggle());
}

/// `HelperWidget.minimize()`.
#[wasm_bindgen(js_name = hwMinimize)]
pub fn hw_minimize() {
    super::with_ui(|ui| ui.set_minimized(true));
}

/// `HelperWidget.maximize()`.
#[wasm_bindgen(js_name = hwMaximize)]
pub fn hw_maximize() {
    super::with_ui(|ui| ui.set_minimized(false));
}

/// `HelperWidget.toggleMinimize()`.
#[wasm_bindgen(js_name = hwToggleMinimize)]
pub fn hw_toggle_minimize() {
    super::with_ui(|ui| ui.toggle_minimized());
}

/// `HelperWidget.sendPrompt(text)`: as a click on a `data-helper-prompt` element.
#[wasm_bindgen(js_name = hwSendPrompt)]
pub fn hw_send_prompt(text: JsValue) {
    let text = text.as_string().unwrap_or_default();
    super::with_ui(|ui| ui.prompt(text));
}

/// The loader's opening of one of the visitor's conversations (a notification was clicked).
#[wasm_bindgen(js_name = hwOpenConversation)]
pub fn hw_open_conversation(slug: JsValue) {
    if let Some(slug) = slug.as_string() {
        super::with_ui(|ui| ui.open_conversation(slug));
    }
}

/// The loader's opening of the contact form (a `data-helper-contact-form` element was clicked).
#[wasm_bindgen(js_name = hwContactForm)]
pub fn hw_contact_form() {
    super::with_ui(|ui| ui.contact_form());
}
