//! The reactive mirror of the conversation: the only place that turns chat changes into signal
//! writes. The transcript is one list signal touched once per message; each message's text,
//! state and sources are signals of their own, so a streamed delta re-runs only that message's
//! view, never the list.

use crate::api::Attachment;
use helper_widget_core::chat::{Role, Source};
use leptos::prelude::*;

/// Where the current turn is (the AI SDK's `ChatStatus`, without its `error`, which is
/// [`Store::failure`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing in flight.
    Idle,
    /// Sent; nothing of the reply shown yet.
    Submitted,
    /// Reply text is arriving.
    Streaming,
}

/// One message of the transcript.
#[derive(Clone)]
pub struct Row {
    /// Stable key for the keyed list; never reused.
    pub key: u64,
    /// The id sent to the server (user messages) or used until the server's is known.
    pub client_id: String,
    /// Who wrote it.
    pub role: Role,
    /// Its markdown source, appended to as the reply streams.
    pub text: ArcRwSignal<String>,
    /// True while the reply streams (drives `aria-busy`).
    pub streaming: ArcRwSignal<bool>,
    /// The tool being run, while the reply waits for it.
    pub working: ArcRwSignal<Option<String>>,
    /// Citations listed under the message.
    pub sources: ArcRwSignal<Vec<Source>>,
    /// Helper's id of the saved message, once known.
    pub server_id: ArcRwSignal<Option<String>>,
    /// A human agent's name, for staff replies.
    pub staff_name: Option<String>,
    /// When the server saved it (ISO 8601); messages of this visit get theirs once saved.
    pub created_at: Option<String>,
    /// The visitor's saved reaction to a reply: `thumbs-up` or `thumbs-down`.
    pub reaction: ArcRwSignal<Option<String>>,
    /// Files sent with it (ours as data URLs, received ones as the server lists them).
    pub attachments: Vec<Attachment>,
}

impl Row {
    /// A message with `text`, finished unless `streaming`.
    pub fn new(key: u64, client_id: String, role: Role, text: String, streaming: bool) -> Row {
        Row {
            key,
            client_id,
            role,
            text: ArcRwSignal::new(text),
            streaming: ArcRwSignal::new(streaming),
            working: ArcRwSignal::new(None),
            sources: ArcRwSignal::new(Vec::new()),
            server_id: ArcRwSignal::new(None),
            staff_name: None,
            created_at: None,
            reaction: ArcRwSignal::new(None),
            attachments: Vec::new(),
        }
    }

    /// The id the page sees in `message` events: the server's if known.
    pub fn public_id(&self) -> String {
        self.server_id
            .get_untracked()
            .unwrap_or_else(|| self.client_id.clone())
    }
}

/// A failed turn, with what Retry needs.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Shown in the alert.
    pub message: String,
    /// The user message to send again (its row stays in the transcript).
    pub retry: RetryTarget,
}

/// The user message a Retry re-sends.
#[derive(Debug, Clone)]
pub struct RetryTarget {
    /// Its row.
    pub row_key: u64,
    /// Its client id, sent again so the server sees the same message.
    pub client_id: String,
    /// Its text.
    pub content: String,
    /// Its files, sent again with it.
    pub attachments: Vec<Attachment>,
}

/// All conversation state the components read. `Copy`: arena signals owned by the view.
#[derive(Clone, Copy)]
pub struct Store {
    /// The transcript.
    pub rows: RwSignal<Vec<Row>>,
    /// The current turn's state.
    pub status: RwSignal<Status>,
    /// The last turn's failure, until Retry or the next send.
    pub failure: RwSignal<Option<Failure>>,
    /// A problem not tied to a turn (a rejected identified session), shown as an alert.
    pub notice: RwSignal<Option<String>>,
    /// The open conversation.
    pub slug: RwSignal<Option<String>>,
    /// Whether a human has taken over.
    pub escalated: RwSignal<bool>,
    /// True while a stored conversation is being loaded.
    pub restoring: RwSignal<bool>,
    /// A human agent is typing in the open conversation.
    pub staff_typing: RwSignal<bool>,
}

impl Store {
    /// Empty state. Must run under the view's owner.
    pub fn new() -> Store {
        Store {
            rows: RwSignal::new(Vec::new()),
            status: RwSignal::new(Status::Idle),
            failure: RwSignal::new(None),
            notice: RwSignal::new(None),
            slug: RwSignal::new(None),
            escalated: RwSignal::new(false),
            restoring: RwSignal::new(false),
            staff_typing: RwSignal::new(false),
        }
    }

    /// Appends a message.
    pub fn push(&self, row: Row) {
        self.rows.update(|rows| rows.push(row));
    }

    /// Removes a message.
    pub fn remove(&self, key: u64) {
        self.rows.update(|rows| rows.retain(|r| r.key != key));
    }

    /// Forgets the transcript (a new conversation).
    pub fn clear(&self) {
        self.rows.set(Vec::new());
        self.failure.set(None);
        self.escalated.set(false);
        self.staff_typing.set(false);
        self.slug.set(None);
    }
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}
