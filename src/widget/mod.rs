//! The widget's Leptos components, one per file, and the UI state the JavaScript API drives.
//!
//! Components only see their own shadow root: nothing here reads the host page, which is the
//! [`crate::embed`] layer's job. Logic sits in named functions above each `view!`.

mod composer;
mod launcher;
mod panel;
mod transcript;

pub use composer::Composer;
pub use launcher::Launcher;
pub use panel::Panel;
pub use transcript::Transcript;

use helper_widget_core::config::Config;
use leptos::html;
use leptos::prelude::*;

/// Panel state shared by the components and the `HelperWidget` methods. `Copy`: it is a
/// bundle of arena signals owned by the mounted view, so it dies with the view.
#[derive(Clone, Copy)]
pub struct UiState {
    /// Whether the chat panel is open.
    pub open: RwSignal<bool>,
    /// Whether the panel is in its compact (minimized) size.
    pub minimized: RwSignal<bool>,
    /// The latest prompt from a `data-helper-prompt` click or `sendPrompt`, with a sequence
    /// number so the same text clicked twice is two requests.
    pub prompt_request: RwSignal<Option<(u64, String)>>,
}

impl UiState {
    /// New state: closed, full size, no prompt. Must run under the view's owner.
    pub fn new() -> Self {
        UiState {
            open: RwSignal::new(false),
            minimized: RwSignal::new(false),
            prompt_request: RwSignal::new(None),
        }
    }

    /// Opens the panel.
    pub fn show(self) {
        self.open.set(true);
    }

    /// Closes the panel.
    pub fn hide(self) {
        self.open.set(false);
    }

    /// Opens a closed panel, closes an open one.
    pub fn toggle(self) {
        self.open.update(|o| *o = !*o);
    }

    /// Sets the compact size (desktop only; on narrow screens the panel is always full screen).
    pub fn set_minimized(self, minimized: bool) {
        self.minimized.set(minimized);
    }

    /// Switches between compact and full size.
    pub fn toggle_minimized(self) {
        self.minimized.update(|m| *m = !*m);
    }

    /// A prompt from the page: opens the panel and asks the chat to start a new conversation
    /// with `text` as its first message.
    pub fn prompt(self, text: String) {
        self.show();
        let next = self
            .prompt_request
            .with_untracked(|p| p.as_ref().map_or(1, |(n, _)| n + 1));
        self.prompt_request.set(Some((next, text)));
    }
}

impl Default for UiState {
    fn default() -> Self {
        Self::new()
    }
}

/// The whole widget: launcher and panel, themed from the configuration.
#[component]
pub fn Widget(
    /// Validated page configuration.
    config: Config,
    /// Absolute URL of `sdk.js`; its origin is the default API host.
    script_url: String,
    /// Open/minimized state, shared with the JavaScript API.
    ui: UiState,
) -> impl IntoView {
    let _ = script_url;
    let theme = format!(
        "--hw-accent:{};--hw-on-accent:{}",
        config.icon_color,
        config.icon_color.contrasting_foreground()
    );
    let launcher_ref = NodeRef::<html::Button>::new();
    let show_launcher = config.show_toggle_button;
    view! {
        <div class="hw-widget" style=theme class:hw-widget--open=move || ui.open.get()>
            <Panel title=config.title ui=ui launcher_ref=launcher_ref />
            <Show when=move || show_launcher>
                <Launcher ui=ui launcher_ref=launcher_ref />
            </Show>
        </div>
    }
}
