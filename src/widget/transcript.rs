//! The transcript: a `role="log"` live region holding the conversation's messages, the
//! loading indicator and a failed turn's alert.

use super::{use_chat, ErrorAlert, LoadingIndicator, MessageView, SupportButtons, TypingIndicator};
use crate::i18n::t;
use leptos::html;
use leptos::prelude::*;

/// Distance from the bottom (px) within which the view keeps following new text. Further up,
/// the visitor is reading back and is left alone.
const FOLLOW_THRESHOLD: i32 = 48;

/// The message list. Screen readers announce what is appended, politely (WCAG ARIA23); each
/// streaming message is `aria-busy` until complete, so it is read once, whole.
#[component]
pub fn Transcript() -> impl IntoView {
    let store = use_chat().store();
    let list_ref = NodeRef::<html::Div>::new();
    let follow = RwSignal::new(true);
    let on_scroll = move |_| {
        if let Some(el) = list_ref.get_untracked() {
            let distance = el.scroll_height() - el.scroll_top() - el.client_height();
            follow.set(distance < FOLLOW_THRESHOLD);
        }
    };
    keep_scrolled_to_end(list_ref, follow);
    let empty = move || store.rows.with(Vec::is_empty) && !store.restoring.get();
    view! {
        <div
            node_ref=list_ref
            class="hw-transcript"
            data-testid="messages-list"
            role="log"
            aria-label=t("transcript.label")
            on:scroll=on_scroll
        >
            <Show when=empty>
                <p class="hw-greeting">{t("transcript.greeting")}</p>
            </Show>
            <For each=move || store.rows.get() key=|row| row.key let(row)>
                <MessageView row=row />
            </For>
            <LoadingIndicator />
            <TypingIndicator />
            <SupportButtons />
            <ErrorAlert />
        </div>
    }
}

/// Scrolls to the newest text when the list or the streaming message grows, unless the
/// visitor has scrolled up. At most one scroll per frame, however many chunks arrive in it:
/// each scroll forces a layout.
fn keep_scrolled_to_end(list_ref: NodeRef<html::Div>, follow: RwSignal<bool>) {
    let store = use_chat().store();
    let frame_pending = std::rc::Rc::new(std::cell::Cell::new(false));
    Effect::new(move || {
        // Track the list, and the streaming message's text so each chunk scrolls too.
        let last_len = store
            .rows
            .with(|rows| rows.last().map(|row| (row.key, row.text.with(String::len))));
        let _ = (
            last_len,
            store.failure.track(),
            store.status.track(),
            store.staff_typing.track(),
        );
        if !follow.get_untracked() {
            return;
        }
        if frame_pending.replace(true) {
            return;
        }
        let pending = std::rc::Rc::clone(&frame_pending);
        // Next frame, after this tick's DOM updates, so scroll_height includes them.
        request_animation_frame(move || {
            pending.set(false);
            // `try_`: the widget may have been destroyed before this frame.
            if let Some(el) = list_ref.try_get_untracked().flatten() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    });
}
