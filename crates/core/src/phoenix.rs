//! The Phoenix v1 JSON framing Supabase Realtime speaks (helper-api.md §1.16), for the one thing
//! the widget does with it: listen to a public broadcast channel. Frames are JSON objects
//! `{"topic","event","payload","ref"}` both ways; the client joins `realtime:<channel>`, sends a
//! `heartbeat` on topic `phoenix` every [`HEARTBEAT_MS`], and receives server broadcasts as
//! event `broadcast` with payload `{"type":"broadcast","event":…,"payload":…}`.
//!
//! Text in, text out: no socket, timer or browser type here (the widget's `live` module owns
//! those), so every rule is tested natively.

use serde_json::{Map, Value};

/// How often realtime-js sends a heartbeat; Phoenix closes a connection silent for 60 s.
pub const HEARTBEAT_MS: u32 = 25_000;

/// The channel topic of a conversation's broadcasts (Helper's `conversation-<slug>`, public).
pub fn conversation_topic(slug: &str) -> String {
    format!("realtime:public:conversation-{slug}")
}

/// The socket's address for a session's `supabaseUrl` and anon key: `http(s)` becomes `ws(s)`.
/// `None` when the URL is not http(s) (nothing the widget should connect to).
pub fn socket_url(supabase_url: &str, anon_key: &str) -> Option<String> {
    let base = supabase_url.trim().trim_end_matches('/');
    let rest = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        return None;
    };
    if rest.len() <= "wss://".len() {
        return None;
    }
    Some(format!(
        "{rest}/realtime/v1/websocket?apikey={}&vsn=1.0.0",
        query_escape(anon_key)
    ))
}

fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An object of `fields`. (Not `serde_json::json!`: with string values it goes through
/// `to_value(..).unwrap()`, whose panic path costs the wasm bytes for nothing; and inserted one
/// by one, since collecting into the map sorts first, which links a whole stable sort.)
fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    let mut map = Map::new();
    for (key, value) in fields {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

fn frame(topic: &str, event: &str, payload: Value, reference: u64, join_ref: Option<u64>) -> Value {
    let mut frame = object([
        ("topic", topic.into()),
        ("event", event.into()),
        ("payload", payload),
        ("ref", reference.to_string().into()),
    ]);
    if let (Some(join_ref), Value::Object(fields)) = (join_ref, &mut frame) {
        fields.insert("join_ref".into(), join_ref.to_string().into());
    }
    frame
}

/// Joins `topic` as a listener of a public broadcast channel (realtime-js's default config:
/// no acknowledgement, not hearing itself, no presence or database changes). Frames are
/// returned as values; the caller writes their text (the widget with the browser's
/// `JSON.stringify`, which costs it no bytes).
pub fn join(topic: &str, reference: u64) -> Value {
    let config = object([
        (
            "broadcast",
            object([("ack", false.into()), ("self", false.into())]),
        ),
        ("presence", object([("key", "".into())])),
        ("postgres_changes", Value::Array(Vec::new())),
        ("private", false.into()),
    ]);
    frame(
        topic,
        "phx_join",
        object([("config", config)]),
        reference,
        Some(reference),
    )
}

/// Leaves `topic`, joined with `join_ref`.
pub fn leave(topic: &str, reference: u64, join_ref: u64) -> Value {
    frame(topic, "phx_leave", object([]), reference, Some(join_ref))
}

/// The keep-alive frame.
pub fn heartbeat(reference: u64) -> Value {
    frame("phoenix", "heartbeat", object([]), reference, None)
}

/// A frame from the server, as far as a listener cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// The answer to one of our frames (a join, a heartbeat, a leave).
    Reply {
        /// The `ref` of the frame it answers.
        reference: Option<u64>,
        /// `status: "ok"`.
        ok: bool,
    },
    /// A broadcast on a joined channel.
    Broadcast {
        /// The channel.
        topic: String,
        /// The broadcast's own event name (`agent-reply`, `agent-typing`, …).
        event: String,
        /// What was broadcast.
        payload: Value,
    },
    /// The server closed or failed the channel; it must be joined again.
    ChannelClosed {
        /// The channel.
        topic: String,
    },
    /// Anything else (presence, system messages): nothing to do.
    Other,
}

/// Reads a text frame; `None` for one that is not a Phoenix frame at all.
pub fn decode(text: &str) -> Option<Incoming> {
    let Value::Object(mut fields) = serde_json::from_str::<Value>(text).ok()? else {
        return None;
    };
    let topic = match fields.remove("topic") {
        Some(Value::String(topic)) => topic,
        _ => return None,
    };
    let event = match fields.remove("event") {
        Some(Value::String(event)) => event,
        _ => return None,
    };
    let reference = match fields.remove("ref") {
        Some(Value::String(r)) => r.parse().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    let payload = fields.remove("payload").unwrap_or(Value::Null);
    Some(match event.as_str() {
        "phx_reply" => Incoming::Reply {
            reference,
            ok: payload.get("status").and_then(Value::as_str) == Some("ok"),
        },
        "phx_close" | "phx_error" => Incoming::ChannelClosed { topic },
        "broadcast" => match payload {
            Value::Object(mut inner) => {
                let event = match inner.remove("event") {
                    Some(Value::String(event)) => event,
                    _ => return Some(Incoming::Other),
                };
                Incoming::Broadcast {
                    topic,
                    event,
                    payload: inner.remove("payload").unwrap_or(Value::Null),
                }
            }
            _ => Incoming::Other,
        },
        _ => Incoming::Other,
    })
}

/// The data of one of Helper's broadcasts: `payload.data` is `SuperJSON.stringify(value)`, i.e.
/// the text of `{"json": value, "meta": …}` (`meta` only records types such as dates, which
/// arrive as ISO strings in `json` anyway). Plain JSON text, or data that is already an
/// object, is taken as it is.
pub fn broadcast_data(payload: &Value) -> Option<Value> {
    let data = payload.get("data")?;
    let value = match data {
        Value::String(text) => serde_json::from_str::<Value>(text).ok()?,
        other => other.clone(),
    };
    match value {
        Value::Object(mut fields) if fields.contains_key("json") => fields.remove("json"),
        other => Some(other),
    }
}

/// Waits between reconnection attempts: 1, 2, 5, 10, then 30 s (realtime-js's schedule is
/// 1, 2, 5, 10 s; a widget that may sit open all day backs off further).
pub fn reconnect_delay_ms(attempt: u32) -> u32 {
    match attempt {
        0 => 1_000,
        1 => 2_000,
        2 => 5_000,
        3 => 10_000,
        _ => 30_000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(frame: Value) -> Value {
        // What goes on the wire must read back the same.
        serde_json::from_str(&frame.to_string()).expect("a frame is JSON")
    }

    #[test]
    fn socket_url_from_the_session() {
        assert_eq!(
            socket_url("https://x.supabase.co/", "a b").as_deref(),
            Some("wss://x.supabase.co/realtime/v1/websocket?apikey=a%20b&vsn=1.0.0")
        );
        assert_eq!(
            socket_url("http://127.0.0.1:8081", "k").as_deref(),
            Some("ws://127.0.0.1:8081/realtime/v1/websocket?apikey=k&vsn=1.0.0")
        );
        assert_eq!(socket_url("javascript:alert(1)", "k"), None);
        assert_eq!(socket_url("https://", "k"), None);
    }

    #[test]
    fn frames_we_send() {
        let topic = conversation_topic("abc");
        assert_eq!(topic, "realtime:public:conversation-abc");
        let j = parsed(join(&topic, 3));
        assert_eq!(j["event"], "phx_join");
        assert_eq!(j["ref"], "3");
        assert_eq!(j["join_ref"], "3");
        assert_eq!(j["payload"]["config"]["private"], false);
        assert_eq!(j["payload"]["config"]["broadcast"]["self"], false);
        let l = parsed(leave(&topic, 9, 3));
        assert_eq!(
            (l["event"].clone(), l["join_ref"].clone()),
            (json!("phx_leave"), json!("3"))
        );
        let h = parsed(heartbeat(4));
        assert_eq!(
            h,
            json!({"topic":"phoenix","event":"heartbeat","payload":{},"ref":"4"})
        );
    }

    #[test]
    fn frames_we_read() {
        assert_eq!(
            decode(
                r#"{"topic":"phoenix","event":"phx_reply","payload":{"status":"ok","response":{}},"ref":"4"}"#
            ),
            Some(Incoming::Reply {
                reference: Some(4),
                ok: true
            })
        );
        assert_eq!(
            decode(
                r#"{"topic":"t","event":"phx_reply","payload":{"status":"error","response":{"reason":"x"}},"ref":"5"}"#
            ),
            Some(Incoming::Reply {
                reference: Some(5),
                ok: false
            })
        );
        assert_eq!(
            decode(r#"{"topic":"t","event":"phx_close","payload":{},"ref":"1"}"#),
            Some(Incoming::ChannelClosed { topic: "t".into() })
        );
        assert_eq!(
            decode(
                r#"{"topic":"t","event":"broadcast","payload":{"type":"broadcast","event":"agent-typing","payload":{"data":"{\"json\":{\"timestamp\":1}}"}},"ref":null}"#
            ),
            Some(Incoming::Broadcast {
                topic: "t".into(),
                event: "agent-typing".into(),
                payload: json!({"data": "{\"json\":{\"timestamp\":1}}"}),
            })
        );
        assert_eq!(
            decode(r#"{"topic":"t","event":"presence_state","payload":{},"ref":null}"#),
            Some(Incoming::Other)
        );
        for junk in [
            "",
            "[]",
            "null",
            "{\"event\":\"x\"}",
            "{\"topic\":1,\"event\":\"x\"}",
            "{",
        ] {
            assert_eq!(decode(junk), None, "{junk}");
        }
    }

    #[test]
    fn superjson_data() {
        let payload = json!({"id": "u", "data": "{\"json\":{\"id\":7,\"createdAt\":\"2026-01-01T00:00:00.000Z\"},\"meta\":{\"values\":{\"createdAt\":[\"Date\"]}}}"});
        assert_eq!(
            broadcast_data(&payload),
            Some(json!({"id": 7, "createdAt": "2026-01-01T00:00:00.000Z"}))
        );
        assert_eq!(
            broadcast_data(&json!({"data": "{\"a\":1}"})),
            Some(json!({"a": 1}))
        );
        assert_eq!(
            broadcast_data(&json!({"data": {"a": 1}})),
            Some(json!({"a": 1}))
        );
        assert_eq!(broadcast_data(&json!({"data": "not json"})), None);
        assert_eq!(broadcast_data(&json!({})), None);
    }

    #[test]
    fn backoff_grows_then_stays() {
        let delays: Vec<u32> = (0..7).map(reconnect_delay_ms).collect();
        assert_eq!(
            delays,
            [1_000, 2_000, 5_000, 10_000, 30_000, 30_000, 30_000]
        );
    }
}
