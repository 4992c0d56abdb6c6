//! The chat controller: sends messages, runs one streamed turn at a time, stops, retries,
//! starts prompt conversations and restores the open conversation after a reload.
//!
//! It is the one module that brings together [`crate::api`] (HTTP), the browser-free decoder
//! and reply rules ([`helper_widget_core::protocol`], [`helper_widget_core::chat`]) and the
//! reactive [`Store`]. Components call its methods and read the store; they never touch the
//! network.

mod feedback;
mod receive;
pub mod store;
mod turn;

pub use receive::Received;

pub use store::{Failure, RetryTarget, Row, Status, Store};

use crate::api::{storage, Api, ApiError, Attachment, StoredMessage};
use crate::events;
use crate::i18n::{t, tf};
use crate::json;
use helper_widget_core::chat::{Role, TurnFailure};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The turn in flight.
struct ActiveTurn {
    id: u64,
    abort: web_sys::AbortController,
}

/// Owns the conversation's behaviour. One per mounted widget.
pub struct Chat {
    api: Rc<Api>,
    store: Store,
    owner: String,
    next_key: Cell<u64>,
    turn: RefCell<Option<ActiveTurn>>,
    alive: Cell<bool>,
    /// Aborted by `destroy()`: ends the requests that belong to no turn (restore).
    life: Option<web_sys::AbortController>,
    /// The restore of the previous conversation, while it runs; turns wait for it. (A promise,
    /// which any number of turns can await, rather than a shared Rust future: fewer bytes.)
    restoring: RefCell<Option<js_sys::Promise>>,
    /// Bumped when the visitor leaves the conversation (a prompt, "new conversation"): a
    /// restore that finishes after that is for a conversation no longer shown.
    generation: Cell<u64>,
    /// The notice shown says the server could not be reached; a later answer takes it away.
    unreachable_notice: Cell<bool>,
    /// Saved messages that arrived (realtime, polling) while a reply streamed: the streamed
    /// copy may not know its server id yet, so they are matched once the turn ends.
    deferred: RefCell<Vec<(String, StoredMessage)>>,
}

impl Chat {
    /// A controller over `store`, talking to Helper through `api`.
    pub fn new(api: Rc<Api>, store: Store) -> Rc<Chat> {
        let owner = api.owner_key();
        Rc::new(Chat {
            api,
            store,
            owner,
            next_key: Cell::new(1),
            turn: RefCell::new(None),
            alive: Cell::new(true),
            life: web_sys::AbortController::new().ok(),
            restoring: RefCell::new(None),
            generation: Cell::new(0),
            unreachable_notice: Cell::new(false),
            deferred: RefCell::new(Vec::new()),
        })
    }

    /// The store the components render.
    pub fn store(&self) -> Store {
        self.store
    }

    /// Start-up: open the session at once (so the first answer is not delayed) and bring back
    /// the conversation that was open before a reload.
    pub fn start(self: &Rc<Self>) {
        let this = Rc::clone(self);
        match storage::conversation(&self.owner) {
            Some(slug) => {
                let restore = wasm_bindgen_futures::future_to_promise(async move {
                    this.restore(slug).await;
                    Ok(wasm_bindgen::JsValue::UNDEFINED)
                });
                *self.restoring.borrow_mut() = Some(restore);
            }
            None => leptos::task::spawn_local(async move {
                if let Err(e) = this.api.token().await {
                    this.session_problem(&e);
                }
            }),
        }
    }

    /// Waits for the restore of the previous conversation, if one is running.
    pub async fn restored(&self) {
        let pending = self.restoring.borrow().clone();
        if let Some(restore) = pending {
            // It never rejects: restore() handles its own errors.
            let _ = wasm_bindgen_futures::JsFuture::from(restore).await;
        }
    }

    async fn restore(self: Rc<Self>, slug: String) {
        self.load(slug, false).await;
    }

    /// Opens one of the visitor's earlier conversations (from the history or a notification):
    /// stops a streaming reply (keeping its text on the server), then shows that conversation's
    /// messages, staff replies included, and marks it read. Messages typed meanwhile wait for it
    /// and continue it.
    pub fn open_conversation(self: &Rc<Self>, slug: &str) {
        let slug = slug.trim();
        if slug.is_empty() {
            return;
        }
        let open = self.store.slug.get_untracked();
        if open.as_deref() == Some(slug) && self.restoring.borrow().is_none() {
            return;
        }
        self.stop();
        self.leave_conversation();
        storage::set_conversation(&self.owner, Some(slug));
        let this = Rc::clone(self);
        let slug = slug.to_owned();
        let load = wasm_bindgen_futures::future_to_promise(async move {
            this.load(slug, true).await;
            Ok(wasm_bindgen::JsValue::UNDEFINED)
        });
        *self.restoring.borrow_mut() = Some(load);
    }

