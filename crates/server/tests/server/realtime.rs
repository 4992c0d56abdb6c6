//! The realtime endpoint over real sockets: Phoenix v1 framing as realtime-js speaks it,
//! Helper's broadcasts (staff and AI replies, typing, subjects), the staff follow-up after an
//! escalation, refusals, idle and dropped sockets.

use crate::common::*;
use futures_util::{SinkExt, StreamExt};
use helper_dev_server::Options;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::{self, Message};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const ANON: &str = helper_dev_server::ANON_KEY;

fn ws_url(s: &Server, query: &str) -> String {
    format!(
        "{}/realtime/v1/websocket{query}",
        s.url.replace("http://", "ws://")
    )
}

async fn connect(s: &Server) -> Ws {
    let url = ws_url(s, &format!("?apikey={ANON}&vsn=1.0.0"));
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

/// The HTTP status and body of a refused upgrade.
async fn refused(url: String) -> (u16, Value) {
    match tokio_tungstenite::connect_async(url).await {
        Err(tungstenite::Error::Http(r)) => {
            let body = r.body().clone().unwrap_or_default();
            (
                r.status().as_u16(),
                serde_json::from_slice(&body).unwrap_or(Value::Null),
            )
        }
        Err(e) => panic!("not an HTTP refusal: {e}"),
        Ok(_) => panic!("the upgrade was accepted"),
    }
}

async fn send(ws: &mut Ws, frame: Value) {
    ws.send(Message::text(frame.to_string())).await.unwrap();
}

/// The next websocket message other than ping/pong, within 5 s.
async fn next_message(ws: &mut Ws) -> Option<Result<Message, tungstenite::Error>> {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => return other,
            }
        }
    })
    .await
    .expect("something arrives within 5 s")
}

