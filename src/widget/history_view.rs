//! The visitor's earlier conversations, in place of the chat: a list that fetches more as it is
//! scrolled, Back, and "Clear history" for anonymous visitors. The paging itself is the
//! [`History`] controller's; this view only says when more is needed. Its content is built with
//! plain DOM calls ([`super::dom`]) and redrawn by the function that watches the controller.

use super::conversation_item::conversation_item;
use super::dom::{child, clicked_action, focus, title_bar, toggle};
use super::{use_composer_focus, use_history, PanelBody, UiState};
use crate::history::{History, List, ListStatus};
use crate::i18n::t;
use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// Within this distance (px) of the list's end the next page is asked for, so it is usually
/// there before the visitor reaches the end.
const PREFETCH_PX: i32 = 240;

/// The pane. It scrolls as a whole (its title bar sticks), so one scroll listener sees the
/// list's end come near; one click listener serves every button in it.
#[component]
pub fn HistoryView(
    /// Panel state (Back and a chosen conversation show the chat again).
    ui: UiState,
    /// The header's history button, which gets focus back when the list is left.
    return_to: NodeRef<html::Button>,
) -> impl IntoView {
    let history = use_history();
    history.reload();
    // Leaving the list drops its request (the answer would be for a list no longer shown) and
    // its watcher (the pane's nodes go).
    let leaving = SendWrapper::new(Rc::clone(&history));
    on_cleanup(move || {
        leaving.watch(None);
        leaving.cancel();
    });
    let composer = use_composer_focus();
    let clicked = Rc::clone(&history);
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some((action, el)) = clicked_action(&ev) else {
            return;
        };
        match action.as_str() {
            "open" => {
                if let Some(slug) = el.get_attribute("data-conversation-slug") {
                    clicked.open(&slug);
                }
                ui.body.set(PanelBody::Chat);
                // After this tick's update has unhidden the composer: a hidden element can't be
                // focused.
                request_animation_frame(move || {
                    if let Some(composer) = composer {
                        composer.focus();
                    }
                });
            }
            "back" => {
                ui.body.set(PanelBody::Chat);
                if let Some(button) = return_to.get_untracked() {
                    let _ = button.focus();
                }
            }
            "clear" if confirm_clear() => clicked.clear(),
            "retry" => {
                // Retry goes with the alert; focus stays in the pane.
                focus(pane_of(&ev).and_then(|p| first(&p, "[data-action=back]")));
                clicked.retry();
            }
            _ => {}
        }
    };
    let scrolled = Rc::clone(&history);
    let on_scroll = move |ev: web_sys::Event| {
        if pane_of(&ev).is_some_and(|p| near_end(&p)) {
            scrolled.load_more();
        }
    };
    view! { <div class="hw-pane" use:history_pane=history on:click=on_click on:scroll=on_scroll></div> }
}

/// The pane an event's listener sits on.
fn pane_of(ev: &web_sys::Event) -> Option<Element> {
    ev.current_target()?.dyn_into().ok()
}

/// The parts of the pane that change, and how much of the list they show.
struct Parts {
    pane: Element,
    /// Entries in the list.
    shown: Cell<usize>,
    /// Whether a page has arrived since the pane opened.
    arrived: Cell<bool>,
    list: Element,
    note: Element,
    alert: Element,
    alert_text: Element,
}

/// The pane's fixed content: title bar, the list, a polite status line and a hidden alert.
fn build(pane: Element, can_clear: bool) -> Option<Parts> {
    let bar = title_bar(&pane, t("history.title"), "hw-history-title")?;
    if can_clear {
        let attrs = [("type", "button"), ("data-action", "clear")];
        child(
            &bar,
            "button",
            "hw-bar__action",
            Some(t("history.clear")),
            &attrs,
        )?;
    }
    let list_attrs = [("aria-labelledby", "hw-history-title")];
    let list = child(&pane, "ul", "hw-history", None, &list_attrs)?;
    let note = child(&pane, "p", "hw-pane__note", None, &[("role", "status")])?;
    let alert = child(
        &pane,
        "div",
        "hw-alert",
        None,
        &[("role", "alert"), ("hidden", "")],
    )?;
    let alert_text = child(&alert, "p", "hw-alert__text", None, &[])?;
    let retry = [("type", "button"), ("data-action", "retry")];
    child(
        &alert,
        "button",
        "hw-alert__retry",
        Some(t("history.retry")),
        &retry,
    )?;
    // Focus goes to Back when the pane opens, where it is announced and can be left.
    let opened = pane.clone();
    request_animation_frame(move || focus(first(&opened, "[data-action=back]")));
    Some(Parts {
        pane,
        shown: Cell::new(0),
        arrived: Cell::new(false),
        list,
        note,
        alert,
        alert_text,
    })
}

