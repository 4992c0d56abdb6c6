//! After the latest AI answer: "That solved it!" or "This didn't help", and then the way to a
//! person (Helper's SupportButtons). Gone once a human has the conversation.

use super::{use_chat, use_composer_focus};
use crate::api::Reaction;
use crate::chat::{Row, Status};
use helper_widget_core::chat::Role;
use leptos::prelude::*;

/// What the visitor said about the latest answer (by its row key).
#[derive(Clone, Copy, PartialEq)]
enum Verdict {
    Solved(u64),
    Unhelpful(u64),
}

/// The latest row, if it is a finished, saved AI answer the buttons are about.
fn latest_answer(rows: &[Row]) -> Option<Row> {
    rows.last()
        .filter(|r| {
            r.role == Role::Assistant && !r.streaming.get() && r.server_id.with(Option::is_some)
        })
        .cloned()
}

/// The buttons, while nothing streams and no human has taken over.
#[component]
pub fn SupportButtons() -> impl IntoView {
    let chat = use_chat();
    let store = chat.store();
    let composer = use_composer_focus();
    let verdict = RwSignal::new(None::<Verdict>);
    let answer = move || store.rows.with(|rows| latest_answer(rows)).map(|r| r.key);
    let solved = move |_| {
        let Some(row) = store.rows.with_untracked(|rows| latest_answer(rows)) else {
            return;
        };
        verdict.set(Some(Verdict::Solved(row.key)));
        // "That solved it" is a thumbs up, unless the visitor already gave one.
        if row
            .reaction
            .with_untracked(|r| r.as_deref() != Some("thumbs-up"))
        {
            chat.run(move |chat| chat.react(&row, Reaction::Up, None));
        }
    };
    let unhelpful = move |_| {
        if let Some(key) = untrack(answer) {
            verdict.set(Some(Verdict::Unhelpful(key)));
        }
        if let Some(composer) = composer {
            composer.focus();
        }
    };
    let talk_to_human = move |_| {
        chat.run(|chat| {
            chat.talk_to_human();
        });
        if let Some(composer) = composer {
            composer.focus();
        }
    };
    // What to show for the latest answer. One reactive view switching between three (rather
    // than nested `<Show>`s, each of which links a memo of its own).
    let current = move || {
        let key = answer()?;
        let available = store.status.get() == Status::Idle
            && !store.escalated.get()
            && store.failure.with(Option::is_none);
        if !available {
            return None;
        }
        let content = match verdict.get() {
            Some(Verdict::Unhelpful(k)) if k == key => view! {
                <p class="hw-support__note" role="status">
                    "Sorry about that. Tell us more below, or ask for a person."
                </p>
                <button
                    type="button"
                    class="hw-button hw-button--primary"
                    data-testid="talk-to-human"
                    on:click=talk_to_human
                >
                    "Talk to a human"
                </button>
            }
            .into_any(),
            Some(Verdict::Solved(k)) if k == key => {
                view! { <p class="hw-support__note" role="status">"Glad we could help!"</p> }
                    .into_any()
            }
            _ => view! {
                <button type="button" class="hw-button" on:click=solved>
                    "That solved it!"
                </button>
                <button type="button" class="hw-button" on:click=unhelpful>
                    "This didn't help"
                </button>
            }
            .into_any(),
        };
        Some(view! {
            <div class="hw-support" role="group" aria-label="Was this helpful?">
                {content}
            </div>
        })
    };
    current
}
