//! One Supabase Realtime connection listening to one broadcast channel at a time: the browser's
//! `WebSocket`, Phoenix's heartbeat, re-joining a channel the server closed, and reconnecting
//! with back-off when the connection drops. The frames themselves are
//! [`helper_widget_core::phoenix`]'s; what a broadcast means is the caller's business.
//!
//! Knows nothing of conversations, the store or the view.

use helper_widget_core::phoenix::{self, Incoming};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, WebSocket};

/// What the socket tells its owner.
pub enum SocketEvent {
    /// A broadcast on the channel listened to: its event name and payload.
    Broadcast(String, Value),
    /// The channel is joined: broadcasts will arrive.
    Listening,
    /// The connection is down (it reconnects by itself); broadcasts may be missed meanwhile.
    Down,
}

/// The handlers a live `WebSocket` calls; dropped (and detached) with it.
struct Connection {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close();
    }
}

/// A self-healing connection. Dropping the last `Rc` (or [`Socket::close`]) ends it.
pub struct Socket {
    url: String,
    on_event: Box<dyn Fn(SocketEvent)>,
    connection: RefCell<Option<Connection>>,
    /// Whether the connection is open (frames can be sent).
    open: Cell<bool>,
    /// The channel wanted, and the ref it was joined with once sent.
    topic: RefCell<Option<String>>,
    join_ref: Cell<Option<u64>>,
    next_ref: Cell<u64>,
    /// The ref of a heartbeat not yet answered.
    unanswered: Cell<Option<u64>>,
    /// Failed connection attempts since the last success.
    attempts: Cell<u32>,
    heartbeat: RefCell<Option<leptos::prelude::IntervalHandle>>,
    retry: RefCell<Option<leptos::prelude::TimeoutHandle>>,
    closed: Cell<bool>,
}

impl Socket {
    /// Connects to `url` (a `ws(s)://…/realtime/v1/websocket?…` address); events go to
    /// `on_event`.
    pub fn open(url: String, on_event: impl Fn(SocketEvent) + 'static) -> Rc<Socket> {
        let socket = Rc::new(Socket {
            url,
            on_event: Box::new(on_event),
            connection: RefCell::new(None),
            open: Cell::new(false),
            topic: RefCell::new(None),
            join_ref: Cell::new(None),
            next_ref: Cell::new(1),
            unanswered: Cell::new(None),
            attempts: Cell::new(0),
            heartbeat: RefCell::new(None),
            retry: RefCell::new(None),
            closed: Cell::new(false),
        });
        socket.connect();
        socket
    }

    /// Listens to `topic` instead of the current channel (leaving it), or to none.
    pub fn listen(&self, topic: Option<String>) {
        if *self.topic.borrow() == topic {
            return;
        }
        if let (Some(old), Some(join_ref)) = (self.topic.borrow().as_deref(), self.join_ref.take())
        {
            let reference = self.reference();
            self.send(&phoenix::leave(old, reference, join_ref));
        }
        *self.topic.borrow_mut() = topic;
        self.join();
    }

    /// Ends the connection for good.
    pub fn close(&self) {
        self.closed.set(true);
        self.stop_timers();
        self.open.set(false);
        self.connection.borrow_mut().take();
    }

    fn reference(&self) -> u64 {
        let r = self.next_ref.get();
        self.next_ref.set(r + 1);
        r
    }

    fn send(&self, frame: &Value) {
        if !self.open.get() {
            return;
        }
        if let Some(connection) = self.connection.borrow().as_ref() {
            // A send on a socket that is closing throws; the close handler reconnects.
            let _ = connection.ws.send_with_str(&crate::json::stringify(frame));
        }
    }

    fn join(&self) {
        let topic = self.topic.borrow().clone();
        if let (Some(topic), true) = (topic, self.open.get()) {
            let reference = self.reference();
            self.join_ref.set(Some(reference));
            self.send(&phoenix::join(&topic, reference));
        }
    }

