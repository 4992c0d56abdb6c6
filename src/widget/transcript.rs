//! The transcript: a `role="log"` live region holding the conversation's messages.

use leptos::prelude::*;

/// The message list. Screen readers announce what is appended, politely (WCAG ARIA23).
#[component]
pub fn Transcript() -> impl IntoView {
    view! {
        <div class="hw-transcript" data-testid="messages-list" role="log" aria-label="Conversation">
            <p class="hw-greeting">"Hi! Ask us anything and we'll answer right here."</p>
        </div>
    }
}
