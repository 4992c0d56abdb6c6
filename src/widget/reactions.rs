//! Thumbs up and down under a saved reply, and the optional "why" after a thumbs down.

use super::{use_chat, use_composer_focus};
use crate::api::Reaction;
use crate::chat::Row;
use helper_widget_core::chat::Role;
use leptos::html;
use leptos::prelude::*;

const UP_ICON: &str =
    "M7 11v9H4v-9h3zm0 0l4-8a2 2 0 0 1 2 2v4h5.5a2 2 0 0 1 2 2.3l-1.2 7A2 2 0 0 1 17.3 20H7";
const DOWN_ICON: &str =
    "M17 13V4h3v9h-3zm0 0l-4 8a2 2 0 0 1-2-2v-4H5.5a2 2 0 0 1-2-2.3l1.2-7A2 2 0 0 1 6.7 4H17";

/// Whether `row` can take a reaction: an AI reply, finished and saved (the server needs its id).
fn reactable(row: &Row) -> bool {
    row.role == Role::Assistant && !row.streaming.get() && row.server_id.with(Option::is_some)
}

fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d=path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" />
        </svg>
    }
}

/// The reaction buttons (`aria-pressed` shows the saved reaction) and, after a thumbs down,
/// a feedback box.
#[component]
pub fn Reactions(
    /// The reply.
    row: Row,
) -> impl IntoView {
    let chat = use_chat();
    let composer = use_composer_focus();
    let asking = RwSignal::new(false);
    let thanked = RwSignal::new(false);
    let feedback_ref = NodeRef::<html::Textarea>::new();
    let reaction = row.reaction.clone();
    // `Copy`, so every handler below is too, however often the views are rebuilt.
    let row = StoredValue::new(row);
    let shown = move || row.with_value(reactable);
    let pressed = {
        move |name: &'static str| {
            let reaction = reaction.clone();
            move || reaction.with(|r| r.as_deref() == Some(name)).to_string()
        }
    };
    let react = move |reaction: Reaction| {
        let row = row.get_value();
        let was_down = row
            .reaction
            .with_untracked(|r| r.as_deref() == Some("thumbs-down"));
        chat.run(move |chat| chat.react(&row, reaction, None));
        // Asking why only makes sense for a thumbs down just given.
        let ask = reaction == Reaction::Down && !was_down;
        asking.set(ask);
        thanked.set(false);
        if ask {
            request_animation_frame(move || {
                if let Some(field) = feedback_ref.try_get_untracked().flatten() {
                    let _ = field.focus();
                }
            });
        }
    };
    let send_feedback = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let Some(field) = feedback_ref.get_untracked() else {
            return;
        };
        let text = field.value().trim().to_owned();
        if !text.is_empty() {
            let row = row.get_value();
            chat.run(move |chat| chat.react(&row, Reaction::Down, Some(text)));
        }
        asking.set(false);
        thanked.set(true);
        if let Some(composer) = composer {
            composer.focus();
        }
    };
    let thanks = move || thanked.get().then_some("Thanks for your feedback!");
    let feedback_form = move || {
        asking.get().then(|| {
            view! {
                <form class="hw-feedback" on:submit=send_feedback>
                    <textarea
                        node_ref=feedback_ref
                        class="hw-feedback__text"
                        aria-label="Feedback"
                        placeholder="What was wrong or missing? (optional)"
                        rows="2"
                        maxlength="2000"
                    ></textarea>
                    <button type="submit" class="hw-button" aria-label="Send feedback">"Send"</button>
                </form>
            }
        })
    };
    // Plain `Option` views rather than `<Show>`: each `Show` links a memo of its own.
    move || {
        shown().then(|| {
            view! {
                <div class="hw-reactions">
                    <button
                        type="button"
                        class="hw-reaction"
                        data-testid="reaction-up"
                        aria-label="Helpful"
                        aria-pressed=pressed("thumbs-up")
                        on:click=move |_| react(Reaction::Up)
                    >
                        {icon(UP_ICON)}
                    </button>
                    <button
                        type="button"
                        class="hw-reaction"
                        data-testid="reaction-down"
                        aria-label="Not helpful"
                        aria-pressed=pressed("thumbs-down")
                        on:click=move |_| react(Reaction::Down)
                    >
                        {icon(DOWN_ICON)}
                    </button>
                    // Always there, so screen readers hear the thanks when it appears.
                    <span class="hw-reactions__thanks" role="status">{thanks}</span>
                </div>
                {feedback_form}
            }
        })
    }
}
