//! Integration with the host page: mounting into an isolated shadow root, page attributes,
//! events for `HelperWidget.on`, and the functions the `sdk.js` loader calls.
//!
//! This is the only layer that touches the host page's DOM. The components in
//! [`crate::widget`] never look outside their shadow root, so they can be mounted into a plain
//! `<div>` in tests.

pub mod exports;
mod js_config;
mod page;
mod shadow;

use crate::widget::{UiState, Widget};
use helper_widget_core::config::Config;
use leptos::mount::{mount_to, UnmountHandle};
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Id of the `<div>` appended to `<body>` that holds the shadow root (embed-contract §7).
pub const ROOT_ID: &str = "helper-widget-root";

/// Why the widget could not be mounted. Shown on the console; the host page is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The page has no `<body>` yet (the loader waits for it, so this means a broken page).
    #[error("the page has no <body> to attach the widget to")]
    NoBody,
    /// A DOM call threw.
    #[error("DOM error while mounting the widget: {0}")]
    Dom(String),
}

impl From<JsValue> for EmbedError {
    fn from(value: JsValue) -> Self {
        EmbedError::Dom(format!("{value:?}"))
    }
}

impl From<EmbedError> for JsValue {
    fn from(e: EmbedError) -> Self {
        js_sys::Error::new(&e.to_string()).into()
    }
}

/// What a mounted widget owns; dropping it removes every node, listener and observer.
struct Mounted {
    ui: UiState,
    // Field order is drop order: page listeners go first so none fires into a torn-down view.
    _page: page::PageBindings,
    _view: UnmountHandle<AnyViewState>,
    host: web_sys::HtmlElement,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.host.remove();
    }
}

thread_local! {
    static MOUNTED: RefCell<Option<Mounted>> = const { RefCell::new(None) };
}

/// Mounts the widget under `<body>` (replacing one already mounted, so `init` twice leaves
/// exactly one widget) and binds the page's `data-helper-*` elements.
pub fn mount(
    config: Config,
    script_url: String,
    refresh_auth: Option<js_sys::Function>,
) -> Result<(), EmbedError> {
    unmount();
    let document = leptos::prelude::document();
    let body = document.body().ok_or(EmbedError::NoBody)?;
    let (host, container) = shadow::create_host(&document, &body)?;

    let ui_slot: Rc<RefCell<Option<UiState>>> = Rc::default();
    let slot = Rc::clone(&ui_slot);
    let refresh_auth = refresh_auth.map(send_wrapper::SendWrapper::new);
    let view = mount_to(container, move || {
        let ui = UiState::new();
        *slot.borrow_mut() = Some(ui);
        page::sync_open_state(ui);
        view! { <Widget config=config script_url=script_url refresh_auth=refresh_auth ui=ui /> }
            .into_any()
    });
    let ui = ui_slot
        .borrow_mut()
        .take()
        .ok_or_else(|| EmbedError::Dom("the widget view did not initialise".into()))?;
    let page = page::PageBindings::bind(&document, ui)?;
    MOUNTED.with(|m| {
        *m.borrow_mut() = Some(Mounted {
            ui,
            _page: page,
            _view: view,
            host,
        })
    });
    crate::events::emit("ready", JsValue::UNDEFINED);
    Ok(())
}

/// Removes the widget and everything it attached to the page. Safe to call when not mounted.
pub fn unmount() {
    // Take it out first: dropping runs Leptos cleanups, which must not find the cell borrowed.
    let mounted = MOUNTED.with(|m| m.borrow_mut().take());
    drop(mounted);
}

/// Runs `f` on the mounted widget's state; `None` when nothing is mounted.
pub fn with_ui<R>(f: impl FnOnce(UiState) -> R) -> Option<R> {
    let ui = MOUNTED.with(|m| m.borrow().as_ref().map(|m| m.ui))?;
    Some(f(ui))
}
