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
    let health = s
        .as_page("GET", "/__dev/health", "http://127.0.0.1:9", None)
        .await;
    assert_eq!(
        health.header("access-control-allow-origin"),
        Some("http://127.0.0.1:9"),
        "the gap flag is about Helper's routes; loopback pages keep the dev routes"
    );
}

/// What a website on another origin could do to a running dev server: read an HMAC signed
/// with the server's secret, or change its state with a "simple" (no preflight) POST.
#[tokio::test]
async fn dev_routes_refuse_pages_on_other_origins() {
    let s = default_server().await;
    s.dev("/__dev/fault", json!({ "kind": "one-byte" })).await;
    for origin in [
        "https://evil.example",
        "http://127.0.0.1.evil.example",
        "http://localhost.evil.example:8080",
        "null",
    ] {
        let r = s
            .as_page("GET", "/__dev/hmac?email=a%40b.co", origin, None)
            .await;
        r.assert_error(403, "Dev routes answer only loopback pages");
        assert_eq!(r.header("access-control-allow-origin"), None, "{origin}");
        assert!(!r.body.contains("emailHash"), "{origin}");
        let r = s.as_page("POST", "/__dev/reset", origin, Some("{}")).await;
        assert_eq!(r.status, 403, "{origin}");
        let r = s.as_page("OPTIONS", "/__dev/settings", origin, None).await;
        assert_eq!(r.status, 403, "{origin}: no preflight either");
        assert_eq!(r.header("access-control-allow-origin"), None, "{origin}");
    }
    assert_eq!(
        s.get("/__dev/health", None).await.json()["pendingFaults"],
        1,
        "the refused reset changed nothing"
    );

    // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 is
    // same-origin with the server, and a same-origin GET carries no Origin header; the Host
    // header still names the attacker's host.
    let port = s.url.rsplit(':').next().unwrap();
    let r = s
        .raw(
            &format!("GET /__dev/hmac?email=a%40b.co HTTP/1.1\r\nHost: evil.example:{port}"),
            b"",
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);

    // Helper's own routes are not the dev server's to restrict: any origin, as Helper answers.
    let r = s
        .as_page(
            "POST",
            "/api/widget/session",
            "https://evil.example",
            Some("{}"),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.has_cors());
}

/// Test pages on loopback origins (the e2e host page signs a fresh HMAC this way), and tools
/// that send no Origin at all (the e2e harness, the benchmark's Node driver, curl).
#[tokio::test]
async fn dev_routes_serve_loopback_pages_and_tools() {
    let s = default_server().await;
    for origin in [
        "http://127.0.0.1:8080",
        "http://localhost:3000",
        "http://[::1]:5173",
        "https://127.0.0.2",
    ] {
        let r = s
            .as_page("GET", "/__dev/hmac?email=a%40b.co", origin, None)
            .await;
        assert_eq!(r.status, 200, "{origin}: {}", r.body);
        assert_eq!(r.header("access-control-allow-origin"), Some(origin));
        assert_eq!(r.header("vary"), Some("Origin"));
        let r = s.as_page("OPTIONS", "/__dev/fault", origin, None).await;
        assert_eq!(r.status, 204, "{origin}");
        assert_eq!(r.header("access-control-allow-origin"), Some(origin));
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some("GET, POST, OPTIONS")
        );
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some("Content-Type, Authorization")
        );
    }
    let r = s.get("/__dev/health", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), None);
    let port = s.url.rsplit(':').next().unwrap();
    for host in [
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        "127.0.0.1".into(),
    ] {
        let r = s
            .raw(&format!("GET /__dev/health HTTP/1.1\r\nHost: {host}"), b"")
            .await;
        assert_eq!(r.status, 200, "{host}: {}", r.body);
    }
}