    fn connect(self: &Rc<Self>) {
        if self.closed.get() {
            return;
        }
        let ws = match WebSocket::new(&self.url) {
            Ok(ws) => ws,
            Err(_) => {
                // A URL the browser refuses (or a CSP that forbids it) will not get better.
                (self.on_event)(SocketEvent::Down);
                return;
            }
        };
        let weak = Rc::downgrade(self);
        let on_open = handler(&weak, |socket| socket.opened());
        let on_close = handler(&weak, |socket| socket.dropped());
        let on_message = {
            let weak = weak.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let (Some(socket), Some(text)) = (weak.upgrade(), event.data().as_string()) {
                    socket.received(&text);
                }
            })
        };
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // An error is normally followed by a close event, but not always: Chromium fires only
        // `error` for a socket the page's Content-Security-Policy refuses. Whichever comes
        // first ends the connection; the other finds nothing left to end.
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_close.as_ref().unchecked_ref()));
        *self.connection.borrow_mut() = Some(Connection {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        });
    }

    fn opened(self: &Rc<Self>) {
        self.open.set(true);
        self.unanswered.set(None);
        let weak = Rc::downgrade(self);
        let beat = leptos::prelude::set_interval_with_handle(
            move || {
                if let Some(socket) = weak.upgrade() {
                    socket.beat();
                }
            },
            Duration::from_millis(phoenix::HEARTBEAT_MS.into()),
        );
        *self.heartbeat.borrow_mut() = beat.ok();
        self.join();
    }

    /// A heartbeat still unanswered a whole period later means the connection is dead without
    /// the browser knowing (a laptop woke up, a proxy dropped it): start over.
    fn beat(self: &Rc<Self>) {
        if self.unanswered.get().is_some() {
            self.dropped();
            return;
        }
        let reference = self.reference();
        self.unanswered.set(Some(reference));
        self.send(&phoenix::heartbeat(reference));
    }

    fn received(self: &Rc<Self>, text: &str) {
        match phoenix::decode(text) {
            Some(Incoming::Reply { reference, ok }) => {
                if reference.is_some() && reference == self.unanswered.get() {
                    self.unanswered.set(None);
                } else if reference.is_some() && reference == self.join_ref.get() {
                    if ok {
                        self.attempts.set(0);
                        (self.on_event)(SocketEvent::Listening);
                    } else {
                        // Refused (a private channel, too many channels): listening here will
                        // not work, so the owner falls back to polling.
                        self.join_ref.set(None);
                        (self.on_event)(SocketEvent::Down);
                    }
                }
            }
            Some(Incoming::Broadcast {
                topic,
                event,
                payload,
            }) => {
                if self.topic.borrow().as_deref() == Some(topic.as_str()) {
                    (self.on_event)(SocketEvent::Broadcast(event, payload));
                }
            }
            Some(Incoming::ChannelClosed { topic }) => {
                if self.topic.borrow().as_deref() == Some(topic.as_str())
                    && self.join_ref.get().is_some()
                {
                    // The server ended the channel (a restart, a kick): join again.
                    self.join();
                }
            }
            Some(Incoming::Other) | None => {}
        }
    }

    fn dropped(self: &Rc<Self>) {
        let Some(old) = self.connection.borrow_mut().take() else {
            return;
        };
        // Called from the socket's own handlers: they are freed after this returns, not while
        // it runs.
        leptos::task::spawn_local(async move { drop(old) });
        let was_open = self.open.replace(false);
        self.stop_timers();
        self.join_ref.set(None);
        if self.closed.get() {
            return;
        }
        if was_open || self.attempts.get() == 0 {
            (self.on_event)(SocketEvent::Down);
        }
        let attempt = self.attempts.get();
        self.attempts.set(attempt.saturating_add(1));
        let weak = Rc::downgrade(self);
        let retry = leptos::prelude::set_timeout_with_handle(
            move || {
                if let Some(socket) = weak.upgrade() {
                    socket.retry.borrow_mut().take();
                    socket.connect();
                }
            },
            Duration::from_millis(phoenix::reconnect_delay_ms(attempt).into()),
        );
        *self.retry.borrow_mut() = retry.ok();
    }

    fn stop_timers(&self) {
        if let Some(beat) = self.heartbeat.borrow_mut().take() {
            beat.clear();
        }
        if let Some(retry) = self.retry.borrow_mut().take() {
            retry.clear();
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.stop_timers();
    }
}

fn handler(weak: &Weak<Socket>, f: fn(&Rc<Socket>)) -> Closure<dyn FnMut()> {
    let weak = weak.clone();
    Closure::<dyn FnMut()>::new(move || {
        if let Some(socket) = weak.upgrade() {
            f(&socket);
        }
    })
}
