//! The widget's Leptos components, one per file, and the UI state the JavaScript API drives.
//!
//! Components only see their own shadow root: nothing here reads the host page, which is the
//! [`crate::embed`] layer's job. They read the [`Store`] and call the [`Chat`] controller
//! (provided as context), and the [`History`] and [`Contact`] controllers behind the panes that
//! can take the chat's place; they never touch the network. Logic sits in named functions
//! above each `view!`.

mod attach;
mod attachment_list;
mod composer;
mod contact_form;
mod conversation_item;
mod dom;
mod error_alert;
mod history_view;
mod live_status;
mod loading;
mod markdown_view;
mod message;
mod message_time;
mod panel;
mod reactions;
mod screenshot;
mod sources;
mod support_buttons;
mod transcript;

pub use attachment_list::attachment_list;
pub use composer::Composer;
pub use contact_form::ContactForm;
pub use error_alert::ErrorAlert;
pub use history_view::HistoryView;
pub use live_status::{EscalatedBanner, TypingIndicator};
pub use loading::LoadingIndicator;
pub use markdown_view::MessageContent;
pub use message::MessageView;
pub use message_time::MessageTime;
pub use panel::{add_size_button, Panel};
pub use reactions::Reactions;
pub use screenshot::set_capture;
pub use sources::Sources;
pub use support_buttons::SupportButtons;
pub use transcript::Transcript;

use crate::api::{storage, Api};
use crate::chat::{Chat, Status, Store};
use crate::contact::Contact;
use crate::embed::UnreadBadge;
use crate::history::History;
use crate::live::Live;
use helper_widget_core::config::Config;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// Panel state shared by the components and the `HelperWidget` methods. `Copy`: it is a
/// bundle of arena signals owned by the mounted view, so it dies with the view.
#[derive(Clone, Copy)]
pub struct UiState {
    /// Whether the chat panel is open.
    pub open: RwSignal<bool>,
    /// Whether the panel is in its compact (minimized) size.
    pub minimized: RwSignal<bool>,
    /// The latest request from the page for the chat (a `data-helper-prompt` click,
    /// `sendPrompt`, a notification's conversation), with a sequence number so the same request
    /// made twice is two requests.
    pub page_request: RwSignal<Option<(u64, PageRequest)>>,
    /// Whether opening moves focus into the composer: yes when the visitor asked, no when the
    /// panel is reopened because it was open before a reload (focus stays on the page).
    pub focus_on_open: StoredValue<bool>,
    /// What the panel shows below its header.
    pub body: RwSignal<PanelBody>,
}

/// What fills the panel below its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelBody {
    /// The conversation and the composer.
    Chat,
    /// The visitor's earlier conversations.
    History,
    /// The contact form.
    Contact,
}

impl UiState {
    /// New state: closed, full size, no prompt. Must run under the view's owner.
    pub fn new() -> Self {
        UiState {
            open: RwSignal::new(false),
            minimized: RwSignal::new(false),
            page_request: RwSignal::new(None),
            focus_on_open: StoredValue::new(true),
            body: RwSignal::new(PanelBody::Chat),
        }
    }

    /// Opens the panel.
    pub fn show(self) {
        self.focus_on_open.set_value(true);
        self.open.set(true);
    }

    /// Opens the panel as it was before a reload, leaving focus where the page has it.
    pub fn reopen(self) {
        self.focus_on_open.set_value(false);
        self.open.set(true);
    }

    /// Closes the panel.
    pub fn hide(self) {
        self.open.set(false);
        self.back_to_chat();
    }

    /// Opens a closed panel, closes an open one.
    pub fn toggle(self) {
        self.focus_on_open.set_value(true);
        self.open.update(|o| *o = !*o);
        if !self.open.get_untracked() {
            self.back_to_chat();
        }
    }

    /// A closed panel opens on the chat again, where opening puts focus (a list or form left
    /// open behind a closed panel would come back with focus nowhere).
    fn back_to_chat(self) {
        if self.body.get_untracked() != PanelBody::Chat {
            self.body.set(PanelBody::Chat);
        }
    }

    /// Sets the compact size (desktop only; on narrow screens the panel is always full screen),
    /// which the next page load keeps. Stored here, where every change passes, rather than by
    /// an effect: each effect costs the download more wasm than this call.
    pub fn set_minimized(self, minimized: bool) {
        self.minimized.set(minimized);
        storage::set_minimized(minimized);
    }

