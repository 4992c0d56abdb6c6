use crate::common::*;
use helper_dev_server::{auth, Options};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn anonymous_session_has_helpers_shape_and_a_7_day_token() {
    let s = default_server().await;
    let r = s
        .session_with(json!({ "currentURL": "https://shop.test/" }))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.has_cors());
    let v = r.json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["showWidget"], true);
    assert!(v["supabaseUrl"].is_string() && v["supabaseAnonKey"].is_string());
    assert!(
        v.get("notifications").is_none(),
        "anonymous sessions get no notifications"
    );
    let c = s.claims(v["token"].as_str().unwrap());
    assert!(c.is_anonymous && c.email.is_none());
    assert!(c.anonymous_session_id.is_some());
    assert_eq!(c.title, "Helper Dev");
    assert_eq!(c.exp - c.iat, 7 * 24 * 3600);
}

#[tokio::test]
async fn current_token_keeps_the_anonymous_id_and_its_conversations() {
    let s = default_server().await;
    let first = s.anonymous().await;
    let slug = s.conversation(&first, false).await;
    s.chat(&first, &slug, "How do I change my plan?", "").await;

    let again = s
        .session_with(json!({ "currentToken": first }))
        .await
        .json();
    let second = again["token"].as_str().unwrap();
    assert_eq!(
        s.claims(second).anonymous_session_id,
        s.claims(&first).anonymous_session_id
    );
    let list = s.get("/api/chat/conversations", Some(second)).await.json();
    assert_eq!(list["conversations"][0]["slug"], slug.as_str());

    // A token that does not verify starts a new anonymous visitor with no history.
    let fresh = s
        .session_with(json!({ "currentToken": "not-a-jwt" }))
        .await
        .json();
    let fresh = fresh["token"].as_str().unwrap();
    assert_ne!(
        s.claims(fresh).anonymous_session_id,
        s.claims(&first).anonymous_session_id
    );
    let list = s.get("/api/chat/conversations", Some(fresh)).await.json();
    assert_eq!(list["conversations"], json!([]));
}

#[tokio::test]
async fn identified_session_with_a_valid_hmac_gets_a_12_hour_token() {
    let s = default_server().await;
    let r = s
        .session_with(s.identified("ada@example.com", now_ms()))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["notifications"], json!([]));
    let c = s.claims(v["token"].as_str().unwrap());
    assert_eq!(c.email.as_deref(), Some("ada@example.com"));
    assert!(!c.is_anonymous && c.anonymous_session_id.is_none());
    assert_eq!(c.exp - c.iat, 12 * 3600);

    // The dev signing route makes hashes the session route accepts.
    let signed = s
        .get("/__dev/hmac?email=bob%40example.com", None)
        .await
        .json();
    let r = s.session_with(signed).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn identified_session_rejections_match_helper() {
    let s = default_server().await;
    let mut bad = s.identified("ada@example.com", now_ms());
    bad["emailHash"] = json!("00".repeat(32));
    let r = s.session_with(bad).await;
    r.assert_error(401, "Invalid HMAC signature");
    assert_eq!(r.json()["valid"], false);
    assert!(r.has_cors());

    for skew in [-2 * 3_600_000, 2 * 3_600_000] {
        let r = s
            .session_with(s.identified("ada@example.com", now_ms() + skew))
            .await;
        r.assert_error(401, "Timestamp is too far in the past");
        assert_eq!(r.json()["valid"], false);
    }
    // Within the hour either way is fine.
    let r = s
        .session_with(s.identified("ada@example.com", now_ms() - 3_000_000))
        .await;
    assert_eq!(r.status, 200);

    for body in [
        json!({ "email": "ada@example.com" }),
        json!({ "email": "ada@example.com", "timestamp": now_ms() }),
        json!({ "email": "ada@example.com", "emailHash": "ab" }),
    ] {
        let r = s.session_with(body).await;
        r.assert_error(400, "Email authentication fields missing");
        assert!(r.has_cors());
    }
    // A string timestamp fails Helper's Zod schema.
    let mut stringly = s.identified("ada@example.com", now_ms());
    stringly["timestamp"] = json!(stringly["timestamp"].to_string());
    s.session_with(stringly)
        .await
        .assert_error(400, "Invalid request parameters");
    s.session_with(json!([1]))
        .await
        .assert_error(400, "Invalid request parameters");
    // Not JSON at all: Next.js's bare 500.
    let r = s
        .send("POST", "/api/widget/session", None, Some("{oops"))
        .await;
    assert_eq!(r.status, 500);
}

#[tokio::test]
async fn short_token_ttl_expires_into_401_and_a_new_anonymous_id() {
    let s = start(Options {
        token_ttl: Some(Duration::from_secs(1)),
        ..Options::default()
    })
    .await;
    let token = s.anonymous().await;
    let old_id = s.claims(&token).anonymous_session_id;
    assert_eq!(
        s.post("/api/chat/conversation", Some(&token), json!({}))
            .await
            .status,
        200
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = s
        .post("/api/chat/conversation", Some(&token), json!({}))
        .await;
    r.assert_error(401, "Invalid session token");
    assert!(r.has_cors());
    let renewed = s
        .session_with(json!({ "currentToken": token }))
        .await
        .json();
    let renewed = s.claims(renewed["token"].as_str().unwrap());
    assert!(renewed.anonymous_session_id.is_some());
    assert_ne!(renewed.anonymous_session_id, old_id);
    assert!(auth::verify(&s.secret, &token).is_none());
}

#[tokio::test]
async fn every_protected_route_wants_a_bearer_token() {
    let s = default_server().await;
    let routes = [
        ("POST", "/api/chat/conversation"),
        ("POST", "/api/chat"),
        ("GET", "/api/chat/conversation/x"),
        ("PATCH", "/api/chat/conversation/x"),
        ("GET", "/api/chat/conversations"),
        ("GET", "/api/chat/conversations/unread"),
        ("POST", "/api/chat/conversation/x/message"),
        ("POST", "/api/chat/conversation/x/message/1"),
        ("POST", "/api/chat/contact"),
    ];
    for (method, path) in routes {
        let r = s.send(method, path, None, Some("{}")).await;
        r.assert_error(401, "Missing authorization header");
        assert!(r.has_cors(), "{method} {path}");
        let r = s
            .send(method, path, Some("eyJ.bad.token"), Some("{}"))
            .await;
        r.assert_error(401, "Invalid session token");
        assert!(r.has_cors(), "{method} {path}");
    }
    // A token signed with another secret is just as invalid.
    let other = start(Options {
        hmac_secret: "other".into(),
        ..Options::default()
    })
    .await;
    let foreign = other.anonymous().await;
    s.get("/api/chat/conversations", Some(&foreign))
        .await
        .assert_error(401, "Invalid session token");
}

#[tokio::test]
async fn a_token_lifetime_past_the_end_of_time_saturates() {
    let s = start(Options {
        token_ttl: Some(Duration::from_secs(u64::MAX)),
        ..Options::default()
    })
    .await;
    let r = s.session_with(json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let token = r.json()["token"].as_str().unwrap().to_string();
    assert_eq!(s.claims(&token).exp, u64::MAX);
}
