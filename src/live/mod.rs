//! Live updates of the open conversation from the people behind it: a human agent's replies
//! and typing, over Supabase Realtime broadcast as Helper sends them ([`socket`]), or by
//! polling when realtime is not to be had ([`poll`]).
//!
//! It listens only while it is worth it: while a conversation is shown, or while the panel is
//! closed but a human has the conversation (so replies can count as unread). It decides what
//! to listen to and hands what arrives to the chat controller, which keeps every message once;
//! it does not touch the view or the transcript itself.

mod poll;
mod socket;

use crate::api::{Api, StoredMessage};
use crate::chat::{Chat, Received};
use helper_widget_core::phoenix;
use leptos::prelude::Set;
use serde_json::Value;
use socket::{Socket, SocketEvent};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

/// Helper's widget hides "typing…" this long after the last `agent-typing` (the dashboard
/// repeats it every 8 s while the agent types).
pub const TYPING_SHOWN_MS: u64 = 10_000;

/// Follows one conversation at a time.
pub struct Live {
    chat: Rc<Chat>,
    api: Rc<Api>,
    /// Whether the visitor can see the conversation now (the panel is open, the tab visible).
    visible: Box<dyn Fn() -> bool>,
    /// Asks the loader to recount unread conversations (its launcher badge).
    recount: Box<dyn Fn()>,
    target: RefCell<Option<String>>,
    socket: RefCell<Option<Rc<Socket>>>,
    /// Broadcasts may have been missed since the last join: catch up when joined again.
    missed: Cell<bool>,
    poll: RefCell<Option<poll::Poll>>,
    typing: RefCell<Option<leptos::prelude::TimeoutHandle>>,
}

impl Live {
    /// A follower feeding `chat`; nothing is followed until [`Live::follow`].
    pub fn new(
        chat: Rc<Chat>,
        api: Rc<Api>,
        visible: impl Fn() -> bool + 'static,
        recount: impl Fn() + 'static,
    ) -> Rc<Live> {
        Rc::new(Live {
            chat,
            api,
            visible: Box::new(visible),
            recount: Box::new(recount),
            target: RefCell::new(None),
            socket: RefCell::new(None),
            missed: Cell::new(false),
            poll: RefCell::new(None),
            typing: RefCell::new(None),
        })
    }

    /// Follows conversation `slug`, or nothing; leaves the one followed before.
    pub fn follow(self: &Rc<Self>, slug: Option<String>) {
        if *self.target.borrow() == slug {
            return;
        }
        self.poll.borrow_mut().take();
        self.typing_over();
        *self.target.borrow_mut() = slug.clone();
        let Some(slug) = slug else {
            // Nothing to hear: no connection kept open for it.
            if let Some(socket) = self.socket.borrow_mut().take() {
                socket.close();
            }
            return;
        };
        match self.api.socket_url() {
            Some(url) => {
                let socket = self.socket.borrow().clone();
                let socket = socket.unwrap_or_else(|| {
                    let weak = Rc::downgrade(self);
                    let socket = Socket::open(url, move |event| {
                        if let Some(live) = weak.upgrade() {
                            live.on_socket(event);
                        }
                    });
                    *self.socket.borrow_mut() = Some(Rc::clone(&socket));
                    socket
                });
                socket.listen(Some(phoenix::conversation_topic(&slug)));
            }
            None => self.start_polling(),
        }
    }

    /// Whether a conversation is followed now.
    pub fn following(&self) -> bool {
        self.target.borrow().is_some()
    }

    /// The visitor is looking at the followed conversation now: mark it read on the server and
    /// have the unread count brought up to date.
    pub fn seen(self: &Rc<Self>) {
        let Some(slug) = self.target.borrow().clone() else {
            return;
        };
        let this = Rc::clone(self);
        leptos::task::spawn_local(async move {
            if this.api.mark_read(&slug).await.is_ok() {
                (this.recount)();
            }
        });
    }

    /// `destroy()`: closes the connection and stops polling and timers.
    pub fn shutdown(&self) {
        self.target.borrow_mut().take();
        self.poll.borrow_mut().take();
        if let Some(socket) = self.socket.borrow_mut().take() {
            socket.close();
        }
        if let Some(timer) = self.typing.borrow_mut().take() {
            timer.clear();
        }
    }

