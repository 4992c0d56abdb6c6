//! Integration with the host page, the chat side of it: mounting the panel into the shadow root
//! the loader made, the events for `HelperWidget.on`, and the functions `sdk.js` calls.
//!
//! The loader (`embed/sdk.js`) owns everything else outside the panel: the shadow root and its
//! launcher, the page's `data-helper-*` attributes, the listener registry and the session
//! request. The components in [`crate::widget`] never look outside their shadow root, so they
//! can be mounted into a plain `<div>` in tests.

mod bridge;
pub mod exports;
mod js_config;
mod shadow;

pub use bridge::{Loader, UnreadBadge};

use crate::api::{storage, Api, SessionSource};
use crate::events;
use crate::widget::{add_size_button, UiState, Widget};
use helper_widget_core::config::Config;
use leptos::mount::{mount_to, UnmountHandle};
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use send_wrapper::SendWrapper;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

/// Id of the `<div>` appended to `<body>` that holds the shadow root (embed-contract §7).
pub const ROOT_ID: &str = "helper-widget-root";

/// Why the widget could not be mounted. Shown on the console; the host page is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The loader's bridge object lacks a field or has one of the wrong kind (a loader from
    /// another build than this chat code).
    #[error("sdk.js and the chat code do not match (bridge field `{0}`); reload the page")]
    Bridge(String),
    /// A DOM call threw.
    #[error("DOM error while mounting the widget: {0}")]
    Dom(String),
}

impl From<JsValue> for EmbedError {
    fn from(value: JsValue) -> Self {
        let message = js_sys::Reflect::get(&value, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "a DOM call failed".into());
        EmbedError::Dom(message)
    }
}

impl From<EmbedError> for JsValue {
    fn from(e: EmbedError) -> Self {
        js_sys::Error::new(&e.to_string()).into()
    }
}

/// What a mounted panel owns; dropping it removes its nodes and its stylesheet.
struct Mounted {
    ui: UiState,
    // Field order is drop order: the view's cleanups run before its nodes and sheet go.
    _view: UnmountHandle<AnyViewState>,
    container: web_sys::HtmlElement,
    _sheet: shadow::AdoptedSheet,
    _size_button: Option<Closure<dyn FnMut()>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.container.remove();
    }
}

thread_local! {
    static MOUNTED: RefCell<Option<Mounted>> = const { RefCell::new(None) };
}

/// Mounts the panel into the loader's shadow root (replacing one already mounted, so `init`
/// twice leaves exactly one widget).
pub fn mount(
    config: Config,
    loader: Loader,
    refresh_auth: Option<js_sys::Function>,
) -> Result<(), EmbedError> {
    unmount();
    let sheet = shadow::AdoptedSheet::adopt(&loader.shadow)?;
    let document = leptos::prelude::document();
    let container: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(document.create_element("div")?);
    container.set_class_name("hw-chat");
    loader.root.append_child(&container)?;

    let sessions = SessionSource::new(loader.session, loader.request_session, loader.identified);
    let api = SendWrapper::new(Api::new(loader.base, loader.owner, sessions, refresh_auth));
    let unread = SendWrapper::new(loader.unread);
    crate::widget::set_capture(Some(loader.screenshot));
    let ui_slot: Rc<RefCell<Option<UiState>>> = Rc::default();
    let slot = Rc::clone(&ui_slot);
    let view = mount_to(container.clone(), move || {
        let ui = UiState::new();
        *slot.borrow_mut() = Some(ui);
        report_open_state(ui);
        remember_minimized(ui);
        view! { <Widget config=config api=api ui=ui unread=unread /> }.into_any()
    });
    let ui = ui_slot
        .borrow_mut()
        .take()
        .ok_or_else(|| EmbedError::Dom("the widget view did not initialise".into()))?;
    let size_button = add_size_button(&container, ui);
    MOUNTED.with(|m| {
        *m.borrow_mut() = Some(Mounted {
            ui,
            _view: view,
            container,
            _sheet: sheet,
            _size_button: size_button,
        })
    });
    // The first message's time and its tooltip need the language's formatters; made now, in
    // idle time, they are not on the way to the first answer.
    leptos::prelude::request_idle_callback(crate::i18n::warm_up);
    Ok(())
}

/// Fires `open`/`close` whenever the panel's state changes; the loader keeps the launcher and
/// the page's toggle elements in step from these. The panel starts closed; comparing with
/// that, rather than with the effect's previous run, also reports an open made by calls queued
/// before mount (they run before the effect first does).
fn report_open_state(ui: UiState) {
    let mut reported_open = false;
    Effect::new(move || {
        let open = ui.open.get();
        if open != reported_open {
            reported_open = open;
            events::emit(if open { "open" } else { "close" }, JsValue::UNDEFINED);
        }
    });
}

/// The panel comes back at the size the visitor left it on an earlier page ([`UiState`] stores
/// each change). Phones show the panel full screen whatever its size.
fn remember_minimized(ui: UiState) {
    ui.minimized.set(storage::minimized());
}

/// Removes the panel and everything it added. Safe to call when not mounted.
pub fn unmount() {
    // Take it out first: dropping runs Leptos cleanups, which must not find the cell borrowed.
    let mounted = MOUNTED.with(|m| m.borrow_mut().take());
    drop(mounted);
    crate::widget::set_capture(None);
}

/// Runs `f` on the mounted widget's state; `None` when nothing is mounted.
pub fn with_ui<R>(f: impl FnOnce(UiState) -> R) -> Option<R> {
    let ui = MOUNTED.with(|m| m.borrow().as_ref().map(|m| m.ui))?;
    Some(f(ui))
}
