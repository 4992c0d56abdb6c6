//! The chat panel: a dialog labelled by its title, holding the transcript and the composer.

use super::{use_chat, Composer, Transcript, UiState};
use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// The chat panel. Non-modal on desktop (visitors may Tab back to the page); full screen
/// below 640 px (see the stylesheet).
#[component]
pub fn Panel(
    /// Header title.
    title: String,
    /// Panel state.
    ui: UiState,
    /// Where focus returns when the panel is closed from inside it (the loader's launcher).
    launcher: Option<SendWrapper<web_sys::HtmlElement>>,
) -> impl IntoView {
    let composer_ref = NodeRef::<html::Textarea>::new();
    let launcher = StoredValue::new_local(launcher.map(SendWrapper::take));
    let close = move || {
        ui.hide();
        if let Some(Some(button)) = launcher.try_get_value() {
            let _ = button.focus();
        }
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            close();
        }
    };
    focus_composer_when_opened(ui, composer_ref);
    let chat = use_chat();
    let store = chat.store();
    let new_conversation = move |_| {
        chat.run(|chat| chat.new_conversation());
        if let Some(textarea) = composer_ref.get_untracked() {
            let _ = textarea.focus();
        }
    };
    let notice = move || store.notice.get();
    view! {
        <section
            id="hw-panel"
            class="hw-panel"
            class:hw-panel--minimized=move || ui.minimized.get()
            data-testid="widget-panel"
            role="dialog"
            aria-labelledby="hw-title"
            hidden=move || !ui.open.get()
            on:keydown=on_keydown
        >
            <header class="hw-header">
                <h2 id="hw-title" class="hw-title">{title}</h2>
                <button
                    type="button"
                    class="hw-icon-button"
                    aria-label="Start new conversation"
                    title="New conversation"
                    on:click=new_conversation
                >
                    <svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M12 5v14M5 12h14" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                    </svg>
                </button>
                <button
                    type="button"
                    class="hw-icon-button"
                    aria-label="Close chat"
                    on:click=move |_| close()
                >
                    <svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M6 6l12 12M18 6L6 18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                    </svg>
                </button>
            </header>
            <Show when=move || notice().is_some()>
                <p class="hw-notice" role="alert">{notice}</p>
            </Show>
            <Transcript />
            <Composer composer_ref=composer_ref />
        </section>
    }
}

/// Moves focus into the composer whenever the panel opens, so keyboard and screen-reader users
/// land where they can type (APG dialog pattern).
fn focus_composer_when_opened(ui: UiState, composer_ref: NodeRef<html::Textarea>) {
    Effect::new(move |was_open: Option<bool>| {
        let open = ui.open.get();
        // The first run counts as "was closed": calls queued before the chat code arrived may
        // open the panel before this effect first runs.
        if open && was_open != Some(true) {
            // After this tick's DOM update has removed `hidden`: a hidden element can't be focused.
            request_animation_frame(move || {
                // `try_`: the widget may have been destroyed before this frame.
                if let Some(textarea) = composer_ref.try_get_untracked().flatten() {
                    let _ = textarea.focus();
                }
            });
        }
        open
    });
}
