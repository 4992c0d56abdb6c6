use crate::common::*;
use helper_dev_server::auth::{self, Claims};
use serde_json::json;

/// A token that verifies but names neither an email nor an anonymous id.
fn nobody_token(s: &Server) -> String {
    let now = (now_ms() / 1000) as u64;
    let claims = Claims {
        email: None,
        show_widget: true,
        is_whitelabel: false,
        title: "x".into(),
        is_anonymous: true,
        anonymous_session_id: None,
        iat: now,
        exp: now + 60,
    };
    auth::mint(&s.secret, &claims).unwrap()
}

#[tokio::test]
async fn preflights_answer_every_route_with_its_methods() {
    let s = default_server().await;
    for (path, methods) in [
        ("/api/widget/session", "POST, OPTIONS"),
        ("/api/chat", "POST, OPTIONS"),
        ("/api/chat/conversation", "POST, OPTIONS"),
        ("/api/chat/conversation/abc", "GET, PATCH, OPTIONS"),
        ("/api/chat/conversations", "GET, OPTIONS"),
        ("/api/chat/conversations/unread", "GET, OPTIONS"),
        ("/api/chat/conversation/abc/message", "POST, OPTIONS"),
        ("/api/chat/conversation/abc/message/1", "POST, OPTIONS"),
        ("/api/chat/contact", "POST, OPTIONS"),
        ("/__dev/fault", "GET, POST, OPTIONS"),
    ] {
        let r = s.send("OPTIONS", path, None, None).await;
        assert_eq!(r.status, 204, "{path}");
        assert!(r.has_cors(), "{path}");
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some(methods),
            "{path}"
        );
    }
    let r = s.get("/no/such/route", None).await;
    r.assert_error(404, "Not found");
    assert!(r.has_cors());
}

/// Without the gap flag every error carries CORS headers; with it, exactly Helper's gaps lose
/// them (helper-api.md §1.0) and everything else keeps them.
#[tokio::test]
async fn gap_flag_reproduces_helpers_missing_cors_headers() {
    for gaps in [false, true] {
        let s = if gaps {
            gap_server().await
        } else {
            default_server().await
        };
        let t = s.anonymous().await;
        let nobody = nobody_token(&s);
        let (slug, react) = s.answered_conversation(&t).await;

        // (description, response, Helper sends CORS headers?)
        let cases = vec![
            ("session bad JSON 500", s.send("POST", "/api/widget/session", None, Some("{")).await, false),
            ("session 400", s.session_with(json!({ "timestamp": "1" })).await, true),
            ("session 401", s.session_with(json!({ "email": "a@b.co", "emailHash": "x", "timestamp": now_ms() })).await, true),
            ("create empty body 500", s.send("POST", "/api/chat/conversation", Some(&t), Some("")).await, false),
            ("create 400", s.post("/api/chat/conversation", Some(&t), json!({ "isPrompt": 1 })).await, true),
            ("create 401", s.post("/api/chat/conversation", None, json!({})).await, true),
            ("chat unknown slug 500", s.chat(&t, "nope", "hi", "").await, false),
            ("chat 400 attachment", s.post("/api/chat", Some(&t), json!({ "conversationSlug": slug, "message": { "content": "x", "experimental_attachments": [{ "url": "x" }] } })).await, true),
            ("chat 401", s.post("/api/chat", None, json!({})).await, true),
            ("get 404", s.get("/api/chat/conversation/nope", Some(&t)).await, false),
            ("get session-less 401", s.get(&format!("/api/chat/conversation/{slug}"), Some(&nobody)).await, false),
            ("patch 404", s.send("PATCH", "/api/chat/conversation/nope", Some(&t), Some(r#"{"markRead":true}"#)).await, true),
            ("list 400", s.get("/api/chat/conversations?limit=0", Some(&t)).await, false),
            ("list session-less 401", s.get("/api/chat/conversations", Some(&nobody)).await, false),
            ("unread session-less 401", s.get("/api/chat/conversations/unread", Some(&nobody)).await, false),
            ("message 400", s.post(&format!("/api/chat/conversation/{slug}/message"), Some(&t), json!({})).await, true),
            ("message bad JSON 500", s.send("POST", &format!("/api/chat/conversation/{slug}/message"), Some(&t), Some("{")).await, false),
            ("reaction set", s.post(&react, Some(&t), json!({ "type": "thumbs-down" })).await, true),
            ("reaction add feedback", s.post(&react, Some(&t), json!({ "type": "thumbs-down", "feedback": "meh" })).await, false),
            ("reaction toggle off", s.post(&react, Some(&t), json!({ "type": "thumbs-down" })).await, false),
            ("reaction 400", s.post(&react, Some(&t), json!({ "type": "x" })).await, false),
            ("reaction 404", s.post(&format!("/api/chat/conversation/{slug}/message/7"), Some(&t), json!({ "type": "thumbs-up" })).await, false),
            ("contact 400", s.post("/api/chat/contact", Some(&t), json!({})).await, true),
        ];
        for (what, r, helper_has_cors) in cases {
            assert!(r.status >= 200, "{what}");
            assert_eq!(
                r.has_cors(),
                helper_has_cors || !gaps,
                "{what} (gaps={gaps}): {} {}",
                r.status,
                r.body
            );
        }
        let pre = s.send("OPTIONS", "/api/widget/session", None, None).await;
        let expected = if gaps { ", OPTIONS" } else { "POST, OPTIONS" };
        assert_eq!(pre.header("access-control-allow-methods"), Some(expected));
    }
}

#[tokio::test]
async fn gaps_can_be_switched_at_runtime() {
    let s = default_server().await;
    let t = s.anonymous().await;
    assert!(s
        .get("/api/chat/conversation/nope", Some(&t))
        .await
        .has_cors());
    s.dev("/__dev/settings", json!({ "corsGaps": true })).await;
    assert!(!s
        .get("/api/chat/conversation/nope", Some(&t))
        .await
        .has_cors());
    assert!(
        s.get("/__dev/health", None).await.has_cors(),
        "dev routes always have CORS"
    );
}
