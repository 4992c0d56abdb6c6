//! The floating launcher: a disclosure button for the panel (APG disclosure pattern).

use super::UiState;
use leptos::html;
use leptos::prelude::*;

/// The round button in the corner that opens and closes the panel.
#[component]
pub fn Launcher(
    /// Panel state it toggles and reflects in `aria-expanded`.
    ui: UiState,
    /// Lets the panel give focus back here when it closes from the keyboard.
    launcher_ref: NodeRef<html::Button>,
) -> impl IntoView {
    let expanded = move || if ui.open.get() { "true" } else { "false" };
    view! {
        <button
            node_ref=launcher_ref
            type="button"
            class="hw-launcher"
            data-testid="launcher"
            aria-label="Support chat"
            aria-controls="hw-panel"
            aria-expanded=expanded
            on:click=move |_| ui.toggle()
        >
            <svg class="hw-icon hw-icon--chat" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6A.5.5 0 0 1 5 19.2V16h-.5A2.5 2.5 0 0 1 2 13.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" />
            </svg>
            <svg class="hw-icon hw-icon--close" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M6 6l12 12M18 6L6 18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
        </button>
    }
}