    fn on_socket(self: &Rc<Self>, event: SocketEvent) {
        match event {
            SocketEvent::Listening => {
                self.poll.borrow_mut().take();
                if self.missed.replace(false) {
                    self.catch_up();
                }
            }
            SocketEvent::Down => {
                self.missed.set(true);
                if self.poll.borrow().is_none() {
                    self.start_polling();
                }
            }
            SocketEvent::Broadcast(event, payload) => self.on_broadcast(&event, &payload),
        }
    }

    fn on_broadcast(self: &Rc<Self>, event: &str, payload: &Value) {
        match event {
            "agent-reply" => {
                let message = phoenix::broadcast_data(payload)
                    .and_then(|data| StoredMessage::from_json(data).ok());
                match message {
                    Some(message) => self.deliver(message),
                    None => web_sys::console::warn_1(
                        &"[Helper widget] ignored a malformed agent-reply broadcast".into(),
                    ),
                }
            }
            "agent-typing" => self.typing_now(),
            _ => {}
        }
    }

    /// One fetch of the whole conversation: what was said while the connection was down.
    fn catch_up(self: &Rc<Self>) {
        let Some(slug) = self.target.borrow().clone() else {
            return;
        };
        let this = Rc::clone(self);
        leptos::task::spawn_local(async move {
            let mark_read = (this.visible)();
            if let Ok(details) = this.api.conversation(&slug, mark_read, None).await {
                this.found(&slug, details);
            }
        });
    }

    fn start_polling(self: &Rc<Self>) {
        let Some(slug) = self.target.borrow().clone() else {
            return;
        };
        let (visible, found) = (Rc::downgrade(self), Rc::downgrade(self));
        let poll = poll::start(
            Rc::clone(&self.api),
            slug.clone(),
            move || visible.upgrade().is_some_and(|live| (live.visible)()),
            move |details| {
                found
                    .upgrade()
                    .is_some_and(|live| live.found(&slug, details))
            },
        );
        *self.poll.borrow_mut() = Some(poll);
    }

    /// A poll's or catch-up's answer; true if it held anything new.
    fn found(self: &Rc<Self>, slug: &str, details: crate::api::ConversationDetails) -> bool {
        if self.target.borrow().as_deref() != Some(slug) || !self.chat.alive() {
            return false;
        }
        if details.is_escalated {
            self.chat.store().escalated.set(true);
        }
        let mut changed = false;
        let mut staff = false;
        for message in details.messages {
            if let Received::Shown { staff: by_staff } = self.chat.receive(slug, message) {
                changed = true;
                staff |= by_staff;
            }
        }
        if staff {
            // The request itself marked it read if the visitor could see it.
            (self.recount)();
        }
        changed
    }

    fn deliver(self: &Rc<Self>, message: StoredMessage) {
        let Some(slug) = self.target.borrow().clone() else {
            return;
        };
        if let Received::Shown { staff: true } = self.chat.receive(&slug, message) {
            self.typing_over();
            if (self.visible)() {
                // Seen as it arrives: it must not count as unread.
                self.seen();
            } else {
                (self.recount)();
            }
        }
    }

    fn typing_now(self: &Rc<Self>) {
        if !self.chat.alive() {
            return;
        }
        self.chat.store().staff_typing.set(true);
        if let Some(timer) = self.typing.borrow_mut().take() {
            timer.clear();
        }
        let weak = Rc::downgrade(self);
        let timer = leptos::prelude::set_timeout_with_handle(
            move || {
                if let Some(live) = weak.upgrade() {
                    live.typing.borrow_mut().take();
                    live.typing_over();
                }
            },
            Duration::from_millis(TYPING_SHOWN_MS),
        );
        *self.typing.borrow_mut() = timer.ok();
    }

    fn typing_over(&self) {
        if let Some(timer) = self.typing.borrow_mut().take() {
            timer.clear();
        }
        if self.chat.alive() {
            self.chat.store().staff_typing.set(false);
        }
    }
}
