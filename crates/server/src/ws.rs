//! `GET /realtime/v1/websocket?apikey=…&vsn=1.0.0`: a Supabase Realtime endpoint for public
//! broadcast channels, speaking the Phoenix v1 JSON protocol as Supabase's server does.
//!
//! Frames are JSON objects `{"topic","event","payload","ref"}` both ways (realtime-js also sends
//! `join_ref`; the v1 serializer never sends it back). The rules, from Phoenix's `Socket` and
//! Supabase's `RealtimeChannel`:
//! - `heartbeat` on topic `phoenix` → `phx_reply` `{"status":"ok","response":{}}`, same ref;
//! - `phx_join` on `realtime:<name>` → `{"status":"ok","response":{"postgres_changes":[]}}`;
//!   a private channel, a bare `realtime:`, or a 101st channel → `{"status":"error",
//!   "response":{"reason":…}}`; a second join of a joined topic first closes the old one
//!   (`phx_close` with the old join ref);
//! - `phx_leave` → `phx_reply` ok `{}`, then `phx_close` `{}` with the join ref as its ref;
//! - `broadcast` from a client goes to the topic's other subscribers (and back to itself with
//!   `broadcast.self`), acknowledged with `phx_reply` ok when it joined with `broadcast.ack`;
//! - anything on a topic not joined → `phx_reply` `{"status":"error","response":
//!   {"reason":"unmatched topic"}}`;
//! - server broadcasts arrive as event `broadcast`, ref null, payload
//!   `{"type":"broadcast","event":…,"payload":…}`.
//!
//! A frame that is not such an object closes the socket (Phoenix's decoder raises), as does
//! silence longer than the idle timeout (Phoenix's 60 s; realtime-js heartbeats every 25 s).
//! Limits: [`MAX_MESSAGE_BYTES`] per frame, [`MAX_CHANNELS`] per connection, a write that cannot
//! leave within [`SEND_TIMEOUT`] or a connection that falls [`crate::realtime::QUEUE`] events
//! behind is closed.
//!
//! Depends on [`crate::realtime`] for what to deliver and on the shared [`App`] options; must
//! not touch the store or Helper's HTTP routes.

use crate::realtime::{Connection, Event, Frame, Refused};
use crate::App;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Largest frame a client may send: Supabase's default cap on a broadcast payload (Helper
/// keeps its own under 200 KB). It also bounds what a client's broadcasts can hold in the
/// hub's queue: [`crate::realtime::QUEUE`] frames of this size at most.
pub const MAX_MESSAGE_BYTES: usize = 256 << 10;
/// Channels one connection may join (Supabase's default `max_channels_per_client`).
pub const MAX_CHANNELS: usize = 100;
/// A write that has not left by then means the client stopped reading.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes the socket may hold unsent; a bigger backlog fails the write.
const MAX_WRITE_BUFFER: usize = 4 << 20;

/// Close codes the server uses (RFC 6455 §7.4.1).
const CLOSE_NORMAL: u16 = 1000;
const CLOSE_UNSUPPORTED: u16 = 1003;
const CLOSE_INVALID: u16 = 1007;
const CLOSE_TRY_AGAIN: u16 = 1013;

/// What can end a connection from the client's side of the protocol.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    /// Not `{"topic": string, "event": string, "payload": …, "ref": …}`.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// The v1 serializer reads text frames only.
    #[error("binary frames are not supported with vsn 1.0.0")]
    Binary,
}

impl FrameError {
    fn close_code(&self) -> u16 {
        match self {
            FrameError::Malformed(_) => CLOSE_INVALID,
            FrameError::Binary => CLOSE_UNSUPPORTED,
        }
    }
}

/// A client frame, as Phoenix's `Message.from_map!` reads it: all four keys required.
#[derive(Deserialize)]
struct Incoming {
    topic: String,
    event: String,
    payload: Value,
    #[serde(rename = "ref")]
    reference: Value,
    #[serde(default)]
    join_ref: Option<Value>,
}

/// A joined channel.
#[derive(Debug)]
struct Joined {
    join_ref: Value,
    /// `config.broadcast.self`: hear its own broadcasts.
    hear_self: bool,
    /// `config.broadcast.ack`: acknowledge its broadcasts.
    ack: bool,
}

