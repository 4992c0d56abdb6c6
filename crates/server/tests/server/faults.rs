use crate::common::*;
use helper_dev_server::{kb, Fault, Options};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn error_part_mid_stream_and_the_reply_is_not_saved() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let h = s
        .dev(
            "/__dev/fault",
            json!({ "kind": "error-part", "after_tokens": 2 }),
        )
        .await;
    assert_eq!(h["pendingFaults"], 1);
    let r = s.chat(&t, &slug, "refund", "").await;
    assert_eq!(r.status, 200);
    let codes: String = v4_parts(&r.body).iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, "f9ef003");
    assert!(r.body.ends_with("3:\"Error generating AI response\"\n"));
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    assert_eq!(
        c["messages"].as_array().unwrap().len(),
        1,
        "only the user message is stored"
    );

    // The fault was for one request only.
    let r = s.chat(&t, &slug, "refund", "").await;
    assert_eq!(v4_text(&r.body), answer("refund"));

    // Per request, in v5: an error chunk, then finish with reason "error".
    let r = s
        .chat(&t, &slug, "refund", "?format=v5&fault=error-part:1")
        .await;
    assert!(r
        .body
        .contains(r#"data: {"type":"error","errorText":"Error generating AI response"}"#));
    assert!(r
        .body
        .ends_with("data: {\"type\":\"finish\",\"finishReason\":\"error\"}\n\ndata: [DONE]\n\n"));
}

#[tokio::test]
async fn drop_after_cuts_the_connection_at_exactly_n_bytes() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    s.dev(
        "/__dev/fault",
        json!({ "kind": "drop-after", "bytes": 200, "count": 2 }),
    )
    .await;
    for _ in 0..2 {
        let (_, chunks, failed) = s.chat_chunks(&t, &slug, "refund", "").await;
        assert!(failed, "the body must end in an error, not a clean end");
        assert_eq!(chunks.concat().len(), 200);
    }
    let (_, chunks, failed) = s
        .chat_chunks(&t, &slug, "refund", "?fault=drop-after:5&chunking=byte")
        .await;
    assert!(failed);
    assert_eq!(chunks.concat(), b"f:{\"m");
    let (_, _, failed) = s.chat_chunks(&t, &slug, "refund", "").await;
    assert!(!failed, "the queued faults are used up");
}

#[tokio::test]
async fn unauthorized_fault_is_an_expired_token_401_with_cors() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    s.dev("/__dev/fault", json!({ "kind": "unauthorized" }))
        .await;
    let r = s.chat(&t, &slug, "refund", "").await;
    r.assert_error(401, "Invalid session token");
    assert!(r.has_cors());
    assert_eq!(s.chat(&t, &slug, "refund", "").await.status, 200);
}

#[tokio::test]
async fn server_error_fault_is_a_500_without_cors_even_without_gaps() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    s.dev("/__dev/fault", json!({ "kind": "server-error" }))
        .await;
    let r = s.chat(&t, &slug, "refund", "").await;
    assert_eq!(r.status, 500);
    assert!(!r.has_cors());
    assert!(r.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn slow_drip_and_one_byte_chunks() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    s.dev("/__dev/fault", json!({ "kind": "slow", "pace_ms": 40 }))
        .await;
    let started = Instant::now();
    let r = s.chat(&t, &slug, "talk to a human", "").await;
    assert_eq!(v4_text(&r.body), kb::ESCALATION_TEXT);
    assert!(
        started.elapsed() >= Duration::from_millis(40 * 21),
        "{:?}",
        started.elapsed()
    );

    s.dev("/__dev/fault", json!({ "kind": "one-byte" })).await;
    let (_, chunks, failed) = s.chat_chunks(&t, &slug, "Hello?", "?pace_ms=2").await;
    assert!(!failed);
    assert!(chunks.len() > 1);
    let body = String::from_utf8(chunks.concat()).unwrap();
    assert_eq!(v4_parts(&body).len(), 2);
}

#[tokio::test]
async fn a_fault_given_at_start_applies_to_every_request() {
    let s = start(Options {
        fault: Some("unauthorized".parse::<Fault>().unwrap()),
        ..Options::default()
    })
    .await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    for _ in 0..2 {
        s.chat(&t, &slug, "refund", "")
            .await
            .assert_error(401, "Invalid session token");
    }
    assert_eq!(
        s.post("/__dev/fault", None, json!({ "kind": "nope" }))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn http_error_fault_is_a_readable_error_with_cors() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    s.dev(
        "/__dev/fault",
        json!({ "kind": "http-error", "status": 503 }),
    )
    .await;
    let r = s.chat(&t, &slug, "refund", "").await;
    r.assert_error(503, "Injected failure (503)");
    assert!(
        r.has_cors(),
        "unlike server-error, the widget can read this one"
    );
    let r = s.chat(&t, &slug, "refund", "?fault=http-error:429").await;
    r.assert_error(429, "Injected failure (429)");
    assert!("http-error:200".parse::<Fault>().is_err());
    assert!("http-error".parse::<Fault>().is_err());
}

#[tokio::test]
async fn scripted_reply_replaces_the_next_answer_once() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let text = "<script>alert(1)</script> see [(1)](https://docs.example.com/x)";
    s.dev("/__dev/reply", json!({ "text": text })).await;
    let r = s.chat(&t, &slug, "refund", "").await;
    assert_eq!(v4_text(&r.body), text);
    assert!(r.body.contains("h:{") && r.body.contains("https://docs.example.com/x"));
    let r = s.chat(&t, &slug, "refund", "").await;
    assert_eq!(v4_text(&r.body), answer("refund"));
}

#[tokio::test]
async fn contact_faults_wait_for_the_contact_route_and_leave_chat_alone() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let h = s
        .dev(
            "/__dev/fault",
            json!({ "kind": "http-error", "status": 500, "route": "contact" }),
        )
        .await;
    assert_eq!(h["pendingFaults"], 1);
    // A chat request does not take it.
    let slug = s.conversation(&t, false).await;
    let r = s.chat(&t, &slug, "refund", "").await;
    assert_eq!(v4_text(&r.body), answer("refund"));

    let body = json!({ "email": "ada@example.com", "message": "Please call me" });
    let r = s.post("/api/chat/contact", Some(&t), body.clone()).await;
    r.assert_error(500, "Injected failure (500)");
    assert!(r.has_cors(), "a failure the widget can read");
    // One request only; nothing was saved by the failed one.
    let r = s.post("/api/chat/contact", Some(&t), body).await;
    assert_eq!(r.status, 200);
    let ada = s
        .session_with(s.identified("ada@example.com", now_ms()))
        .await
        .json();
    let list = s
        .get("/api/chat/conversations", ada["token"].as_str())
        .await
        .json();
    assert_eq!(list["conversations"].as_array().unwrap().len(), 1);
}
