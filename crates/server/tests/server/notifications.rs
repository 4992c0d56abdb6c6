//! Notifications (helper-api.md §1.1, §1.11): queued by `/__dev/notify`, listed by identified
//! sessions newest first and marked sent, updated by `PATCH /api/widget/notification/{id}`.

use crate::common::*;
use serde_json::{json, Value};

async fn identified_session(s: &Server, email: &str) -> Value {
    let r = s.session_with(s.identified(email, now_ms())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

#[tokio::test]
async fn sessions_list_pending_and_sent_notifications_until_read_or_dismissed() {
    let s = default_server().await;
    let anon = s.anonymous().await;
    let slug = s.conversation(&anon, false).await;
    let v = identified_session(&s, "ada@example.com").await;
    assert_eq!(v["notifications"], json!([]));

    let first = s
        .dev(
            "/__dev/notify",
            json!({ "email": "ada@example.com", "conversationSlug": slug }),
        )
        .await["id"]
        .as_u64()
        .unwrap();
    let second = s
        .dev(
            "/__dev/notify",
            json!({ "email": "ada@example.com", "text": "Sam replied", "conversationSlug": slug }),
        )
        .await["id"]
        .as_u64()
        .unwrap();
    s.dev(
        "/__dev/notify",
        json!({ "email": "bob@example.com", "conversationSlug": slug }),
    )
    .await;

    let v = identified_session(&s, "ada@example.com").await;
    assert_eq!(
        v["notifications"],
        json!([
            { "id": second, "text": "Sam replied", "conversationSlug": slug },
            { "id": first, "text": "You have a new message", "conversationSlug": slug },
        ]),
        "newest first, Helper's default text, no status field"
    );
    // Sent ones are listed again until the visitor acts on them.
    let token = v["token"].as_str().unwrap().to_string();
    assert_eq!(
        identified_session(&s, "ada@example.com").await["notifications"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    let path = format!("/api/widget/notification/{second}");
    let r = s
        .send("PATCH", &path, Some(&token), Some(r#"{"status":"read"}"#))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({ "success": true }));
    assert!(r.has_cors());
    assert_eq!(
        r.header("access-control-allow-methods"),
        Some("PATCH, OPTIONS")
    );
    let r = s
        .send(
            "PATCH",
            &format!("/api/widget/notification/{first}"),
            Some(&token),
            Some(r#"{"status":"dismissed"}"#),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        identified_session(&s, "ada@example.com").await["notifications"],
        json!([])
    );
    assert!(
        s.session_with(json!({}))
            .await
            .json()
            .get("notifications")
            .is_none(),
        "anonymous sessions have none"
    );
}

#[tokio::test]
async fn notification_updates_fail_as_helpers_do() {
    let s = default_server().await;
    let anon = s.anonymous().await;
    let slug = s.conversation(&anon, false).await;
    let id = s
        .dev(
            "/__dev/notify",
            json!({ "email": "ada@example.com", "conversationSlug": slug }),
        )
        .await["id"]
        .clone();
    let path = format!("/api/widget/notification/{id}");
    let read = Some(r#"{"status":"read"}"#);

    s.send("PATCH", &path, Some(&anon), read)
        .await
        .assert_error(401, "Not authorized - Anonymous session");
    s.send("PATCH", &path, None, read)
        .await
        .assert_error(401, "Missing authorization header");
    let bob = identified_session(&s, "bob@example.com").await["token"]
        .as_str()
        .unwrap()
        .to_string();
    s.send("PATCH", &path, Some(&bob), read)
        .await
        .assert_error(403, "Unauthorized");
    let ada = identified_session(&s, "ada@example.com").await["token"]
        .as_str()
        .unwrap()
        .to_string();
    s.send("PATCH", "/api/widget/notification/999", Some(&ada), read)
        .await
        .assert_error(404, "Notification not found");
    s.send("PATCH", "/api/widget/notification/abc", Some(&ada), read)
        .await
        .assert_error(404, "Notification not found");
    // Zod's parse throws: a bare 500.
    let r = s
        .send("PATCH", &path, Some(&ada), Some(r#"{"status":"gone"}"#))
        .await;
    assert_eq!(r.status, 500);
    let preflight = s.send("OPTIONS", &path, None, None).await;
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("PATCH, OPTIONS")
    );

    // The dev route checks what it is given.
    assert_eq!(
        s.post(
            "/__dev/notify",
            None,
            json!({ "email": "ada@example.com", "conversationSlug": "nope" })
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn a_session_lists_ten_notifications_at_most() {
    let s = default_server().await;
    let anon = s.anonymous().await;
    let slug = s.conversation(&anon, false).await;
    for i in 0..12 {
        s.dev(
            "/__dev/notify",
            json!({ "email": "ada@example.com", "text": format!("n{i}"), "conversationSlug": slug }),
        )
        .await;
    }
    let v = identified_session(&s, "ada@example.com").await;
    let texts: Vec<&str> = v["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 10);
    assert_eq!(texts[0], "n11");
    assert_eq!(texts[9], "n2");
}

/// As Helper's auto-response job does for a known customer: the contact form is answered by AI
/// and the customer's next session lists a notification for it.
#[tokio::test]
async fn a_contact_form_is_answered_and_notified_to_that_customer() {
    let s = default_server().await;
    let anon = s.anonymous().await;
    let r = s
        .post(
            "/api/chat/contact",
            Some(&anon),
            json!({ "email": "ada@example.com", "message": "How do I get a refund?" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let slug = r.json()["conversationSlug"].as_str().unwrap().to_owned();
    let v = identified_session(&s, "ada@example.com").await;
    let notifications = v["notifications"].as_array().cloned().unwrap_or_default();
    assert_eq!(notifications.len(), 1, "{v}");
    assert_eq!(notifications[0]["conversationSlug"], json!(slug));
    assert_eq!(
        notifications[0]["text"],
        "You have a new reply for Contact Form Submission"
    );
    // The answer is in the conversation the notification opens.
    let token = v["token"].as_str().unwrap();
    let r = s
        .get(
            &format!("/api/chat/conversation/{slug}?markRead=false"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let roles: Vec<Value> = r.json()["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].clone())
        .collect();
    assert_eq!(roles, [json!("user"), json!("assistant")]);
}