    /// Loads `slug`'s messages into the (empty) transcript: after a reload, or when the visitor
    /// picks an earlier conversation (`mark_read`).
    async fn load(self: Rc<Self>, slug: String, mark_read: bool) {
        let generation = self.generation.get();
        self.store.restoring.set(true);
        let abort = self.life.as_ref().map(|c| c.signal());
        let result = self
            .api
            .conversation(&slug, mark_read, abort.as_ref())
            .await;
        if !self.alive.get() || self.generation.get() != generation {
            // Destroyed, or the visitor started another conversation meanwhile (that one owns
            // the transcript now; this one stays on the server, reachable from the history).
            return;
        }
        self.restoring.borrow_mut().take();
        self.store.restoring.set(false);
        match result {
            Ok(details) => {
                let mut rows: Vec<Row> = details
                    .messages
                    .into_iter()
                    .map(|m| self.stored_row(m))
                    .collect();
                // Messages typed while this loaded come after the history, in the same
                // conversation (their turn waited for this).
                self.store.rows.update(|typed| {
                    rows.append(typed);
                    *typed = rows;
                });
                self.store.escalated.set(details.is_escalated);
                self.store.slug.set(Some(slug));
            }
            Err(ApiError::Session(message)) => self.session_problem(&ApiError::Session(message)),
            Err(ApiError::Aborted) => {}
            Err(
                e @ (ApiError::Http {
                    status: 401 | 403 | 404,
                    ..
                }
                | ApiError::BadResponse(_)),
            ) => {
                // Gone, someone else's, or unreadable: start fresh rather than show an error
                // for a conversation the visitor cannot have.
                web_sys::console::warn_1(
                    &format!("[Helper widget] could not open the conversation: {e}").into(),
                );
                storage::set_conversation(&self.owner, None);
                if mark_read {
                    self.store.notice.set(Some(t("error.open_failed").into()));
                }
            }
            Err(e) => {
                // Offline, a server error, a time-out: the conversation is still there, so it is
                // kept, and new messages continue it.
                self.store.slug.set(Some(slug));
                let detail = e.to_string();
                let text = tf("error.earlier_failed", &[("detail", &detail)]);
                self.store.notice.set(Some(text));
            }
        }
    }

    /// A transcript row for a message the server has saved.
    pub fn stored_row(&self, m: StoredMessage) -> Row {
        let mut row = Row::new(
            self.key(),
            m.id.clone(),
            Role::from_api(&m.role),
            shown_content(m.content),
            false,
        );
        row.server_id.set(Some(m.id));
        row.staff_name = m.staff_name;
        row.created_at = m.created_at;
        row.reaction.set(m.reaction);
        row.attachments = m.attachments;
        row
    }

    fn session_problem(&self, e: &ApiError) {
        if let ApiError::Session(message) = e {
            self.store.notice.set(Some(message.clone()));
            events::emit(
                "error",
                events::detail(json::object(vec![("message", message.as_str().into())])),
            );
        } else {
            // Not fatal: the next call tries again. But a visitor who opens the panel now should
            // know why an answer may not come.
            let text = tf("error.offline", &[("detail", &e.to_string())]);
            self.store.notice.set(Some(text));
            self.unreachable_notice.set(true);
        }
    }

    /// Sends a typed message with `attachments` (read, checked files). Returns false (and sends
    /// nothing) for a message with neither text nor files, or while a reply is still streaming.
    /// Files alone are a message: Helper saves it as "[Image]".
    pub fn send(self: &Rc<Self>, text: &str, attachments: Vec<Attachment>) -> bool {
        let content = text.trim();
        if (content.is_empty() && attachments.is_empty())
            || self.store.status.get_untracked() != Status::Idle
        {
            return false;
        }
        self.store.failure.set(None);
        let (target, row) = self.user_message(content, attachments);
        self.begin_turn(target, Some(row), false);
        true
    }