    /// Switches between compact and full size.
    pub fn toggle_minimized(self) {
        self.set_minimized(!self.minimized.get_untracked());
    }

    /// A prompt from the page: opens the panel and asks the chat to start a new conversation
    /// with `text` as its first message.
    pub fn prompt(self, text: String) {
        self.request(PageRequest::Prompt(text));
    }

    /// Opens the panel on the visitor's conversation `slug` (a notification was clicked).
    pub fn open_conversation(self, slug: String) {
        self.request(PageRequest::Open(slug));
    }

    /// Opens the panel on the contact form (a `data-helper-contact-form` click).
    pub fn contact_form(self) {
        self.show();
        // Only on a change: setting the pane shown again would make it anew.
        if self.body.get_untracked() != PanelBody::Contact {
            self.body.set(PanelBody::Contact);
        }
    }

    fn request(self, request: PageRequest) {
        self.show();
        self.body.set(PanelBody::Chat);
        let next = self
            .page_request
            .with_untracked(|p| p.as_ref().map_or(1, |(n, _)| n + 1));
        self.page_request.set(Some((next, request)));
    }
}

/// What the page asked the chat for.
#[derive(Clone, Debug, PartialEq)]
pub enum PageRequest {
    /// Start a new conversation with this first message.
    Prompt(String),
    /// Show this earlier conversation.
    Open(String),
}

impl Default for UiState {
    fn default() -> Self {
        Self::new()
    }
}

/// The chat controller, as a `Copy` handle components can capture in any closure (Leptos
/// views need `Send` closures; the controller itself holds browser objects, so it lives in
/// local arena storage, owned by the view).
#[derive(Clone, Copy)]
pub struct ChatHandle {
    chat: StoredValue<Rc<Chat>, LocalStorage>,
    store: Store,
}

impl ChatHandle {
    /// Runs `f` on the controller; does nothing once the widget is unmounted.
    pub fn run(&self, f: impl FnOnce(&Rc<Chat>)) {
        if let Some(chat) = self.chat.try_get_value() {
            f(&chat);
        }
    }

    /// The store the components render.
    pub fn store(&self) -> Store {
        self.store
    }
}

/// Puts focus in the composer: where it goes when the control that had it disappears (Stop
/// once the reply ends, Retry once clicked), so keyboard users are never dropped on `<body>`.
#[derive(Clone, Copy)]
pub struct ComposerFocus(pub NodeRef<leptos::html::Textarea>);

impl ComposerFocus {
    /// Focuses the composer, if it is still there.
    pub fn focus(self) {
        if let Some(textarea) = self.0.try_get_untracked().flatten() {
            let _ = textarea.focus();
        }
    }
}

/// The composer's focus handle, provided by the panel.
pub fn use_composer_focus() -> Option<ComposerFocus> {
    use_context::<ComposerFocus>()
}

/// How often relative times ("5m") are brought up to date.
const CLOCK_TICK: std::time::Duration = std::time::Duration::from_secs(30);

/// The current time (Unix ms) for relative times, one timer for all of them; provided by
/// [`Widget`].
#[derive(Clone, Copy)]
pub struct Clock(RwSignal<f64>);

impl Clock {
    /// Now, tracked: a view reading it is redrawn as time passes.
    pub fn get(self) -> f64 {
        self.0.get()
    }
}

fn start_clock() {
    let now = RwSignal::new(js_sys::Date::now());
    let tick = set_interval_with_handle(move || now.set(js_sys::Date::now()), CLOCK_TICK);
    if let Ok(tick) = tick {
        on_cleanup(move || tick.clear());
    }
    provide_context(Clock(now));
}

/// The clock provided by [`Widget`]; a still one (the time of the call) outside it.
pub fn use_clock() -> Clock {
    use_context::<Clock>().unwrap_or_else(|| Clock(RwSignal::new(js_sys::Date::now())))
}

/// The controller provided by [`Widget`].
pub fn use_chat() -> ChatHandle {
    match use_context::<ChatHandle>() {
        Some(handle) => handle,
        None => {
            unreachable!("components are only rendered inside <Widget/>, which provides the chat")
        }
    }
}

/// Creates the store and controller over `api`, starts the session and ties the controller's
/// life to the view's.
fn start_chat(api: Rc<Api>) -> Rc<Chat> {
    let store = Store::new();
    let chat = Chat::new(api, store);
    provide_context(ChatHandle {
        chat: StoredValue::new_local(Rc::clone(&chat)),
        store,
    });
    let on_unmount = SendWrapper::new(Rc::clone(&chat));
    on_cleanup(move || on_unmount.shutdown());
    chat.start();
    chat
}

