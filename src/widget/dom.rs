//! Small DOM builders for the panes whose content is made with plain DOM calls rather than
//! `view!` (history, contact form): static structure and entries that never change need no
//! reactive view tree, and each typed view tree costs the download kilobytes of wasm. Text is
//! only ever set as text.

use crate::i18n::t;
use leptos::prelude::document;
use web_sys::Element;

/// Appends a `tag` of `class` holding `text` to `parent`, with the attributes `attrs`, and
/// returns it. `None` if the DOM refused (it does not in a working page).
pub fn child(
    parent: &Element,
    tag: &str,
    class: &str,
    text: Option<&str>,
    attrs: &[(&str, &str)],
) -> Option<Element> {
    let el = document().create_element(tag).ok()?;
    el.set_class_name(class);
    el.set_text_content(text);
    for (name, value) in attrs {
        el.set_attribute(name, value).ok()?;
    }
    parent.append_child(&el).ok()?;
    Some(el)
}

/// The pane's title bar: Back (`data-action="back"`) and the heading `title` with id `id`.
pub fn title_bar(pane: &Element, title: &str, id: &str) -> Option<Element> {
    let bar = child(pane, "div", "hw-bar", None, &[])?;
    child(
        &bar,
        "button",
        "hw-back",
        Some(t("panel.back")),
        &[
            ("type", "button"),
            ("aria-label", t("panel.back_label")),
            ("data-action", "back"),
        ],
    )?;
    child(&bar, "h3", "hw-bar__title", Some(title), &[("id", id)])?;
    Some(bar)
}

/// The `data-action` of the button a click landed in, if any, and the element that has it.
pub fn clicked_action(ev: &web_sys::MouseEvent) -> Option<(String, Element)> {
    let target: Element = wasm_bindgen::JsCast::dyn_into(ev.target()?).ok()?;
    let el = target.closest("[data-action]").ok()??;
    Some((el.get_attribute("data-action")?, el))
}

/// Focuses `el` if it is an element that can take focus.
pub fn focus(el: Option<Element>) {
    if let Some(el) =
        el.and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
    {
        let _ = el.focus();
    }
}

/// Sets or removes the boolean attribute `name` (`hidden`, `disabled`).
pub fn toggle(el: &Element, name: &str, on: bool) {
    let _ = if on {
        el.set_attribute(name, "")
    } else {
        el.remove_attribute(name)
    };
}