/// The next text frame as JSON.
async fn frame(ws: &mut Ws) -> Value {
    match next_message(ws).await {
        Some(Ok(Message::Text(t))) => serde_json::from_str(t.as_str()).unwrap(),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

/// Nothing arrives for `ms`.
async fn silent(ws: &mut Ws, ms: u64) {
    if let Ok(m) = tokio::time::timeout(Duration::from_millis(ms), ws.next()).await {
        panic!("expected silence, got {m:?}");
    }
}

fn topic(slug: &str) -> String {
    format!("realtime:public:conversation-{slug}")
}

/// `phx_join` exactly as realtime-js (supabase-js, no user session) sends it for Helper's
/// `public:conversation-<slug>` channel.
fn join_frame(slug: &str, r: &str) -> Value {
    json!({
        "topic": topic(slug),
        "event": "phx_join",
        "payload": {
            "config": {
                "broadcast": { "ack": false, "self": false },
                "presence": { "key": "", "enabled": false },
                "postgres_changes": [],
                "private": false
            },
            "access_token": ANON
        },
        "ref": r,
        "join_ref": r
    })
}

async fn joined(s: &Server, slug: &str) -> Ws {
    let mut ws = connect(s).await;
    send(&mut ws, join_frame(slug, "1")).await;
    let reply = frame(&mut ws).await;
    assert_eq!(reply["payload"]["status"], "ok", "{reply}");
    ws
}

/// A broadcast frame's event and its SuperJSON data, after checking the frame's shape.
fn broadcast(f: &Value, slug: &str) -> (String, Value) {
    assert_eq!(f["topic"], topic(slug), "{f}");
    assert_eq!(f["event"], "broadcast", "{f}");
    assert_eq!(f["ref"], Value::Null, "{f}");
    assert_eq!(f["payload"]["type"], "broadcast", "{f}");
    let data: Value =
        serde_json::from_str(f["payload"]["payload"]["data"].as_str().unwrap()).unwrap();
    assert!(
        data.get("meta").is_none(),
        "plain data has no SuperJSON meta"
    );
    (
        f["payload"]["event"].as_str().unwrap().to_string(),
        data["json"].clone(),
    )
}

#[tokio::test]
async fn the_session_names_this_server_unless_realtime_is_off() {
    let s = default_server().await;
    let v = s.session_with(json!({})).await.json();
    assert_eq!(v["supabaseUrl"], s.url.as_str());
    assert_eq!(v["supabaseAnonKey"], ANON);

    // Behind a proxy (Trunk's rewrites `Host`), the origin the browser used.
    let proxied = s
        .client
        .post(format!("{}/api/widget/session", s.url))
        .header("x-forwarded-host", "127.0.0.1:8080")
        .header("x-forwarded-proto", "https")
        .body("{}")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let proxied: Value = serde_json::from_str(&proxied).unwrap();
    assert_eq!(proxied["supabaseUrl"], "https://127.0.0.1:8080");
    let fixed = start(Options {
        supabase_url: Some("http://127.0.0.1:8081".into()),
        ..Options::default()
    })
    .await;
    assert_eq!(
        fixed.session_with(json!({})).await.json()["supabaseUrl"],
        "http://127.0.0.1:8081"
    );

    let off = start(Options {
        realtime: false,
        ..Options::default()
    })
    .await;
    let v = off.session_with(json!({})).await.json();
    assert!(v.get("supabaseUrl").is_none(), "{v}");
    assert!(v["token"].is_string());
    let (status, _) = refused(ws_url(&off, &format!("?apikey={ANON}&vsn=1.0.0"))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn join_heartbeat_staff_broadcasts_and_leave_are_phoenix_v1_frames() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let mut ws = connect(&s).await;

    send(&mut ws, join_frame(&slug, "1")).await;
    assert_eq!(
        frame(&mut ws).await,
        json!({ "topic": topic(&slug), "event": "phx_reply",
                "payload": { "status": "ok", "response": { "postgres_changes": [] } }, "ref": "1" })
    );

    send(
        &mut ws,
        json!({ "topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": "2" }),
    )
    .await;
    assert_eq!(
        frame(&mut ws).await,
        json!({ "topic": "phoenix", "event": "phx_reply",
                "payload": { "status": "ok", "response": {} }, "ref": "2" })
    );

    let staff = s
        .dev(
            "/__dev/staff-reply",
            json!({ "conversationSlug": slug, "content": "Hi, Sam here.", "staffName": "Sam" }),
        )
        .await;
    let f = frame(&mut ws).await;
    let (event, message) = broadcast(&f, &slug);
    assert_eq!(event, "agent-reply");
    assert!(f["payload"]["payload"]["id"].as_str().unwrap().len() == 36);
    // The widget's `Message` (§1.4), the same JSON `GET conversation` lists.
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    assert_eq!(message, c["messages"][0]);
    assert_eq!(message["id"], staff["messageId"].to_string());
    assert_eq!(message["role"], "staff");
    assert_eq!(message["staffName"], "Sam");
    assert_eq!(message["content"], "Hi, Sam here.");

    s.dev("/__dev/staff-typing", json!({ "conversationSlug": slug }))
        .await;
    let f = frame(&mut ws).await;
    let (event, data) = broadcast(&f, &slug);
    assert_eq!(event, "agent-typing");
    assert!((data["timestamp"].as_i64().unwrap() - now_ms()).abs() < 60_000);
    assert!(
        f["payload"]["payload"].get("id").is_none(),
        "the dashboard's typing event has no id"
    );

    send(
        &mut ws,
        json!({ "topic": topic(&slug), "event": "phx_leave", "payload": {}, "ref": "3", "join_ref": "1" }),
    )
    .await;
    assert_eq!(
        frame(&mut ws).await,
        json!({ "topic": topic(&slug), "event": "phx_reply",
                "payload": { "status": "ok", "response": {} }, "ref": "3" })
    );
    assert_eq!(
        frame(&mut ws).await,
        json!({ "topic": topic(&slug), "event": "phx_close", "payload": {}, "ref": "1" })
    );
    // Left: nothing more arrives for this conversation.
    s.dev(
        "/__dev/staff-reply",
        json!({ "conversationSlug": slug, "content": "Still there?" }),
    )
    .await;
    silent(&mut ws, 300).await;
}

#[tokio::test]
async fn ai_replies_and_the_generated_subject_are_published_after_the_stream() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let mut ws = joined(&s, &slug).await;
    let other = s.conversation(&t, false).await;
    let mut elsewhere = joined(&s, &other).await;

    let r = s.chat(&t, &slug, "How do I get a refund?", "").await;
    assert_eq!(r.status, 200);
    let (event, message) = broadcast(&frame(&mut ws).await, &slug);
    assert_eq!(event, "agent-reply");
    assert_eq!(message["role"], "assistant");
    assert_eq!(message["staffName"], Value::Null);
    assert_eq!(message["content"], v4_text(&r.body));
    let (event, data) = broadcast(&frame(&mut ws).await, &slug);
    assert_eq!(event, "conversation-subject");
    assert_eq!(data, json!({ "subject": "How do I get a refund?" }));
    silent(&mut elsewhere, 200).await;
}

#[tokio::test]
async fn a_paced_replys_broadcast_comes_after_its_last_byte() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let mut ws = joined(&s, &slug).await;
    let listener = tokio::spawn(async move {
        let f = frame(&mut ws).await;
        (Instant::now(), f)
    });
    let (_, chunks, failed) = s
        .chat_chunks(&t, &slug, "How do I get a refund?", "?pace_ms=15")
        .await;
    let body_end = Instant::now();
    assert!(!failed && chunks.len() > 10);
    let (arrived, f) = listener.await.unwrap();
    assert_eq!(broadcast(&f, &slug).0, "agent-reply");
    assert!(
        arrived >= body_end,
        "published {:?} before the reply's last byte",
        body_end - arrived
    );
}

#[tokio::test]
async fn an_escalation_is_followed_by_typing_then_a_staff_reply_after_the_delay() {
    let s = start(Options {
        staff_reply_after: Some(Duration::from_millis(400)),
        ..Options::default()
    })
    .await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let mut ws = joined(&s, &slug).await;

    s.chat(&t, &slug, "I want to talk to a human", "").await;
    let (event, message) = broadcast(&frame(&mut ws).await, &slug);
    assert_eq!(event, "agent-reply");
    assert_eq!(message["role"], "assistant");
    assert_eq!(message["content"], helper_dev_server::kb::ESCALATION_TEXT);
    let (event, _) = broadcast(&frame(&mut ws).await, &slug);
    assert_eq!(event, "conversation-subject");
    let (event, _) = broadcast(&frame(&mut ws).await, &slug);
    assert_eq!(event, "agent-typing");
    let typing_at = Instant::now();
    let (event, message) = broadcast(&frame(&mut ws).await, &slug);
    let waited = typing_at.elapsed();
    assert_eq!(event, "agent-reply");
    assert_eq!(message["role"], "staff");
    assert_eq!(message["staffName"], helper_dev_server::DEFAULT_STAFF_NAME);
    assert!(
        // The typing frame itself may arrive late on a busy machine.
        waited >= Duration::from_millis(300),
        "the reply waits for the delay: {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "{waited:?}");

    let c = s
        .get(
            &format!("/api/chat/conversation/{slug}?markRead=false"),
            Some(&t),
        )
        .await
        .json();
    assert_eq!(c["isEscalated"], true);
    assert_eq!(c["messages"].as_array().unwrap().len(), 3);
    assert_eq!(c["messages"][2], message);
    assert_eq!(
        s.get("/api/chat/conversations/unread", Some(&t))
            .await
            .json()["count"],
        1
    );

    // Without the flag nobody answers.
    let quiet = default_server().await;
    let t = quiet.anonymous().await;
    let slug = quiet.conversation(&t, false).await;
    let mut ws = joined(&quiet, &slug).await;
    quiet.chat(&t, &slug, "I want to talk to a human", "").await;
    let (event, _) = broadcast(&frame(&mut ws).await, &slug);
    assert_eq!(event, "agent-reply");
    let (event, _) = broadcast(&frame(&mut ws).await, &slug);
    assert_eq!(event, "conversation-subject");
    silent(&mut ws, 600).await;
}

#[tokio::test]
async fn wrong_keys_and_versions_are_refused_before_the_upgrade() {
    let s = default_server().await;
    let (status, body) = refused(ws_url(&s, "?apikey=wrong&vsn=1.0.0")).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({ "error": "The token provided is not a valid JWT" })
    );
    let (status, body) = refused(ws_url(&s, "?vsn=1.0.0")).await;
    assert_eq!(status, 401);
    assert_eq!(body, json!({ "error": "API key is missing" }));
    let (status, _) = refused(ws_url(&s, &format!("?apikey={ANON}&vsn=2.0.0"))).await;
    assert_eq!(status, 403);
    // Without `vsn` Phoenix assumes 1.0.0.
    let url = ws_url(&s, &format!("?apikey={ANON}"));
    assert!(tokio_tungstenite::connect_async(url).await.is_ok());
}

#[tokio::test]
async fn unjoined_topics_private_channels_and_malformed_frames() {
    let s = default_server().await;
    let mut ws = connect(&s).await;
    send(
        &mut ws,
        json!({ "topic": "realtime:nowhere", "event": "broadcast", "payload": {}, "ref": "4" }),
    )
    .await;
    assert_eq!(
        frame(&mut ws).await,
        json!({ "topic": "realtime:nowhere", "event": "phx_reply",
                "payload": { "status": "error", "response": { "reason": "unmatched topic" } }, "ref": "4" })
    );
    let mut private = join_frame("x", "5");
    private["payload"]["config"]["private"] = json!(true);
    send(&mut ws, private).await;
    let f = frame(&mut ws).await;
    assert_eq!(f["payload"]["status"], "error");
    assert!(f["payload"]["response"]["reason"]
        .as_str()
        .unwrap()
        .starts_with("Unauthorized"));

    // Phoenix's decoder raises on a frame that is not a message object: the socket closes.
    ws.send(Message::text("[\"1\",\"1\",\"phoenix\",\"heartbeat\",{}]"))
        .await
        .unwrap();
    match next_message(&mut ws).await {
        Some(Ok(Message::Close(Some(c)))) => assert_eq!(u16::from(c.code), 1007),
        other => panic!("expected a close frame, got {other:?}"),
    }
}

#[tokio::test]
async fn a_client_broadcast_reaches_the_other_subscribers() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let mut listener = joined(&s, &slug).await;
    let mut sender = connect(&s).await;
    let mut join = join_frame(&slug, "1");
    join["payload"]["config"]["broadcast"]["ack"] = json!(true);
    send(&mut sender, join).await;
    frame(&mut sender).await;

    send(
        &mut sender,
        json!({ "topic": topic(&slug), "event": "broadcast", "ref": "2", "join_ref": "1",
                "payload": { "type": "broadcast", "event": "agent-typing",
                             "payload": { "data": "{\"json\":{\"timestamp\":1}}" } } }),
    )
    .await;
    assert_eq!(
        frame(&mut sender).await["payload"],
        json!({ "status": "ok", "response": {} }),
        "acknowledged"
    );
    let (event, data) = broadcast(&frame(&mut listener).await, &slug);
    assert_eq!(
        (event.as_str(), data),
        ("agent-typing", json!({ "timestamp": 1 }))
    );
    silent(&mut sender, 200).await;
}

