use crate::common::*;
use helper_dev_server::kb;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const PLAN: &str = "How do I change my plan?";

#[tokio::test]
async fn v4_reply_has_helpers_headers_and_part_order() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let r = s.chat(&t, &slug, PLAN, "").await;
    assert_eq!(r.status, 200);
    assert!(r.has_cors());
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(r.header("x-vercel-ai-data-stream"), Some("v1"));
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));

    let parts = v4_parts(&r.body);
    let codes: String = parts.iter().map(|(c, _)| *c).collect();
    let texts = parts.iter().filter(|(c, _)| *c == '0').count();
    assert!(texts > 50);
    assert_eq!(codes, format!("f9ef{}edhh8", "0".repeat(texts)));
    assert!(r.body.ends_with('\n'));

    assert!(parts[0].1["messageId"]
        .as_str()
        .unwrap()
        .starts_with("msg-"));
    assert_eq!(parts[1].1["toolName"], "knowledge_base");
    assert_eq!(parts[1].1["args"], json!({ "query": PLAN }));
    assert!(parts[1].1["toolCallId"]
        .as_str()
        .unwrap()
        .starts_with("call_"));
    assert_eq!(parts[2].1["finishReason"], "tool-calls");
    assert_eq!(parts[2].1["isContinued"], false);
    assert!(parts[2].1["usage"]["promptTokens"].is_u64());
    // Field order as JSON.stringify writes it in Helper.
    assert!(r.body.contains(r#"9:{"toolCallId":"#));
    assert!(r
        .body
        .contains(r#"e:{"finishReason":"stop","usage":{"promptTokens":"#));
    assert!(r.body.contains(r#"h:{"sourceType":"url","id":"1","url":"https://help.example.com/billing/change-plan","title":"Changing your plan"}"#));
    assert_eq!(v4_text(&r.body), answer(PLAN));
    assert!(
        answer(PLAN).contains("| Plan |"),
        "the plan answer has a table"
    );

    let (_, saved) = parts.last().unwrap();
    let id = saved[0]["id"].as_str().unwrap();
    assert!(saved[0]["traceId"].is_string());
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    assert_eq!(
        c["messages"][1]["id"], id,
        "the 8: id is the saved message's id"
    );
}

#[tokio::test]
async fn the_same_question_gets_the_same_reply() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let a = v4_text(&s.chat(&t, &slug, "I want a refund", "").await.body);
    let b = v4_text(&s.chat(&t, &slug, "I want a refund", "").await.body);
    assert_eq!(a, b);
    assert_eq!(a, answer("refund"));
    let fallback = v4_text(&s.chat(&t, &slug, "What's the weather like?", "").await.body);
    assert!(fallback.starts_with("I couldn't find an article"));
}

#[tokio::test]
async fn prompt_conversations_are_served_from_the_cache_the_second_time() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let first = s.conversation(&t, true).await;
    let r = s.chat(&t, &first, PLAN, "").await;
    assert!(
        r.body.starts_with("f:"),
        "a cache miss streams from the model"
    );
    let second = s.conversation(&t, true).await;
    let r = s.chat(&t, &second, PLAN, "").await;
    let c = s
        .get(&format!("/api/chat/conversation/{second}"), Some(&t))
        .await
        .json();
    let id = c["messages"][1]["id"].as_str().unwrap();
    assert_eq!(
        r.body,
        format!("8:[{{\"id\":\"{id}\"}}]\n0:{}\n", Value::from(answer(PLAN)))
    );
    assert_eq!(c["subject"], PLAN, "a prompt becomes the subject");
}

#[tokio::test]
async fn talk_to_a_human_escalates_and_then_humans_answer() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    s.chat(&t, &slug, "refund", "").await;
    let r = s.chat(&t, &slug, "I need to talk to a human", "").await;
    let parts = v4_parts(&r.body);
    assert_eq!(parts[1].1["toolName"], "request_human_support");
    assert_eq!(v4_text(&r.body), kb::ESCALATION_TEXT);
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    assert_eq!(c["isEscalated"], true);
    assert_eq!(c["messages"][3]["content"], kb::ESCALATION_TEXT);

    // Later messages get Helper's empty text response with a timestamp id.
    let r = s.chat(&t, &slug, "Hello?", "").await;
    let parts = v4_parts(&r.body);
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].0, '8');
    let ts: i64 = parts[0].1[0]["id"].as_str().unwrap().parse().unwrap();
    assert!((now_ms() - ts).abs() < 60_000);
    assert_eq!(parts[1], ('0', json!("")));

    // A prompt that escalates at once gets the canned reply on the next message.
    let prompt = s.conversation(&t, true).await;
    s.chat(&t, &prompt, "Can I speak to a human please", "")
        .await;
    let r = s.chat(&t, &prompt, "My order is late", "").await;
    let parts = v4_parts(&r.body);
    assert_eq!(parts[0].0, '8');
    assert_eq!(parts[1], ('0', json!(kb::HUMAN_WILL_RESPOND)));
}

