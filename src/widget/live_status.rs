//! What the visitor should know about the people behind the chat: a human has the conversation,
//! and a human is typing.

use super::use_chat;
use crate::i18n::t;
use leptos::prelude::*;

/// "A person from our team will answer here", while the conversation is escalated.
#[component]
pub fn EscalatedBanner() -> impl IntoView {
    let store = use_chat().store();
    move || {
        store.escalated.get().then(|| {
            view! {
                <p class="hw-banner" data-testid="escalated-banner" role="status">
                    {t("transcript.escalated_banner")}
                </p>
            }
        })
    }
}

/// "Support agent is typing…", from realtime `agent-typing` (hidden again after a pause or when
/// the reply arrives).
#[component]
pub fn TypingIndicator() -> impl IntoView {
    let store = use_chat().store();
    move || {
        store.staff_typing.get().then(|| {
            view! {
                <div class="hw-loading" data-testid="typing-indicator" role="status">
                    <span class="hw-dots" aria-hidden="true"><i></i><i></i><i></i></span>
                    <span class="hw-loading__label">{t("transcript.typing")}</span>
                </div>
            }
        })
    }
}