/// What the connection does after a frame.
#[derive(Debug, PartialEq)]
enum Out {
    /// Send this frame back.
    Reply(String),
    /// Publish this client broadcast to the topic.
    Relay {
        topic: String,
        frame: String,
        hear_self: bool,
    },
}

/// One connection's channels; the protocol without the socket, so it is testable alone.
#[derive(Debug, Default)]
struct Channels {
    joined: HashMap<String, Joined>,
}

fn reply(topic: &str, reference: &Value, status: &str, response: Value) -> Out {
    let payload = json!({ "status": status, "response": response });
    Out::Reply(
        Frame {
            topic,
            event: "phx_reply",
            payload: &payload,
            reference,
        }
        .encode(),
    )
}

fn close_frame(topic: &str, join_ref: &Value) -> Out {
    Out::Reply(
        Frame {
            topic,
            event: "phx_close",
            payload: &json!({}),
            reference: join_ref,
        }
        .encode(),
    )
}

fn flag(payload: &Value, path: &[&str]) -> bool {
    path.iter()
        .try_fold(payload, |v, k| v.get(k))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

impl Channels {
    fn is_joined(&self, topic: &str) -> bool {
        self.joined.contains_key(topic)
    }

    fn handle(&mut self, text: &str) -> Result<Vec<Out>, FrameError> {
        let malformed = |e: serde_json::Error| FrameError::Malformed(e.to_string());
        let value: Value = serde_json::from_str(text).map_err(malformed)?;
        // serde would also read a struct from an array (vsn 2.0.0's shape); v1 is objects only.
        if !value.is_object() {
            return Err(FrameError::Malformed("expected a JSON object".into()));
        }
        let msg: Incoming = serde_json::from_value(value).map_err(malformed)?;
        let (topic, r) = (msg.topic.as_str(), &msg.reference);
        if topic == "phoenix" && msg.event == "heartbeat" {
            return Ok(vec![reply(topic, r, "ok", json!({}))]);
        }
        match msg.event.as_str() {
            "phx_join" => Ok(self.join(&msg)),
            "phx_leave" => {
                let Some(joined) = self.joined.get(topic) else {
                    return Ok(vec![reply(topic, r, "ok", json!({}))]);
                };
                // A leave for an older join raced a server close: Phoenix ignores it.
                let stale = msg
                    .join_ref
                    .as_ref()
                    .is_some_and(|j| !joined.join_ref.is_null() && *j != joined.join_ref);
                if stale {
                    return Ok(Vec::new());
                }
                let join_ref = joined.join_ref.clone();
                self.joined.remove(topic);
                Ok(vec![
                    reply(topic, r, "ok", json!({})),
                    close_frame(topic, &join_ref),
                ])
            }
            _ => {
                let Some(joined) = self.joined.get(topic) else {
                    return Ok(vec![reply(
                        topic,
                        r,
                        "error",
                        json!({ "reason": "unmatched topic" }),
                    )]);
                };
                match msg.event.as_str() {
                    "broadcast" => {
                        let event = msg.payload.get("event").and_then(Value::as_str);
                        let mut out = Vec::new();
                        if let Some(event) = event {
                            let inner = msg.payload.get("payload").cloned().unwrap_or(Value::Null);
                            out.push(Out::Relay {
                                topic: topic.to_string(),
                                frame: crate::realtime::broadcast_frame(topic, event, inner),
                                hear_self: joined.hear_self,
                            });
                        }
                        if joined.ack {
                            out.push(reply(topic, r, "ok", json!({})));
                        }
                        Ok(out)
                    }
                    // Presence is never enabled here; tracking is acknowledged and forgotten.
                    "presence" => Ok(vec![reply(topic, r, "ok", json!({}))]),
                    // `access_token` and anything unexpected: Supabase logs it and moves on.
                    _ => Ok(Vec::new()),
                }
            }
        }
    }

    fn join(&mut self, msg: &Incoming) -> Vec<Out> {
        let (topic, r) = (msg.topic.as_str(), &msg.reference);
        let mut out = Vec::new();
        // Phoenix closes the existing channel before joining again.
        if let Some(old) = self.joined.remove(topic) {
            out.push(close_frame(topic, &old.join_ref));
        }
        let error = |reason: String| reply(topic, r, "error", json!({ "reason": reason }));
        let Some(name) = topic.strip_prefix("realtime:") else {
            out.push(error("unmatched topic".into()));
            return out;
        };
        if name.is_empty() {
            out.push(error(
                "TopicNameRequired: You must provide a topic name".into(),
            ));
            return out;
        }
        let config = msg.payload.get("config").unwrap_or(&Value::Null);
        if flag(config, &["private"]) {
            // No one here can hold the policies a private channel needs.
            out.push(error(format!(
                "Unauthorized: You do not have permissions to read from this Channel topic: {name}"
            )));
            return out;
        }
        if self.joined.len() >= MAX_CHANNELS {
            out.push(error("ChannelRateLimitReached: Too many channels".into()));
            return out;
        }
        self.joined.insert(
            topic.to_string(),
            Joined {
                join_ref: msg.join_ref.clone().unwrap_or(Value::Null),
                hear_self: flag(config, &["broadcast", "self"]),
                ack: flag(config, &["broadcast", "ack"]),
            },
        );
        out.push(reply(topic, r, "ok", json!({ "postgres_changes": [] })));
        out
    }
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// The upgrade: checks what Supabase checks before a socket exists (serializer version, then
/// the API key, then capacity), each refusal a JSON error as Supabase's `handle_error` sends.
pub async fn websocket(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    if !app.options.realtime {
        return crate::Error::NotFound("Not found").into_response();
    }
    let params: Vec<(String, String)> =
        serde_urlencoded::from_str(q.as_deref().unwrap_or("")).unwrap_or_default();
    let param = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    // Phoenix's default when the client names none.
    let vsn = param("vsn").unwrap_or("1.0.0");
    if !vsn.starts_with("1.0.") {
        return refuse(
            StatusCode::FORBIDDEN,
            "Unsupported vsn: this server speaks Phoenix's 1.0.0 JSON serializer",
        );
    }
    // Supabase prefers the `x-api-key` header over the query parameter.
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or_else(|| param("apikey"));
    match key {
        None => return refuse(StatusCode::UNAUTHORIZED, "API key is missing"),
        // The anon key is public (every session hands it out), so a plain comparison will do.
        Some(k) if k != crate::ANON_KEY => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "The token provided is not a valid JWT",
            )
        }
        Some(_) => {}
    }
    let upgrade = match upgrade {
        Ok(u) => u,
        Err(rejection) => return rejection.into_response(),
    };
    let connection = match app.hub.connect() {
        Ok(c) => c,
        Err(e @ Refused::TooMany) => return refuse(StatusCode::TOO_MANY_REQUESTS, &e.to_string()),
        Err(e @ Refused::Refusing) => {
            return refuse(StatusCode::SERVICE_UNAVAILABLE, &e.to_string())
        }
    };
    let idle = app.options.realtime_idle_timeout;
    upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .on_upgrade(move |socket| serve(socket, connection, app, idle))
}

