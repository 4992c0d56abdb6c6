//! A failed turn: what went wrong, and Retry.

use super::{use_chat, use_composer_focus};
use crate::i18n::t;
use leptos::prelude::*;

/// `role="alert"` with the failure and a Retry button that re-sends the failed message.
#[component]
pub fn ErrorAlert() -> impl IntoView {
    let chat = use_chat();
    let store = chat.store();
    let message = move || {
        store
            .failure
            .with(|f| f.as_ref().map(|f| f.message.clone()))
    };
    let composer = use_composer_focus();
    let retry = move |_| {
        chat.run(|chat| chat.retry());
        // The button goes with the alert; keep keyboard focus in the panel.
        if let Some(composer) = composer {
            composer.focus();
        }
    };
    view! {
        <Show when=move || message().is_some()>
            <div class="hw-alert" data-testid="error-message" role="alert">
                <p class="hw-alert__text">{message}</p>
                <button type="button" class="hw-alert__retry" on:click=retry>{t("error.retry")}</button>
            </div>
        </Show>
    }
}
