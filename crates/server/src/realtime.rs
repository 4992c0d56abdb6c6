//! The realtime hub: which websocket connections exist, and the events the server publishes to
//! them on Supabase Realtime topics (Helper's `agent-reply`, `agent-typing` and
//! `conversation-subject` broadcasts, helper-api.md §1.16), plus the dev control that drops
//! sockets.
//!
//! Knows nothing of websockets, HTTP, sessions or the store: publishers hand it a topic, an
//! event and the data; the websocket endpoint (the `ws` module) subscribes and frames. Bounded:
//! at most [`MAX_CONNECTIONS`] connections, and one queue of [`QUEUE`] events that every
//! connection reads; a connection that falls that far behind is closed rather than buffered for.

use serde::Serialize;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Websocket connections open at once; one more is refused (Supabase's "Too many connected
/// users").
pub const MAX_CONNECTIONS: usize = 256;
/// Events queued for the connections; a connection this far behind is closed.
pub const QUEUE: usize = 256;

/// The topic Helper's widget joins for a conversation: realtime-js prefixes the channel name
/// `public:conversation-<slug>` with `realtime:`.
pub fn conversation_topic(slug: &str) -> String {
    format!("realtime:public:conversation-{slug}")
}

/// Helper's `publishToRealtime` sends `SuperJSON.stringify(data)`. Plain JSON data (strings,
/// numbers, null; Helper's messages carry dates as ISO strings already) needs no type
/// annotations, and SuperJSON then leaves `meta` out.
pub fn superjson(data: &Value) -> String {
    #[derive(Serialize)]
    struct SuperJson<'a> {
        json: &'a Value,
    }
    serde_json::to_string(&SuperJson { json: data }).unwrap_or_default()
}

/// One thing every connection hears.
#[derive(Clone, Debug)]
pub enum Event {
    /// A Phoenix frame (already encoded) for every connection joined to `topic`, except the
    /// connection `skip` (a client's own broadcast, unless it joined with `self: true`).
    Broadcast {
        topic: Arc<str>,
        frame: Arc<str>,
        skip: Option<u64>,
    },
    /// Drop the connections joined to `topic` (all of them when `None`): with a close frame
    /// carrying `close_code`, or without one (the TCP connection just ends, as when a network
    /// goes away) when that is `None`.
    Drop {
        topic: Option<Arc<str>>,
        close_code: Option<u16>,
    },
}

/// Why a connection was not accepted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    #[error("Too many connected users")]
    TooMany,
    #[error("Realtime is refusing connections for now (POST /__dev/realtime-drop)")]
    Refusing,
}

/// One accepted connection: its id, its place among [`MAX_CONNECTIONS`], and its read end of
/// the event queue.
#[derive(Debug)]
pub struct Connection {
    pub id: u64,
    pub events: broadcast::Receiver<Event>,
    _permit: OwnedSemaphorePermit,
}

/// The hub of one server.
#[derive(Debug)]
pub struct Hub {
    tx: broadcast::Sender<Event>,
    slots: Arc<Semaphore>,
    next_id: AtomicU64,
    /// New connections are refused until then (a test of the client's fallback).
    refuse_until: Mutex<Option<Instant>>,
}

impl Default for Hub {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(QUEUE);
        Hub {
            tx,
            slots: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
            next_id: AtomicU64::new(1),
            refuse_until: Mutex::new(None),
        }
    }
}

impl Hub {
    /// Admits a connection, or says why not.
    pub fn connect(&self) -> Result<Connection, Refused> {
        let refusing = crate::lock(&self.refuse_until).is_some_and(|t| Instant::now() < t);
        if refusing {
            return Err(Refused::Refusing);
        }
        let permit = self
            .slots
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refused::TooMany)?;
        Ok(Connection {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            events: self.tx.subscribe(),
            _permit: permit,
        })
    }

    /// Connections open now.
    pub fn connections(&self) -> usize {
        MAX_CONNECTIONS.saturating_sub(self.slots.available_permits())
    }

    /// Sends an event to every connection; nobody listening is not an error.
    pub fn send(&self, event: Event) {
        let _ = self.tx.send(event);
    }

    /// Broadcasts `event` on `topic` as Supabase Realtime delivers a server-side
    /// `channel.send({type: "broadcast", event, payload})`.
    pub fn broadcast(&self, topic: &str, event: &str, payload: Value) {
        let frame = broadcast_frame(topic, event, payload);
        self.send(Event::Broadcast {
            topic: topic.into(),
            frame: frame.into(),
            skip: None,
        });
    }

    /// Publishes as Helper's `publishToRealtime` does: `{id: <uuid>, data: SuperJSON}` on the
    /// conversation's public channel (`agent-reply`, `conversation-subject`).
    pub fn publish(&self, slug: &str, event: &str, data: &Value) {
        let payload = json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "data": superjson(data),
        });
        self.broadcast(&conversation_topic(slug), event, payload);
    }

    /// `agent-typing` as Helper's dashboard sends it (`broadcastRealtimeEvent`): only
    /// `{data: SuperJSON({timestamp})}`, no `id`.
    pub fn publish_typing(&self, slug: &str, now_ms: i64) {
        let payload = json!({ "data": superjson(&json!({ "timestamp": now_ms })) });
        self.broadcast(&conversation_topic(slug), "agent-typing", payload);
    }

    /// Drops connections (see [`Event::Drop`]) and refuses new ones for `refuse_for`.
    pub fn drop_connections(
        &self,
        topic: Option<String>,
        close_code: Option<u16>,
        refuse_for: Duration,
    ) {
        if !refuse_for.is_zero() {
            *crate::lock(&self.refuse_until) = Instant::now().checked_add(refuse_for);
        }
        self.send(Event::Drop {
            topic: topic.map(Into::into),
            close_code,
        });
    }

    /// Forgets a refusal window (`/__dev/reset`).
    pub fn reset(&self) {
        *crate::lock(&self.refuse_until) = None;
    }
}

/// A Phoenix v1 frame. Field order as realtime-js logs it; `ref` is whatever the client sent
/// (or null for pushes the client did not ask for).
#[derive(Serialize)]
pub struct Frame<'a> {
    pub topic: &'a str,
    pub event: &'a str,
    pub payload: &'a Value,
    #[serde(rename = "ref")]
    pub reference: &'a Value,
}

impl Frame<'_> {
    pub fn encode(&self) -> String {
        // Serializing `Value`s and strings cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Supabase Realtime's push for a broadcast: event `broadcast`, payload
/// `{type: "broadcast", event, payload}`, ref null.
pub fn broadcast_frame(topic: &str, event: &str, payload: Value) -> String {
    let payload = json!({ "type": "broadcast", "event": event, "payload": payload });
    Frame {
        topic,
        event: "broadcast",
        payload: &payload,
        reference: &Value::Null,
    }
    .encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superjson_of_plain_data_has_no_meta() {
        assert_eq!(
            superjson(&json!({ "subject": "Refunds" })),
            r#"{"json":{"subject":"Refunds"}}"#
        );
    }

    #[test]
    fn connections_are_bounded() {
        let hub = Hub::default();
        let held: Vec<_> = (0..MAX_CONNECTIONS)
            .filter_map(|_| hub.connect().ok())
            .collect();
        assert_eq!(held.len(), MAX_CONNECTIONS);
        assert_eq!(hub.connect().err(), Some(Refused::TooMany));
        drop(held);
        assert_eq!(hub.connections(), 0);
        assert!(hub.connect().is_ok());
    }
}
