//! The chat controller: sends messages, runs one streamed turn at a time, stops, retries,
//! starts prompt conversations and restores the open conversation after a reload.
//!
//! It is the one module that brings together [`crate::api`] (HTTP), the browser-free decoder
//! and reply rules ([`helper_widget_core::protocol`], [`helper_widget_core::chat`]) and the
//! reactive [`Store`]. Components call its methods and read the store; they never touch the
//! network.

pub mod store;
mod turn;

pub use store::{Failure, RetryTarget, Row, Status, Store};

use crate::api::{storage, Api, ApiError};
use crate::events;
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
        leptos::task::spawn_local(async move {
            match storage::conversation(&this.owner) {
                Some(slug) => this.restore(slug).await,
                None => {
                    if let Err(e) = this.api.token().await {
                        this.session_problem(&e);
                    }
                }
            }
        });
    }

    async fn restore(self: &Rc<Self>, slug: String) {
        self.store.restoring.set(true);
        let result = self.api.conversation(&slug).await;
        if !self.alive.get() {
            return;
        }
        self.store.restoring.set(false);
        match result {
            // Only if the visitor has not started something else meanwhile.
            Ok(details)
                if self.store.slug.get_untracked().is_none()
                    && self.store.rows.with_untracked(Vec::is_empty) =>
            {
                let rows: Vec<Row> = details
                    .messages
                    .into_iter()
                    .map(|m| {
                        let mut row = Row::new(
                            self.key(),
                            m.id.clone(),
                            Role::from_api(&m.role),
                            m.content,
                            false,
                        );
                        row.server_id.set(Some(m.id));
                        row.staff_name = m.staff_name;
                        row
                    })
                    .collect();
                self.store.rows.set(rows);
                self.store.escalated.set(details.is_escalated);
                self.store.slug.set(Some(slug));
            }
            Ok(_) => {}
            Err(ApiError::Session(message)) => self.session_problem(&ApiError::Session(message)),
            Err(e) => {
                // Gone, someone else's, or unreadable: start fresh rather than show an error
                // for a conversation the visitor did not ask for.
                web_sys::console::warn_1(
                    &format!("[Helper widget] could not reopen the previous conversation: {e}")
                        .into(),
                );
                storage::set_conversation(&self.owner, None);
            }
        }
    }

    fn session_problem(&self, e: &ApiError) {
        if let ApiError::Session(message) = e {
            self.store.notice.set(Some(message.clone()));
            events::emit(
                "error",
                events::detail(json::object(vec![("message", message.as_str().into())])),
            );
        } else {
            // Not fatal: the next call tries again.
            web_sys::console::warn_1(&format!("[Helper widget] session not started: {e}").into());
        }
    }

    /// Sends a typed message. Returns false (and sends nothing) for an empty message or while a
    /// reply is still streaming.
    pub fn send(self: &Rc<Self>, text: &str) -> bool {
        let content = text.trim();
        if content.is_empty() || self.store.status.get_untracked() != Status::Idle {
            return false;
        }
        self.store.failure.set(None);
        let target = self.push_user_message(content);
        self.begin_turn(target, false);
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
        self.store.clear();
        storage::set_conversation(&self.owner, None);
        let target = self.push_user_message(content);
        self.begin_turn(target, true);
    }

    /// Leaves the current conversation; the next message starts a new one.
    pub fn new_conversation(&self) {
        self.stop();
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
        self.begin_turn(target, false);
    }

    /// `destroy()`: abort whatever is in flight; later task wake-ups do nothing.
    pub fn shutdown(&self) {
        self.alive.set(false);
        if let Some(turn) = self.turn.borrow_mut().take() {
            turn.abort.abort();
        }
    }

    fn push_user_message(&self, content: &str) -> RetryTarget {
        let key = self.key();
        let client_id = client_id(key);
        self.store.push(Row::new(
            key,
            client_id.clone(),
            Role::User,
            content.to_owned(),
            false,
        ));
        events::emit(
            "message",
            events::detail(json::object(vec![
                ("role", "user".into()),
                ("content", content.into()),
                ("id", client_id.as_str().into()),
            ])),
        );
        RetryTarget {
            row_key: key,
            client_id,
            content: content.to_owned(),
        }
    }

    fn begin_turn(self: &Rc<Self>, user: RetryTarget, is_prompt: bool) {
        let abort = match web_sys::AbortController::new() {
            Ok(a) => a,
            Err(_) => {
                self.fail(TurnFailure::Network, user);
                return;
            }
        };
        let id = self.key();
        let row = Row::new(id, client_id(id), Role::Assistant, String::new(), true);
        self.store.push(row.clone());
        self.store.status.set(Status::Submitted);
        *self.turn.borrow_mut() = Some(ActiveTurn {
            id,
            abort: abort.clone(),
        });
        let this = Rc::clone(self);
        leptos::task::spawn_local(async move {
            let outcome = turn::run(&this, &row, &user, is_prompt, &abort.signal()).await;
            this.finish_turn(id, row, user, outcome);
        });
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
        }
    }

    fn fail(&self, failure: TurnFailure, retry: RetryTarget) {
        let message = failure.to_string();
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

/// `client_…` ids, as Helper's widget uses (its server tells them from saved ids by the prefix).
fn client_id(key: u64) -> String {
    let random = (js_sys::Math::random() * 2f64.powi(40)) as u64;
    format!("client_{random:x}{key:x}")
}