    /// A `data-helper-prompt` click or `sendPrompt`: stops a streaming reply (keeping its text),
    /// then starts a new conversation with `text` as its first message.
    pub fn prompt(self: &Rc<Self>, text: &str) {
        let content = text.trim();
        if content.is_empty() {
            return;
        }
        self.stop();
        self.leave_conversation();
        let (target, row) = self.user_message(content, Vec::new());
        self.begin_turn(target, Some(row), true);
    }

    /// Leaves the current conversation; the next message starts a new one.
    pub fn new_conversation(&self) {
        self.stop();
        self.leave_conversation();
    }

    fn leave_conversation(&self) {
        self.generation.set(self.generation.get() + 1);
        self.deferred.borrow_mut().clear();
        self.restoring.borrow_mut().take();
        self.store.restoring.set(false);
        self.store.clear();
        storage::set_conversation(&self.owner, None);
    }

    /// Stops the streaming reply: the request is aborted and the text so far stays.
    pub fn stop(&self) {
        if let Some(turn) = self.turn.borrow_mut().take() {
            turn.abort.abort();
            self.store.status.set(Status::Idle);
        }
    }

    /// Sends the failed message again. Its partial reply and the alert go; the user message
    /// stays, once.
    pub fn retry(self: &Rc<Self>) {
        let Some(Failure { retry: target, .. }) = self.store.failure.get_untracked() else {
            return;
        };
        if self.store.status.get_untracked() != Status::Idle {
            return;
        }
        self.store.rows.update(|rows| {
            if let Some(i) = rows.iter().position(|r| r.key == target.row_key) {
                rows.truncate(i + 1);
            }
        });
        self.store.failure.set(None);
        self.begin_turn(target, None, false);
    }

    /// `destroy()`: abort whatever is in flight; later task wake-ups do nothing.
    pub fn shutdown(&self) {
        self.alive.set(false);
        if let Some(life) = &self.life {
            life.abort();
        }
        if let Some(turn) = self.turn.borrow_mut().take() {
            turn.abort.abort();
        }
    }

    /// Adds the visitor's message and announces it. `None` when a `message` listener destroyed
    /// the widget meanwhile: there is nothing left to send it from.
    /// The visitor's message as a row and what a turn (and Retry) needs of it; shown by
    /// [`Chat::begin_turn`].
    fn user_message(&self, content: &str, attachments: Vec<Attachment>) -> (RetryTarget, Row) {
        let key = self.key();
        let client_id = client_id(key);
        let mut row = Row::new(
            key,
            client_id.clone(),
            Role::User,
            content.to_owned(),
            false,
        );
        row.created_at = Some(now_iso());
        row.attachments = attachments.clone();
        let target = RetryTarget {
            row_key: key,
            client_id,
            content: content.to_owned(),
            attachments,
        };
        (target, row)
    }

    /// Whether the widget is still mounted. Any event listener may call `destroy()`, which
    /// disposes the store's signals (reading one then panics), so code that reads the store
    /// after emitting an event, or after an await, checks this first.
    pub fn alive(&self) -> bool {
        self.alive.get()
    }

    /// Starts the turn for `user`'s message, first showing `shown` (its row) unless it is
    /// there already (Retry). The request goes out before the rows are drawn: the task is queued
    /// ahead of the views' updates, so the first render of the transcript (the costliest, on a
    /// first message) overlaps the round trips instead of delaying them.
    fn begin_turn(self: &Rc<Self>, user: RetryTarget, shown: Option<Row>, is_prompt: bool) {
        let abort = match web_sys::AbortController::new() {
            Ok(a) => a,
            Err(_) => {
                if let Some(row) = shown {
                    self.store.push(row);
                }
                self.fail(TurnFailure::Network, user);
                return;
            }
        };
        let id = self.key();
        let mut row = Row::new(id, client_id(id), Role::Assistant, String::new(), true);
        row.created_at = Some(now_iso());
        *self.turn.borrow_mut() = Some(ActiveTurn {
            id,
            abort: abort.clone(),
        });
        let this = Rc::clone(self);
        let (task_row, task_user) = (row.clone(), user.clone());
        leptos::task::spawn_local(async move {
            let outcome = turn::run(&this, &task_row, &task_user, is_prompt, &abort.signal()).await;
            this.finish_turn(id, task_row, task_user, outcome);
        });
        if let Some(shown) = shown {
            self.store.push(shown);
            events::emit(
                "message",
                events::detail(json::object(vec![
                    ("role", "user".into()),
                    ("content", user.content.as_str().into()),
                    ("id", user.client_id.as_str().into()),
                ])),
            );
            // A listener may have destroyed the widget; the task then ends by itself.
            if !self.alive.get() {
                return;
            }
        }
        self.store.push(row);
        self.store.status.set(Status::Submitted);
    }

