//! The composer: a labelled textarea, Attach (with drag-and-drop and paste of files), the
//! chosen files' previews, the screenshot opt-in, Send, and Stop while a reply streams.

use super::attach::{read, Tray};
use super::screenshot::{mount, ShotOption};
use super::use_chat;
use crate::chat::Status;
use crate::i18n::t;
use leptos::html;
use leptos::prelude::*;
use std::rc::Rc;

/// Where the visitor types. Enter sends, Shift+Enter adds a line. The text stays editable
/// while a reply streams (the visitor can prepare the next question); it is cleared only once
/// a message has really been sent, so typed text is never lost. Files chosen, dropped or
/// pasted go with the next message; a message may be files alone.
#[component]
pub fn Composer(
    /// Lets the panel focus the textarea when it opens.
    composer_ref: NodeRef<html::Textarea>,
) -> impl IntoView {
    let chat = use_chat();
    let store = chat.store();
    let (draft, set_draft) = signal(String::new());
    // The number of chosen files, and whether they are being read for sending (or a
    // screenshot is being taken for them).
    let files = RwSignal::new(0usize);
    let reading = RwSignal::new(false);
    let tray = Rc::new(Tray::new(files));
    let shot = Rc::new(ShotOption::new(Rc::clone(&tray), reading));
    let mounted = Rc::clone(&shot);
    let busy = move || store.status.get() != Status::Idle;
    let can_send =
        move || !busy() && !reading.get() && (files.get() > 0 || !draft.read().trim().is_empty());
    let send = move || {
        // Enter sends without the button, which is disabled meanwhile: a screenshot being
        // taken belongs to this message.
        if reading.get_untracked() {
            return;
        }
        let text = draft.get_untracked();
        let picked = tray.files();
        if picked.is_empty() {
            chat.run(|chat| {
                if chat.send(&text, Vec::new()) {
                    set_draft.set(String::new());
                    shot.reset();
                }
            });
            return;
        }
        if store.status.get_untracked() != Status::Idle {
            return;
        }
        reading.set(true);
        let tray = Rc::clone(&tray);
        let shot = Rc::clone(&shot);
        leptos::task::spawn_local(async move {
            let result = read(picked).await;
            // The widget may have been destroyed while the files were read.
            if reading.try_set(false).is_some() {
                return;
            }
            match result {
                Ok(attachments) => chat.run(|chat| {
                    if chat.send(&text, attachments) {
                        set_draft.set(String::new());
                        tray.clear();
                        shot.reset();
                    }
                }),
                Err(problem) => tray.alert(&problem),
            }
        });
    };
    let submitted = send.clone();
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        submitted();
    };
    let stop = move |_| chat.run(|chat| chat.stop());
    let stop_focused = StoredValue::new(false);
    refocus_when_stop_goes(busy, stop_focused, composer_ref);
    view! {
        <form class="hw-composer" use:mount=mounted on:submit=on_submit>
            <textarea
                node_ref=composer_ref
                class="hw-input"
                rows="1"
                aria-label=t("composer.label")
                placeholder=t("composer.placeholder")
                prop:value=move || draft.get()
                on:input:target=move |ev| set_draft.set(ev.target().value())
                on:keydown=on_keydown
            ></textarea>
            <Show when=busy>
                <button
                    type="button"
                    class="hw-stop"
                    aria-label=t("composer.stop")
                    on:click=stop
                    on:focus=move |_| stop_focused.set_value(true)
                    on:blur=move |_| {
                        // Chrome blurs an element it removes: that blur, once the reply is over,
                        // must not erase where focus was.
                        if store.status.get_untracked() != Status::Idle {
                            stop_focused.set_value(false);
                        }
                    }
                >
                    <svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor" />
                    </svg>
                </button>
            </Show>
            <button type="submit" class="hw-send" aria-label=t("composer.send") disabled=move || !can_send()>
                <svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M4 12l16-8-6 16-2.5-6.5L4 12z" fill="currentColor" />
                </svg>
            </button>
        </form>
    }
}
/// Stop disappears when the reply ends (or is stopped); a browser then drops the focus it had on
/// `<body>`, losing a keyboard user's place. It goes to the composer instead.
fn refocus_when_stop_goes(
    busy: impl Fn() -> bool + Send + Sync + 'static,
    stop_focused: StoredValue<bool>,
    composer_ref: NodeRef<html::Textarea>,
) {
    Effect::new(move |was_busy: Option<bool>| {
        let now_busy = busy();
        if was_busy == Some(true) && !now_busy && stop_focused.try_get_value() == Some(true) {
            stop_focused.set_value(false);
            request_animation_frame(move || {
                if let Some(textarea) = composer_ref.try_get_untracked().flatten() {
                    let _ = textarea.focus();
                }
            });
        }
        now_busy
    });
}