#[tokio::test]
async fn chat_errors_match_helper() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let r = s.chat(&t, "not-a-slug", "hi", "").await;
    assert_eq!(r.status, 500, "Helper throws for an unknown slug");
    let other = s.anonymous().await;
    assert_eq!(
        s.chat(&other, &slug, "hi", "").await.status,
        500,
        "someone else's slug too"
    );
    assert_eq!(
        s.send("POST", "/api/chat", Some(&t), Some("nope"))
            .await
            .status,
        500
    );
    assert_eq!(
        s.post(
            "/api/chat",
            Some(&t),
            json!({ "message": { "content": "hi" } })
        )
        .await
        .status,
        500
    );

    let att = |url: &str| {
        json!({ "conversationSlug": slug, "message": { "content": "", "experimental_attachments": [
            { "name": "a.png", "contentType": "image/png", "url": url }
        ] } })
    };
    let r = s
        .post("/api/chat", Some(&t), att("https://x.test/a.png"))
        .await;
    r.assert_error(400, "a.png: Invalid data URL format");
    assert!(r.has_cors());
    let r = s
        .post(
            "/api/chat",
            Some(&t),
            att("data:image/png;base64,iVBORw0KGgo="),
        )
        .await;
    assert_eq!(r.status, 200);
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    assert_eq!(c["messages"][0]["content"], "[Image]");
    assert_eq!(c["messages"][0]["publicAttachments"][0]["name"], "a.png");

    // A v5 client's body (`messages`, text in `parts`) is understood too.
    let v5_body = json!({ "conversationSlug": slug, "messages": [
        { "id": "u1", "role": "user", "parts": [{ "type": "text", "text": "refund" }] }
    ] });
    let r = s.post("/api/chat", Some(&t), v5_body).await;
    assert_eq!(v4_text(&r.body), answer("refund"));

    let r = s.chat(&t, &slug, "hi", "?format=v9").await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn v5_ui_message_stream_bytes() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let r = s.chat(&t, &slug, "I want a refund", "?format=v5").await;
    assert_eq!(r.header("content-type"), Some("text/event-stream"));
    assert_eq!(r.header("x-vercel-ai-ui-message-stream"), Some("v1"));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    assert!(r.has_cors());
    assert!(r.body.ends_with("data: [DONE]\n\n"));
    let events: Vec<&str> = r.body.split("\n\n").filter(|e| !e.is_empty()).collect();
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e.strip_prefix("data: ").unwrap()).unwrap())
        .collect();
    let types: Vec<&str> = chunks.iter().map(|c| c["type"].as_str().unwrap()).collect();
    let deltas = types.iter().filter(|t| **t == "text-delta").count();
    let mut expected = vec![
        "start",
        "start-step",
        "tool-input-available",
        "finish-step",
        "start-step",
        "text-start",
    ];
    expected.extend(std::iter::repeat_n("text-delta", deltas));
    expected.extend([
        "text-end",
        "finish-step",
        "source-url",
        "message-metadata",
        "finish",
    ]);
    assert_eq!(types, expected);
    assert!(events[0].starts_with(r#"data: {"type":"start","messageId":"msg-"#));
    assert_eq!(chunks[2]["toolName"], "knowledge_base");
    let text: String = chunks.iter().filter_map(|c| c["delta"].as_str()).collect();
    assert_eq!(text, answer("refund"));
    assert_eq!(
        chunks[chunks.len() - 3]["url"],
        "https://help.example.com/billing/refunds"
    );
    assert!(chunks[chunks.len() - 2]["messageMetadata"]["id"].is_string());
    assert_eq!(
        chunks[chunks.len() - 1],
        json!({ "type": "finish", "finishReason": "stop" })
    );
}

#[tokio::test]
async fn seed_format_lines() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    s.dev("/__dev/settings", json!({ "format": "seed" })).await;
    let r = s.chat(&t, &slug, "I want a refund", "").await;
    assert_eq!(r.header("content-type"), Some("text/event-stream"));
    assert!(r.header("x-vercel-ai-data-stream").is_none());
    assert!(
        !r.body.contains("\n\n"),
        "the seed docs show no blank lines"
    );
    let lines: Vec<Value> = r
        .body
        .lines()
        .map(|l| serde_json::from_str(l.strip_prefix("data: ").unwrap()).unwrap())
        .collect();
    assert_eq!(lines[0]["type"], "tool_call");
    let text: String = lines
        .iter()
        .filter(|l| l["type"] == "text")
        .map(|l| l["value"].as_str().unwrap())
        .collect();
    assert_eq!(text, answer("refund"));
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "messageAnnotation");
    assert!(
        last["value"]["id"].is_string(),
        "one object, as in the seed docs"
    );
    assert_eq!(lines[lines.len() - 2]["type"], "source");
    assert!(r
        .body
        .starts_with(r#"data: {"type":"tool_call","value":{"toolCallId":"#));
}

#[tokio::test]
async fn chunking_and_pacing() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let (_, chunks, failed) = s.chat_chunks(&t, &slug, "refund", "?chunking=whole").await;
    assert!(!failed);
    assert_eq!(
        v4_text(&String::from_utf8(chunks.concat()).unwrap()),
        answer("refund")
    );

    let (_, chunks, failed) = s.chat_chunks(&t, &slug, "refund", "?chunking=byte").await;
    assert!(!failed);
    assert!(chunks.len() > 1, "byte chunking writes many times");
    assert_eq!(
        v4_text(&String::from_utf8(chunks.concat()).unwrap()),
        answer("refund")
    );

    // 13 tokens at 20 ms plus the pause after the tool call (8 tokens' worth).
    let started = Instant::now();
    let r = s.chat(&t, &slug, "I need a human", "?pace_ms=20").await;
    assert_eq!(v4_text(&r.body), kb::ESCALATION_TEXT);
    assert!(
        started.elapsed() >= Duration::from_millis(20 * (13 + 8)),
        "{:?}",
        started.elapsed()
    );
}

