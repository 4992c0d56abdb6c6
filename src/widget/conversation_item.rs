//! One earlier conversation in the history list: a button that reopens it.
//!
//! Built with plain DOM calls (see [`super::dom`]): the list only ever grows by whole pages and
//! its entries never change, so they need no reactivity. Server text is only ever set as text.

use super::dom::child;
use crate::api::ConversationSummary;
use crate::i18n::t;
use leptos::prelude::document;
use web_sys::Element;

/// `<li><button data-testid="conversation-item" data-conversation-slug=…>` with the subject,
/// an unread mark (with text for screen readers), how long ago it last moved (a `<time>` with
/// the full date as its tooltip) and the latest message (clipped to two lines by the
/// stylesheet). `None` if the DOM refused (it does not in a working page).
pub fn conversation_item(summary: &ConversationSummary) -> Option<Element> {
    let item = document().create_element("li").ok()?;
    let button = child(
        &item,
        "button",
        "hw-conv",
        None,
        &[
            ("type", "button"),
            ("data-testid", "conversation-item"),
            ("data-action", "open"),
            ("data-conversation-slug", &summary.slug),
        ],
    )?;
    let head = child(&button, "span", "hw-conv__head", None, &[])?;
    if summary.is_unread {
        let mark = child(&head, "span", "hw-conv__unread", None, &[])?;
        child(&mark, "span", "hw-sr", Some(t("history.unread")), &[])?;
    }
    child(
        &head,
        "span",
        "hw-conv__subject",
        Some(&summary.subject),
        &[],
    )?;
    if let Some(iso) = summary.updated_at.as_deref() {
        if let Some((ago, full)) = shown_time(iso) {
            let attrs = [("datetime", iso), ("title", full.as_str())];
            child(&head, "time", "hw-conv__time", Some(&ago), &attrs)?;
        }
    }
    if let Some(latest) = &summary.latest_message {
        child(&button, "span", "hw-conv__latest", Some(latest), &[])?;
    }
    Some(item)
}

/// The short age shown ("5m ago", "3d ago") and the full date for the tooltip; `None` for a
/// date the browser cannot read.
fn shown_time(iso: &str) -> Option<(String, String)> {
    let (then, full) = super::message_time::parse_time(iso)?;
    Some((crate::i18n::age(js_sys::Date::now(), then), full))
}