/// Sends one frame, or fails if the client has not taken it within [`SEND_TIMEOUT`].
async fn send(socket: &mut WebSocket, message: Message) -> bool {
    matches!(
        tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await,
        Ok(Ok(()))
    )
}

/// Ends the connection with a close frame; the client's answer is not waited for.
async fn close(mut socket: WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    send(&mut socket, Message::Close(Some(frame))).await;
}

/// When a connection silent from now on is closed. `idle` is any duration a caller chose;
/// one past the clock's range is as good as a year.
fn deadline_after(idle: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(idle)
        .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600)))
        .unwrap_or(now)
}

/// One connection's life: client frames, hub events and the idle deadline, one at a time.
async fn serve(mut socket: WebSocket, mut connection: Connection, app: Arc<App>, idle: Duration) {
    let mut channels = Channels::default();
    let mut deadline = deadline_after(idle);
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    // Gone, or broke the websocket framing (tungstenite already said why).
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Binary(_))) => {
                        let e = FrameError::Binary;
                        return close(socket, e.close_code(), &e.to_string()).await;
                    }
                    // Pings are answered by the websocket layer; any frame shows the client lives.
                    Some(Ok(_)) => {
                        deadline = deadline_after(idle);
                        continue;
                    }
                };
                deadline = deadline_after(idle);
                let outs = match channels.handle(text.as_str()) {
                    Ok(outs) => outs,
                    Err(e) => {
                        // A close reason is at most 123 bytes; the message says enough.
                        let reason: String = e.to_string().chars().take(100).collect();
                        return close(socket, e.close_code(), &reason).await;
                    }
                };
                for out in outs {
                    match out {
                        Out::Reply(frame) => {
                            if !send(&mut socket, Message::Text(frame.into())).await {
                                return;
                            }
                        }
                        Out::Relay { topic, frame, hear_self } => app.hub.send(Event::Broadcast {
                            topic: topic.into(),
                            frame: frame.into(),
                            skip: (!hear_self).then_some(connection.id),
                        }),
                    }
                }
            }
            event = connection.events.recv() => match event {
                Ok(Event::Broadcast { topic, frame, skip }) => {
                    if skip != Some(connection.id)
                        && channels.is_joined(&topic)
                        && !send(&mut socket, Message::Text(frame.as_ref().into())).await
                    {
                        return;
                    }
                }
                Ok(Event::Drop { topic, close_code }) => {
                    let hit = topic.as_ref().is_none_or(|t| channels.is_joined(t));
                    if hit {
                        match close_code {
                            Some(code) => return close(socket, code, "dropped by the server").await,
                            // Dropping the socket ends the TCP connection with no close frame.
                            None => return,
                        }
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    return close(socket, CLOSE_TRY_AGAIN, "too far behind").await;
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            },
            _ = tokio::time::sleep_until(deadline) => {
                return close(socket, CLOSE_NORMAL, "heartbeat timeout").await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(outs: &[Out]) -> Vec<Value> {
        outs.iter()
            .filter_map(|o| match o {
                Out::Reply(f) => serde_json::from_str(f).ok(),
                Out::Relay { .. } => None,
            })
            .collect()
    }

    const JOIN: &str = r#"{"topic":"realtime:public:conversation-a","event":"phx_join","payload":{"config":{"broadcast":{"ack":false,"self":false},"presence":{"key":"","enabled":false},"postgres_changes":[],"private":false}},"ref":"1","join_ref":"1"}"#;

    #[test]
    fn join_leave_and_rejoin_follow_phoenix() {
        let mut c = Channels::default();
        let out = c.handle(JOIN).unwrap_or_default();
        assert_eq!(
            frames(&out),
            [
                json!({"topic":"realtime:public:conversation-a","event":"phx_reply","payload":{"status":"ok","response":{"postgres_changes":[]}},"ref":"1"})
            ]
        );
        // Joining again closes the old join first.
        let again = JOIN.replace(r#""ref":"1","join_ref":"1""#, r#""ref":"2","join_ref":"2""#);
        let out = frames(&c.handle(&again).unwrap_or_default());
        assert_eq!(out[0]["event"], "phx_close");
        assert_eq!(out[0]["ref"], "1");
        assert_eq!(out[1]["payload"]["status"], "ok");
        let leave = r#"{"topic":"realtime:public:conversation-a","event":"phx_leave","payload":{},"ref":"3","join_ref":"2"}"#;
        let out = frames(&c.handle(leave).unwrap_or_default());
        assert_eq!(out[0]["payload"], json!({"status":"ok","response":{}}));
        assert_eq!(out[0]["ref"], "3");
        assert_eq!(
            out[1],
            json!({"topic":"realtime:public:conversation-a","event":"phx_close","payload":{},"ref":"2"})
        );
        assert!(!c.is_joined("realtime:public:conversation-a"));
    }

    #[test]
    fn refusals_and_malformed_frames() {
        let mut c = Channels::default();
        let private = JOIN.replace(r#""private":false"#, r#""private":true"#);
        let out = frames(&c.handle(&private).unwrap_or_default());
        assert_eq!(out[0]["payload"]["status"], "error");
        let unjoined = r#"{"topic":"realtime:x","event":"broadcast","payload":{},"ref":"5"}"#;
        let out = frames(&c.handle(unjoined).unwrap_or_default());
        assert_eq!(
            out[0]["payload"],
            json!({"status":"error","response":{"reason":"unmatched topic"}})
        );
        assert!(matches!(
            c.handle(r#"{"topic":"phoenix","event":"heartbeat","payload":{}}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(c
            .handle("[null,null,\"phoenix\",\"heartbeat\",{}]")
            .is_err());
        for i in 0..MAX_CHANNELS {
            let j = JOIN.replace("conversation-a", &format!("c{i}"));
            let _ = c.handle(&j);
        }
        let out = frames(&c.handle(JOIN).unwrap_or_default());
        assert_eq!(
            out[0]["payload"]["response"]["reason"],
            "ChannelRateLimitReached: Too many channels"
        );
    }
}
