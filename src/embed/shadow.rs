//! The widget's host element and its open shadow root.
//!
//! The shadow root is the isolation boundary: host-page selectors cannot reach inside it, and
//! the widget's stylesheet (compiled into the wasm, so it costs no extra request and never
//! flashes unstyled) cannot leak out. The only thing the page can still touch is the host
//! `<div>` itself; the stylesheet resets it with `:host { all: initial !important }`, which wins
//! over the page's own `!important` rules by the cascade's shadow-tree ordering.

use super::{EmbedError, ROOT_ID};
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlElement, ShadowRootInit, ShadowRootMode};

/// The widget's whole stylesheet.
pub const WIDGET_CSS: &str = include_str!("../../style/widget.css");

/// Appends `<div id="helper-widget-root">` to `body`, attaches an open shadow root holding the
/// stylesheet, and returns the host and the container to mount the view into.
pub fn create_host(
    document: &Document,
    body: &HtmlElement,
) -> Result<(HtmlElement, HtmlElement), EmbedError> {
    // A root left behind by another copy of the widget (say, a second build on the same page)
    // would give two launchers; keep one.
    if let Some(stale) = document.get_element_by_id(ROOT_ID) {
        stale.remove();
    }
    let host: HtmlElement = document.create_element("div")?.unchecked_into();
    host.set_id(ROOT_ID);
    let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    let style = document.create_element("style")?;
    style.set_text_content(Some(WIDGET_CSS));
    shadow.append_child(&style)?;
    let container: HtmlElement = document.create_element("div")?.unchecked_into();
    container.set_class_name("hw-root");
    shadow.append_child(&container)?;
    body.append_child(&host)?;
    Ok((host, container))
}