/// Listens for a human agent's replies while it matters: while a conversation is shown, and
/// while the panel is closed on one a human has taken over (so replies count as unread).
fn follow_live(ui: UiState, chat: Rc<Chat>, api: Rc<Api>, unread: Option<UnreadBadge>) {
    let store = chat.store();
    let visible = move || ui.open.try_get_untracked() == Some(true) && !document().hidden();
    let recount = {
        let api = Rc::clone(&api);
        move || {
            if let Some(badge) = unread.clone() {
                let api = Rc::clone(&api);
                leptos::task::spawn_local(async move {
                    if let Ok(token) = api.token().await {
                        badge.refresh(&token);
                    }
                });
            }
        }
    };
    let live = Live::new(chat, api, visible, recount);
    let on_unmount = SendWrapper::new(Rc::clone(&live));
    on_cleanup(move || on_unmount.shutdown());
    Effect::new(move |before: Option<(bool, bool, Option<String>)>| {
        let slug = store.slug.get();
        let open = ui.open.get();
        let idle = store.status.get() == Status::Idle;
        let escalated = store.escalated.get();
        let wanted = slug.clone().filter(|_| open || escalated);
        // A new conversation's first answer streams over `POST /api/chat`: the realtime
        // handshake would compete with it for the visitor's first words, so listening starts
        // when that answer is over (nobody but the AI answers before then).
        if idle || wanted.is_none() || live.following() {
            live.follow(wanted);
        }
        let (was_open, was_idle, shown) = before.unwrap_or((false, true, None));
        // Helper counts a conversation unread while it has a message newer than the visitor's
        // last read, the AI's answers included. What the open panel shows is read: on opening,
        // once a conversation has loaded into it, and when an answer finishes.
        if open && idle && slug.is_some() && (!was_open || !was_idle || shown != slug) {
            live.seen();
        }
        (open, idle, slug)
    });
}

/// Runs the page's requests (`data-helper-prompt`, `sendPrompt`, notifications) through the
/// controller.
fn forward_page_requests(ui: UiState, chat: Rc<Chat>) {
    Effect::new(move || match ui.page_request.get() {
        Some((_, PageRequest::Prompt(text))) => chat.prompt(&text),
        Some((_, PageRequest::Open(slug))) => chat.open_conversation(&slug),
        None => {}
    });
}

/// The chat: the panel, over the API client the embed layer made. (The launcher is the
/// loader's, drawn before the chat code loads; the accent colour comes from its stylesheet, and
/// it gives focus back to whatever opened the panel when it closes.)
#[component]
pub fn Widget(
    /// Validated page configuration.
    config: Config,
    /// The Helper API client.
    api: SendWrapper<Rc<Api>>,
    /// Open/minimized state, shared with the JavaScript API.
    ui: UiState,
    /// The launcher's unread badge (the loader's), brought up to date when replies are read or
    /// arrive unseen.
    #[prop(optional)]
    unread: Option<SendWrapper<UnreadBadge>>,
) -> impl IntoView {
    let api = api.take();
    start_clock();
    let chat = start_chat(Rc::clone(&api));
    // `SendWrapper`: context values must be `Send`; these stay on the one thread wasm has.
    provide_context(SendWrapper::new(History::new(
        Rc::clone(&api),
        Rc::clone(&chat),
    )));
    provide_context(SendWrapper::new(Contact::new(Rc::clone(&api))));
    follow_live(ui, Rc::clone(&chat), api, unread.map(SendWrapper::take));
    forward_page_requests(ui, chat);
    view! { <Panel title=config.title ui=ui /> }
}

/// The history controller provided by [`Widget`].
pub fn use_history() -> Rc<History> {
    match use_context::<SendWrapper<Rc<History>>>() {
        Some(history) => Rc::clone(&history),
        None => unreachable!("components are only rendered inside <Widget/>, which provides it"),
    }
}

/// The contact form's controller provided by [`Widget`].
pub fn use_contact() -> Rc<Contact> {
    match use_context::<SendWrapper<Rc<Contact>>>() {
        Some(contact) => Rc::clone(&contact),
        None => unreachable!("components are only rendered inside <Widget/>, which provides it"),
    }
}