    fn finish_turn(&self, id: u64, row: Row, user: RetryTarget, outcome: turn::Outcome) {
        if !self.alive.get() {
            return;
        }
        row.streaming.set(false);
        row.working.set(None);
        let current = self.turn.borrow().as_ref().is_some_and(|t| t.id == id);
        if current {
            self.turn.borrow_mut().take();
            self.store.status.set(Status::Idle);
        }
        let has_text = row.text.with_untracked(|t| !t.is_empty());
        if !has_text {
            self.store.remove(row.key);
        }
        match outcome {
            turn::Outcome::Completed | turn::Outcome::Stopped => {
                if self.unreachable_notice.replace(false) {
                    self.store.notice.set(None);
                }
                if has_text {
                    let content = row.text.get_untracked();
                    events::emit(
                        "message",
                        events::detail(json::object(vec![
                            ("role", "assistant".into()),
                            ("content", content.into()),
                            ("id", row.public_id().into()),
                        ])),
                    );
                }
            }
            turn::Outcome::Failed(failure) if current => self.fail(failure, user),
            turn::Outcome::Failed(_) => {}
            // Stopped before it went out: unless the visitor has left the conversation (a new
            // prompt stops the turn too), the message stays with Retry.
            turn::Outcome::StoppedUnsent => {
                let shown = self
                    .store
                    .rows
                    .with_untracked(|rows| rows.iter().any(|r| r.key == user.row_key));
                if shown {
                    self.fail(TurnFailure::NotSent, user);
                }
            }
        }
        if self.alive.get() {
            self.receive_deferred();
        }
    }

    fn fail(&self, failure: TurnFailure, retry: RetryTarget) {
        let message = failure_text(&failure);
        self.store.status.set(Status::Idle);
        self.store.failure.set(Some(Failure {
            message: message.clone(),
            retry,
        }));
        events::emit(
            "error",
            events::detail(json::object(vec![("message", message.as_str().into())])),
        );
    }

    /// Records a newly created conversation.
    fn conversation_started(&self, slug: &str) {
        self.store.slug.set(Some(slug.to_owned()));
        storage::set_conversation(&self.owner, Some(slug));
        storage::remember_has_conversations();
        events::emit(
            "conversation",
            events::detail(json::object(vec![("conversationSlug", slug.into())])),
        );
    }

    fn key(&self) -> u64 {
        let k = self.next_key.get();
        self.next_key.set(k + 1);
        k
    }
}

/// The visitor's clock, as the server writes times (messages of this visit have no server time
/// until the conversation is loaded again).
fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// `client_…` ids, as Helper's widget uses (its server tells them from saved ids by the prefix).
fn client_id(key: u64) -> String {
    let random = (js_sys::Math::random() * 2f64.powi(40)) as u64;
    format!("client_{random:x}{key:x}")
}

/// What a saved message shows: its content, except that Helper's fixed English line for an
/// escalated reply reads in the visitor's language (as a streamed one does).
fn shown_content(content: String) -> String {
    if content == helper_widget_core::chat::ESCALATION_TEXT {
        t("transcript.escalated").into()
    } else {
        content
    }
}

/// A failed turn in the visitor's words. (`TurnFailure`'s own text is English, for logs.)
fn failure_text(failure: &TurnFailure) -> String {
    match failure {
        TurnFailure::Http {
            status,
            detail: Some(detail),
        } if !detail.trim().is_empty() => tf(
            "error.http_detail",
            &[("status", &status.to_string()), ("detail", detail.trim())],
        ),
        TurnFailure::Http { status, .. } => tf("error.http", &[("status", &status.to_string())]),
        TurnFailure::Network => t("error.network").into(),
        TurnFailure::Dropped => t("error.dropped").into(),
        TurnFailure::TimedOut => t("error.timeout").into(),
        TurnFailure::NotSent => t("error.not_sent").into(),
        TurnFailure::Stream(message) if message.is_empty() => t("error.reply_failed").into(),
        TurnFailure::Stream(message) | TurnFailure::Session(message) => message.clone(),
    }
}
