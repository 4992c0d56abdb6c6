//! The indicator shown from send until the reply's first text, including while a tool runs
//! (where Helper's widget shows a blank gap).

use super::use_chat;
use crate::chat::Status;
use crate::i18n::t;
use leptos::prelude::*;

/// "Thinking…" / "Searching our help articles…": a polite status, with animated dots that
/// respect `prefers-reduced-motion`.
#[component]
pub fn LoadingIndicator() -> impl IntoView {
    let store = use_chat().store();
    // The tool of the streaming reply, if one is running.
    let working = move || {
        store.rows.with(|rows| {
            rows.last()
                .filter(|r| r.streaming.get())
                .and_then(|r| r.working.get())
        })
    };
    let visible = move || store.status.get() == Status::Submitted || working().is_some();
    let label = move || match working().as_deref() {
        Some("knowledge_base") => t("loading.searching"),
        Some(helper_widget_core::chat::ESCALATION_TOOL) => t("loading.escalating"),
        Some(_) => t("loading.working"),
        None => t("loading.thinking"),
    };
    view! {
        <Show when=visible>
            <div class="hw-loading" data-testid="loading-spinner" role="status">
                <span class="hw-dots" aria-hidden="true"><i></i><i></i><i></i></span>
                <span class="hw-loading__label">{label}</span>
            </div>
        </Show>
    }
}