#[tokio::test]
async fn the_server_drops_sockets_on_request_and_may_refuse_new_ones() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let a = s.conversation(&t, false).await;
    let b = s.conversation(&t, false).await;
    let mut on_a = joined(&s, &a).await;
    let mut on_b = joined(&s, &b).await;

    // Only the sockets on conversation a, and with no close frame: the connection just ends.
    let v = s
        .dev("/__dev/realtime-drop", json!({ "conversationSlug": a }))
        .await;
    assert_eq!(v["connections"], 2);
    match next_message(&mut on_a).await {
        None | Some(Err(_)) => {}
        other => panic!("expected the connection to end, got {other:?}"),
    }
    send(
        &mut on_b,
        json!({ "topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": "9" }),
    )
    .await;
    assert_eq!(frame(&mut on_b).await["ref"], "9", "b still answers");

    // With a close code, a close frame; and new connections refused for a while.
    s.dev(
        "/__dev/realtime-drop",
        json!({ "closeCode": 4000, "refuseMs": 400 }),
    )
    .await;
    match next_message(&mut on_b).await {
        Some(Ok(Message::Close(Some(c)))) => assert_eq!(u16::from(c.code), 4000),
        other => panic!("expected a close frame, got {other:?}"),
    }
    let (status, _) = refused(ws_url(&s, &format!("?apikey={ANON}&vsn=1.0.0"))).await;
    assert_eq!(status, 503);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut again = joined(&s, &a).await;
    s.dev(
        "/__dev/staff-reply",
        json!({ "conversationSlug": a, "content": "Back again" }),
    )
    .await;
    let (_, message) = broadcast(&frame(&mut again).await, &a);
    assert_eq!(message["content"], "Back again");
    assert_eq!(
        s.post("/__dev/realtime-drop", None, json!({ "closeCode": 1005 }))
            .await
            .status,
        400,
        "1005 is never sent"
    );
}

