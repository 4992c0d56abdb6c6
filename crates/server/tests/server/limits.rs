//! What one client can make the server hold or compute: body size, store and queue sizes, and
//! numbers big enough to overflow arithmetic on them.

use crate::common::*;
use helper_dev_server::{faults, store, MAX_BODY_BYTES, MAX_SCRIPTED_BYTES, MAX_SCRIPTED_REPLIES};
use serde_json::{json, Value};

/// The status of `POST /api/chat{query}`, read from the response head only: a reply paced at
/// `u64::MAX` milliseconds per token never finishes, but a handler that panicked never answers.
async fn chat_status(s: &Server, token: &str, slug: &str, query: &str) -> u16 {
    let body =
        json!({ "conversationSlug": slug, "message": { "role": "user", "content": "refund" } });
    let r = s
        .client
        .post(format!("{}/api/chat{query}", s.url))
        .header("authorization", format!("Bearer {token}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{query}: no answer ({e}): did the handler panic?"));
    r.status().as_u16()
}

#[tokio::test]
async fn huge_pace_and_fault_numbers_never_panic() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let max = u64::MAX;
    for query in [
        format!("?pace_ms={max}"),
        format!("?fault=slow:{max}"),
        format!("?fault=drop-after:{max}"),
        format!("?fault=error-part:{max}"),
        format!("?chunk_chars={max}"),
    ] {
        assert_eq!(chat_status(&s, &t, &slug, &query).await, 200, "{query}");
    }

    s.dev("/__dev/settings", json!({ "paceMs": max })).await;
    assert_eq!(chat_status(&s, &t, &slug, "").await, 200, "paceMs setting");
    s.dev("/__dev/reset", json!({})).await;
    let slug = s.conversation(&t, false).await;
    s.dev("/__dev/fault", json!({ "kind": "slow", "pace_ms": max }))
        .await;
    assert_eq!(
        chat_status(&s, &t, &slug, "").await,
        200,
        "queued slow fault"
    );
}

#[tokio::test]
async fn fault_counts_add_up_past_u32_max() {
    let s = default_server().await;
    for _ in 0..2 {
        s.dev(
            "/__dev/fault",
            json!({ "kind": "one-byte", "count": u32::MAX }),
        )
        .await;
    }
    let h = s.get("/__dev/health", None).await.json();
    assert_eq!(h["pendingFaults"], 2 * u64::from(u32::MAX));
}

#[tokio::test]
async fn a_cursor_near_u64_max_is_an_empty_last_page() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    s.chat(&t, &slug, "refund", "").await;
    let max = u64::MAX;
    for cursor in [max.to_string(), (max - 5).to_string()] {
        let r = s
            .get(
                &format!("/api/chat/conversations?limit=100&cursor={cursor}"),
                Some(&t),
            )
            .await;
        assert_eq!(r.status, 200, "cursor {cursor}: {}", r.body);
        assert_eq!(r.json()["conversations"], json!([]));
        assert_eq!(r.json()["nextCursor"], Value::Null);
    }
}

/// Helper takes at most 50 MB of attachments per message (5 files of up to 25 MB) as base64
/// data URLs inside the JSON body; the biggest such body must still get through.
#[tokio::test]
async fn the_largest_body_helper_accepts_fits_under_the_limit() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    // 5 × 10 MiB decoded is exactly Helper's 50 MiB total.
    let payload = "A".repeat(13_981_012);
    let files: Vec<Value> = (1..=5)
        .map(|i| {
            json!({ "name": format!("screenshot-{i}.png"), "contentType": "image/png",
                    "url": format!("data:image/png;base64,{payload}") })
        })
        .collect();
    let body = json!({ "content": "Here are my screenshots", "attachments": files }).to_string();
    assert!(
        body.len() <= MAX_BODY_BYTES,
        "{} > {MAX_BODY_BYTES}",
        body.len()
    );
    let r = s
        .send(
            "POST",
            &format!("/api/chat/conversation/{slug}/message"),
            Some(&t),
            Some(&body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", &r.body[..r.body.len().min(300)]);
}

#[tokio::test]
async fn bodies_over_the_limit_get_a_413_the_widget_can_read() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let over = MAX_BODY_BYTES + 1;
    let head = |framing: &str| {
        format!(
            "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {t}\r\n\
             Content-Type: application/json\r\n{framing}"
        )
    };
    // A declared length is refused before any of the body is read.
    let r = s.raw(&head(&format!("Content-Length: {over}")), b"").await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"], "Request body too large");

    // A chunked body declares nothing; it is cut once past the limit.
    let mut body = Vec::with_capacity(over + 4096);
    let mut left = over;
    while left > 0 {
        let n = left.min(1 << 20);
        body.extend_from_slice(format!("{n:x}\r\n").as_bytes());
        body.resize(body.len() + n, b' ');
        body.extend_from_slice(b"\r\n");
        left -= n;
    }
    let r = s.raw(&head("Transfer-Encoding: chunked"), &body).await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn the_oldest_conversations_make_way_for_new_ones() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let first = s.conversation(&t, false).await;
    let second = s.conversation(&t, false).await;
    let mut last = String::new();
    for _ in 1..store::MAX_CONVERSATIONS {
        last = s.conversation(&t, false).await;
    }
    s.get(&format!("/api/chat/conversation/{first}"), Some(&t))
        .await
        .assert_error(404, "Conversation not found");
    for slug in [second, last] {
        let r = s
            .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

#[tokio::test]
async fn a_conversation_keeps_its_latest_messages() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let path = format!("/api/chat/conversation/{slug}/message");
    // Each call stores the question and its answer.
    for i in 0..=store::MAX_MESSAGES_PER_CONVERSATION / 2 {
        let r = s
            .post(
                &path,
                Some(&t),
                json!({ "content": format!("question {i}") }),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    let messages = c["messages"].as_array().unwrap();
    assert_eq!(messages.len(), store::MAX_MESSAGES_PER_CONVERSATION);
    assert_eq!(messages[0]["content"], "question 1");
    let last_question = format!("question {}", store::MAX_MESSAGES_PER_CONVERSATION / 2);
    assert_eq!(
        messages[messages.len() - 2]["content"],
        last_question.as_str()
    );
}

#[tokio::test]
async fn dev_queues_refuse_more_than_they_can_hold() {
    let s = default_server().await;
    for i in 0..MAX_SCRIPTED_REPLIES {
        s.dev("/__dev/reply", json!({ "text": format!("reply {i}") }))
            .await;
    }
    let r = s
        .post("/__dev/reply", None, json!({ "text": "one more" }))
        .await;
    r.assert_error(503, "Too many scripted replies queued; POST /__dev/reset");
    s.dev("/__dev/reset", json!({})).await;
    let huge = " ".repeat(MAX_SCRIPTED_BYTES + 1);
    let r = s.post("/__dev/reply", None, json!({ "text": huge })).await;
    r.assert_error(503, "Too many scripted replies queued; POST /__dev/reset");
    s.dev("/__dev/reply", json!({ "text": "fits" })).await;

    for _ in 0..faults::MAX_QUEUED_FAULTS {
        s.dev("/__dev/fault", json!({ "kind": "one-byte" })).await;
    }
    let r = s
        .post("/__dev/fault", None, json!({ "kind": "one-byte" }))
        .await;
    r.assert_error(503, "Too many faults queued; POST /__dev/reset");
    assert_eq!(
        s.get("/__dev/health", None).await.json()["pendingFaults"],
        faults::MAX_QUEUED_FAULTS
    );
}