/// The benchmark's delivery: a reply of `len` characters as exactly `ceil(len / n)` text parts of
/// `n` characters, each its own write, whether asked per request or through `/__dev/settings`.
#[tokio::test]
async fn chunk_chars_cuts_text_into_equal_parts() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    // Multi-byte characters: the cut counts characters, so no part splits UTF-8.
    let text = "Plan → **Pro** costs 12 €; ".repeat(40);
    let len = text.chars().count();
    for (query, settings) in [
        ("?chunk_chars=5", json!({})),
        ("", json!({ "chunkChars": 5 })),
    ] {
        s.dev("/__dev/settings", settings).await;
        s.dev("/__dev/reply", json!({ "text": text })).await;
        let (_, chunks, failed) = s.chat_chunks(&t, &slug, "anything", query).await;
        assert!(!failed);
        let body = String::from_utf8(chunks.concat()).unwrap();
        let texts: Vec<String> = v4_parts(&body)
            .into_iter()
            .filter(|(c, _)| *c == '0')
            .map(|(_, v)| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(texts.len(), len.div_ceil(5), "{query}");
        assert!(texts.iter().all(|t| t.chars().count() == 5), "{query}");
        assert_eq!(texts.concat(), text);
        assert!(
            chunks.len() > texts.len(),
            "one write per part, not coalesced"
        );
    }
    let h = s.dev("/__dev/settings", json!({ "chunkChars": 0 })).await;
    assert_eq!(h["chunkChars"], Value::Null, "0 goes back to word tokens");
}

#[tokio::test]
async fn dev_settings_and_reset() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let h = s.get("/__dev/health", None).await;
    assert_eq!(
        h.header("access-control-allow-origin"),
        None,
        "no page asked, so no CORS"
    );
    assert_eq!(
        h.json(),
        json!({ "ok": true, "format": "v4", "chunking": "token", "paceMs": 0, "chunkChars": null, "corsGaps": false, "pendingFaults": 0, "realtime": true, "realtimeConnections": 0 })
    );
    let v = s
        .dev(
            "/__dev/settings",
            json!({ "format": "v5", "paceMs": 1, "chunking": "byte" }),
        )
        .await;
    assert_eq!(v["format"], "v5");
    let r = s.chat(&t, &slug, "refund", "").await;
    assert_eq!(r.header("x-vercel-ai-ui-message-stream"), Some("v1"));
    assert_eq!(
        s.post("/__dev/settings", None, json!({ "format": "v9" }))
            .await
            .status,
        400
    );

    s.dev("/__dev/reset", json!({})).await;
    assert_eq!(s.get("/__dev/health", None).await.json()["format"], "v4");
    assert_eq!(
        s.chat(&t, &slug, "refund", "").await.status,
        500,
        "conversations are forgotten"
    );
}

/// A body with no message is malformed like any other: a 400 the widget can read (with CORS,
/// even where Helper's own server would throw), and nothing is stored or streamed.
#[tokio::test]
async fn chat_without_a_message_is_a_400_with_cors() {
    for gaps in [false, true] {
        let s = if gaps {
            gap_server().await
        } else {
            default_server().await
        };
        let t = s.anonymous().await;
        let slug = s.conversation(&t, false).await;
        for body in [
            json!({ "conversationSlug": slug }),
            json!({ "conversationSlug": slug, "message": null }),
            json!({ "conversationSlug": slug, "messages": [] }),
            json!({ "conversationSlug": slug, "message": "refund" }),
        ] {
            let r = s.post("/api/chat", Some(&t), body.clone()).await;
            r.assert_error(400, "Message is required");
            assert!(r.has_cors(), "{body} (gaps={gaps})");
        }
        let c = s
            .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
            .await
            .json();
        assert_eq!(c["messages"], json!([]));
    }
}
