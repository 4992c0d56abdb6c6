//! Thumbs up and down under a saved reply, and the optional "why" after a thumbs down.
//!
//! Built with plain DOM calls ([`super::dom`]) once the reply is saved, then only attributes
//! change: the buttons keep focus across a reaction, and every reply shares one small piece of
//! code instead of a typed view tree per state (those cost every visitor kilobytes of wasm).

use super::dom::{child, clicked_action, focus, toggle};
use super::{use_chat, use_composer_focus, ChatHandle, ComposerFocus};
use crate::api::Reaction;
use crate::chat::Row;
use crate::i18n::t;
use helper_widget_core::chat::Role;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

const UP_ICON: &str = r#"<svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M7 11v9H4v-9h3zm0 0l4-8a2 2 0 0 1 2 2v4h5.5a2 2 0 0 1 2 2.3l-1.2 7A2 2 0 0 1 17.3 20H7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/></svg>"#;
const DOWN_ICON: &str = r#"<svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M17 13V4h3v9h-3zm0 0l-4 8a2 2 0 0 1-2-2v-4H5.5a2 2 0 0 1-2-2.3l1.2-7A2 2 0 0 1 6.7 4H17" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/></svg>"#;

/// Whether `row` can take a reaction: an AI reply, finished and saved (the server needs its id).
fn reactable(row: &Row) -> bool {
    row.role == Role::Assistant && !row.streaming.get() && row.server_id.with(Option::is_some)
}

/// A reaction button: a fixed icon (our own markup, never a reply's) and its state.
fn reaction_button(bar: &Element, testid: &str, label: &str, icon: &str) -> Option<Element> {
    let button = child(
        bar,
        "button",
        "hw-reaction",
        None,
        &[
            ("type", "button"),
            ("data-testid", testid),
            ("data-action", testid),
            ("aria-label", label),
            ("aria-pressed", "false"),
        ],
    )?;
    button.set_inner_html(icon);
    Some(button)
}

/// Builds the controls into `host`: the two buttons, a status line for the thanks, and the
/// hidden feedback form.
fn build(host: &Element) -> Option<()> {
    let bar = child(host, "div", "hw-reactions", None, &[])?;
    reaction_button(&bar, "reaction-up", t("reaction.up"), UP_ICON)?;
    reaction_button(&bar, "reaction-down", t("reaction.down"), DOWN_ICON)?;
    // Always there, so screen readers hear the thanks when it is written.
    child(
        &bar,
        "span",
        "hw-reactions__thanks",
        None,
        &[("role", "status")],
    )?;
    let form = child(host, "form", "hw-feedback", None, &[("hidden", "")])?;
    child(
        &form,
        "textarea",
        "hw-feedback__text",
        None,
        &[
            ("aria-label", t("feedback.label")),
            ("placeholder", t("feedback.placeholder")),
            ("rows", "2"),
            ("maxlength", "2000"),
        ],
    )?;
    child(
        &form,
        "button",
        "hw-button",
        Some(t("feedback.send")),
        &[("type", "submit"), ("aria-label", t("feedback.send_label"))],
    )?;
    Some(())
}

fn find(host: &Element, selector: &str) -> Option<Element> {
    host.query_selector(selector).ok().flatten()
}

/// Brings the built controls in line with the saved reaction.
fn show_reaction(host: &Element, reaction: Option<&str>) {
    for (selector, name) in [
        ("[data-testid=reaction-up]", "thumbs-up"),
        ("[data-testid=reaction-down]", "thumbs-down"),
    ] {
        if let Some(button) = find(host, selector) {
            let pressed = if reaction == Some(name) {
                "true"
            } else {
                "false"
            };
            let _ = button.set_attribute("aria-pressed", pressed);
        }
    }
}

/// After a reaction: the feedback form opens for a thumbs down just given, the thanks goes.
fn reacted(host: &Element, ask: bool) {
    if let Some(form) = find(host, "form") {
        toggle(&form, "hidden", !ask);
    }
    if let Some(thanks) = find(host, "[role=status]") {
        thanks.set_text_content(None);
    }
    if ask {
        focus(find(host, "textarea"));
    }
}

fn on_click(ev: web_sys::MouseEvent, host: &Element, row: &Row, chat: ChatHandle) {
    let Some((action, _)) = clicked_action(&ev) else {
        return;
    };
    let reaction = match action.as_str() {
        "reaction-up" => Reaction::Up,
        "reaction-down" => Reaction::Down,
        _ => return,
    };
    let was_down = row
        .reaction
        .with_untracked(|r| r.as_deref() == Some("thumbs-down"));
    let target = row.clone();
    chat.run(move |chat| chat.react(&target, reaction, None));
    // Asking why only makes sense for a thumbs down just given.
    reacted(host, reaction == Reaction::Down && !was_down);
}

fn on_submit(
    ev: web_sys::SubmitEvent,
    host: &Element,
    row: &Row,
    chat: ChatHandle,
    composer: Option<ComposerFocus>,
) {
    ev.prevent_default();
    let text = find(host, "textarea")
        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        .map(|t| t.value().trim().to_owned())
        .unwrap_or_default();
    if !text.is_empty() {
        let target = row.clone();
        chat.run(move |chat| chat.react(&target, Reaction::Down, Some(text)));
    }
    reacted(host, false);
    if let Some(thanks) = find(host, "[role=status]") {
        thanks.set_text_content(Some(t("feedback.thanks")));
    }
    if let Some(composer) = composer {
        composer.focus();
    }
}

/// The reaction buttons (`aria-pressed` shows the saved reaction) and, after a thumbs down,
/// a feedback box. Empty until the reply is saved.
#[component]
pub fn Reactions(
    /// The reply.
    row: Row,
) -> impl IntoView {
    let chat = use_chat();
    let composer = use_composer_focus();
    let host_ref = NodeRef::<html::Div>::new();
    let watched = row.clone();
    let built = std::cell::Cell::new(false);
    Effect::new(move || {
        let shown = reactable(&watched);
        let reaction = watched.reaction.get();
        let Some(host) = host_ref.get() else {
            return;
        };
        if shown && !built.replace(true) {
            let _ = build(&host);
        }
        show_reaction(&host, reaction.as_deref());
    });
    let (clicked, submitted) = (row.clone(), row);
    view! {
        <div
            node_ref=host_ref
            class="hw-host"
            on:click=move |ev| {
                if let Some(host) = host_ref.get_untracked() {
                    on_click(ev, &host, &clicked, chat);
                }
            }
            on:submit=move |ev| {
                if let Some(host) = host_ref.get_untracked() {
                    on_submit(ev, &host, &submitted, chat, composer);
                }
            }
        ></div>
    }
}
