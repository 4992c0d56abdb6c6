//! After the latest AI answer: "That solved it!" or "This didn't help", and then the way to a
//! person (Helper's SupportButtons). Gone once a human has the conversation.
//!
//! Built with plain DOM calls ([`super::dom`]), redrawn only when what it shows changes: one
//! small function instead of a typed view tree per state (those cost every visitor kilobytes of
//! wasm).

use super::dom::{child, clicked_action};
use super::{use_chat, use_composer_focus};
use crate::api::Reaction;
use crate::chat::{Row, Status};
use crate::i18n::t;
use helper_widget_core::chat::Role;
use leptos::html;
use leptos::prelude::*;
use web_sys::Element;

/// What the visitor said about an answer.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Verdict {
    /// Nothing yet: both buttons.
    Undecided,
    Solved,
    Unhelpful,
}

/// The latest row, if it is a finished, saved AI answer the buttons are about.
fn latest_answer(rows: &[Row]) -> Option<Row> {
    rows.last()
        .filter(|r| {
            r.role == Role::Assistant && !r.streaming.get() && r.server_id.with(Option::is_some)
        })
        .cloned()
}

/// Draws `verdict`'s content into `host` (emptied first); nothing for `None`.
fn draw(host: &Element, verdict: Option<Verdict>) -> Option<()> {
    host.set_text_content(None);
    let verdict = verdict?;
    let group = child(
        host,
        "div",
        "hw-support",
        None,
        &[("role", "group"), ("aria-label", t("support.group"))],
    )?;
    let note = |key| {
        child(
            &group,
            "p",
            "hw-support__note",
            Some(t(key)),
            &[("role", "status")],
        )
    };
    let button = |class, key, attrs: &[(&str, &str)]| {
        let el = child(&group, "button", class, Some(t(key)), attrs)?;
        el.set_attribute("type", "button").ok()
    };
    match verdict {
        Verdict::Undecided => {
            button("hw-button", "support.solved", &[("data-action", "solved")])?;
            button(
                "hw-button",
                "support.not_helpful",
                &[("data-action", "unhelpful")],
            )?;
        }
        Verdict::Solved => {
            note("support.glad")?;
        }
        Verdict::Unhelpful => {
            note("support.sorry")?;
            button(
                "hw-button hw-button--primary",
                "support.human",
                &[("data-testid", "talk-to-human"), ("data-action", "human")],
            )?;
        }
    }
    Some(())
}

/// The buttons, while nothing streams and no human has taken over.
#[component]
pub fn SupportButtons() -> impl IntoView {
    let chat = use_chat();
    let store = chat.store();
    let composer = use_composer_focus();
    // The answer a verdict was given about, and the verdict.
    let said = RwSignal::new(None::<(u64, Verdict)>);
    let host_ref = NodeRef::<html::Div>::new();
    let shown = std::cell::Cell::new(None::<Verdict>);
    Effect::new(move || {
        let answer = store.rows.with(|rows| latest_answer(rows)).map(|r| r.key);
        let available = store.status.get() == Status::Idle
            && !store.escalated.get()
            && store.failure.with(Option::is_none);
        let verdict = answer.filter(|_| available).map(|key| match said.get() {
            Some((k, verdict)) if k == key => verdict,
            _ => Verdict::Undecided,
        });
        let Some(host) = host_ref.get() else {
            return;
        };
        // Redrawn only on a change: the buttons keep focus otherwise.
        if shown.replace(verdict) != verdict {
            let _ = draw(&host, verdict);
        }
    });
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some((action, _)) = clicked_action(&ev) else {
            return;
        };
        let Some(row) = store.rows.with_untracked(|rows| latest_answer(rows)) else {
            return;
        };
        match action.as_str() {
            "solved" => {
                said.set(Some((row.key, Verdict::Solved)));
                // "That solved it" is a thumbs up, unless the visitor already gave one.
                if row
                    .reaction
                    .with_untracked(|r| r.as_deref() != Some("thumbs-up"))
                {
                    chat.run(move |chat| chat.react(&row, Reaction::Up, None));
                }
            }
            "unhelpful" => {
                said.set(Some((row.key, Verdict::Unhelpful)));
                if let Some(composer) = composer {
                    composer.focus();
                }
            }
            "human" => {
                chat.run(|chat| {
                    chat.talk_to_human();
                });
                if let Some(composer) = composer {
                    composer.focus();
                }
            }
            _ => {}
        }
    };
    view! { <div node_ref=host_ref class="hw-host" on:click=on_click></div> }
}
