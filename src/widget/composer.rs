//! The composer: a labelled textarea and the Send button.

use leptos::html;
use leptos::prelude::*;

/// Where the visitor types. Enter sends, Shift+Enter adds a line.
#[component]
pub fn Composer(
    /// Lets the panel focus the textarea when it opens.
    composer_ref: NodeRef<html::Textarea>,
) -> impl IntoView {
    let (draft, set_draft) = signal(String::new());
    let can_send = move || !draft.read().trim().is_empty();
    let send = move || {
        if !draft.read_untracked().trim().is_empty() {
            set_draft.set(String::new());
        }
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    view! {
        <form class="hw-composer" on:submit=move |ev| { ev.prevent_default(); send(); }>
            <textarea
                node_ref=composer_ref
                class="hw-input"
                rows="1"
                aria-label="Ask a question"
                placeholder="Ask a question…"
                prop:value=move || draft.get()
                on:input:target=move |ev| set_draft.set(ev.target().value())
                on:keydown=on_keydown
            ></textarea>
            <button type="submit" class="hw-send" aria-label="Send message" disabled=move || !can_send()>
                <svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M4 12l16-8-6 16-2.5-6.5L4 12z" fill="currentColor" />
                </svg>
            </button>
        </form>
    }
}