#[tokio::test]
async fn a_silent_socket_is_closed_and_a_heartbeating_one_is_not() {
    let s = start(Options {
        realtime_idle_timeout: Duration::from_millis(500),
        ..Options::default()
    })
    .await;
    let mut idle = connect(&s).await;
    let mut alive = connect(&s).await;
    let started = Instant::now();
    for i in 0..10 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        send(
            &mut alive,
            json!({ "topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": i.to_string() }),
        )
        .await;
        assert_eq!(frame(&mut alive).await["ref"], i.to_string());
    }
    assert!(started.elapsed() >= Duration::from_millis(1000));
    match next_message(&mut idle).await {
        Some(Ok(Message::Close(Some(c)))) => {
            assert_eq!(u16::from(c.code), 1000);
            assert_eq!(c.reason.as_str(), "heartbeat timeout");
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
}

#[tokio::test]
async fn the_headless_message_route_answers_over_realtime() {
    let s = start(Options {
        staff_reply_after: Some(Duration::ZERO),
        ..Options::default()
    })
    .await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let mut ws = joined(&s, &slug).await;
    let path = format!("/api/chat/conversation/{slug}/message");
    let r = s
        .post(
            &path,
            Some(&t),
            json!({ "content": "How do I get a refund?" }),
        )
        .await;
    assert_eq!(r.status, 200);
    let (event, message) = broadcast(&frame(&mut ws).await, &slug);
    assert_eq!(event, "agent-reply");
    assert_eq!(message["content"], answer("How do I get a refund?"));

    s.post(
        &path,
        Some(&t),
        json!({ "content": "I want to talk to a human" }),
    )
    .await;
    let events: Vec<String> = [
        frame(&mut ws).await,
        frame(&mut ws).await,
        frame(&mut ws).await,
    ]
    .iter()
    .map(|f| broadcast(f, &slug).0)
    .collect();
    assert_eq!(events, ["agent-reply", "agent-typing", "agent-reply"]);
}