/// Builds the pane's content (a directive: it runs as the pane is made) and draws the list
/// into it from then on.
fn history_pane(pane: Element, history: Rc<History>) {
    let Some(parts) = build(pane, history.can_clear()) else {
        return;
    };
    let watching = Rc::clone(&history);
    history.watch(Some(Rc::new(move |list: &List| {
        draw(&parts, list, &watching)
    })));
}

/// Brings the pane in step with `list`: new pages' entries are appended (a reload or a clear
/// empties the list first; entries never change once shown), the status line and the alert
/// follow the loading, more is fetched while the list's end is in view, and focus moves into
/// the list when its first page arrives.
fn draw(parts: &Parts, list: &List, history: &Rc<History>) {
    let mut shown = parts.shown.get();
    if list.items.len() < shown {
        parts.list.set_text_content(None);
        shown = 0;
    }
    for summary in &list.items[shown..] {
        if let Some(entry) = conversation_item(summary) {
            let _ = parts.list.append_child(&entry);
        }
    }
    parts.shown.set(list.items.len());
    let note = status_note(&list.status, list.items.is_empty());
    parts.note.set_text_content(Some(note));
    if let ListStatus::Failed(why) = &list.status {
        let text = crate::i18n::tf("history.failed", &[("detail", why)]);
        parts.alert_text.set_text_content(Some(&text));
    }
    let failed = matches!(list.status, ListStatus::Failed(_));
    toggle(&parts.alert, "hidden", !failed);
    if list.status == ListStatus::Loading {
        return;
    }
    let first_arrival = !parts.arrived.replace(true);
    let pane = parts.pane.clone();
    let history = Rc::clone(history);
    // Next frame: this tick's entries laid out, Back focused by then, and the controller no
    // longer telling this function of a change (it must not be called back meanwhile).
    request_animation_frame(move || {
        if first_arrival {
            focus_first_entry(&pane);
        }
        // A page that does not fill the pane (a tall screen, or a short page: Helper leaves
        // empty conversations out after paging) gives nothing to scroll, so no scroll would
        // ever ask for the next.
        if near_end(&pane) {
            history.load_more();
        }
    });
}

/// Once the first page shows, focus moves from Back to the first conversation, unless the
/// visitor has moved it meanwhile.
fn focus_first_entry(pane: &Element) {
    let back_focused = first(pane, "[data-action=back]")
        .is_some_and(|back| back.matches(":focus").unwrap_or(false));
    if back_focused {
        focus(first(pane, "[data-action=open]"));
    }
}

/// The first element in `pane` matching `selector`.
fn first(pane: &Element, selector: &str) -> Option<Element> {
    pane.query_selector(selector).ok().flatten()
}

/// The polite status line under the list: loading, or that there is nothing to list.
fn status_note(status: &ListStatus, empty: bool) -> &'static str {
    match status {
        ListStatus::Loading => t("history.loading"),
        ListStatus::Complete if empty => t("history.empty"),
        _ => "",
    }
}

/// Asks the visitor before the history goes for good.
fn confirm_clear() -> bool {
    window()
        .confirm_with_message(t("history.clear_confirm"))
        .unwrap_or(false)
}

/// Whether the pane is scrolled (or too short to scroll) to within [`PREFETCH_PX`] of its end.
/// Never while the panel is closed: a pane with no height is not being read.
fn near_end(pane: &Element) -> bool {
    pane.client_height() > 0
        && pane.scroll_height() - pane.scroll_top() - pane.client_height() < PREFETCH_PX
}
