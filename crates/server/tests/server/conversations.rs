use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn create_conversation_validates_like_zod() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let r = s.post("/api/chat/conversation", Some(&t), json!({})).await;
    assert_eq!(r.status, 200);
    assert!(r.has_cors());
    assert_eq!(
        r.json()["conversationSlug"].as_str().map(str::len),
        Some(32)
    );
    let r = s
        .post(
            "/api/chat/conversation",
            Some(&t),
            json!({ "isPrompt": "yes" }),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("isPrompt"));
    assert!(r.has_cors());
    let r = s
        .post("/api/chat/conversation", Some(&t), json!({ "subject": 5 }))
        .await;
    assert_eq!(r.status, 400);
    // An empty body throws in Helper: 500.
    let r = s
        .send("POST", "/api/chat/conversation", Some(&t), Some(""))
        .await;
    assert_eq!(r.status, 500);

    let slug = s
        .post(
            "/api/chat/conversation",
            Some(&t),
            json!({ "subject": "Billing", "isPrompt": null }),
        )
        .await
        .json();
    let slug = slug["conversationSlug"].as_str().unwrap();
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    assert_eq!(
        c,
        json!({ "slug": slug, "subject": "Billing", "isEscalated": false, "messages": [], "experimental_guideSessions": [] })
    );
}

#[tokio::test]
async fn conversation_details_history_and_unread_counts() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    assert_eq!(
        s.get("/api/chat/conversations/unread", Some(&t))
            .await
            .json(),
        json!({ "count": 0 })
    );
    s.chat(&t, &slug, "How do I change my plan?", "").await;
    assert_eq!(
        s.get("/api/chat/conversations/unread", Some(&t))
            .await
            .json()["count"],
        1
    );

    let path = format!("/api/chat/conversation/{slug}");
    let c = s
        .get(&format!("{path}?markRead=false"), Some(&t))
        .await
        .json();
    assert_eq!(c["subject"], "How do I change my plan?");
    let messages = c["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["role"], "user");
    assert_eq!(messages[0]["content"], "How do I change my plan?");
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(messages[1]["content"], answer("How do I change my plan?"));
    for m in messages {
        assert!(m["id"].as_str().unwrap().parse::<u64>().is_ok());
        for key in [
            "staffName",
            "reactionType",
            "reactionFeedback",
            "reactionCreatedAt",
        ] {
            assert_eq!(m[key], Value::Null, "{key}");
        }
        assert!(m["createdAt"].as_str().unwrap().ends_with('Z'));
        assert_eq!(m["publicAttachments"], json!([]));
        assert_eq!(m["privateAttachments"], json!([]));
    }
    assert_eq!(
        s.get("/api/chat/conversations/unread", Some(&t))
            .await
            .json()["count"],
        1,
        "markRead=false leaves it unread"
    );
    s.get(&path, Some(&t)).await;
    assert_eq!(
        s.get("/api/chat/conversations/unread", Some(&t))
            .await
            .json()["count"],
        0
    );

    // A staff reply makes it unread again; PATCH markRead clears it.
    s.dev(
        "/__dev/staff-reply",
        json!({ "conversationSlug": slug, "content": "Hi, Sam here.", "staffName": "Sam" }),
    )
    .await;
    assert_eq!(
        s.get("/api/chat/conversations/unread", Some(&t))
            .await
            .json()["count"],
        1
    );
    let r = s
        .send("PATCH", &path, Some(&t), Some(r#"{"markRead":true}"#))
        .await;
    assert_eq!((r.status, r.json()), (200, json!({ "success": true })));
    assert!(r.has_cors());
    assert_eq!(
        s.get("/api/chat/conversations/unread", Some(&t))
            .await
            .json()["count"],
        0
    );
    let c = s.get(&path, Some(&t)).await.json();
    assert_eq!(c["messages"][2]["role"], "staff");
    assert_eq!(c["messages"][2]["staffName"], "Sam");

    s.send("PATCH", &path, Some(&t), Some(r#"{"markRead":false}"#))
        .await
        .assert_error(400, "markRead parameter is required");
    s.send("PATCH", &path, Some(&t), Some("{}"))
        .await
        .assert_error(400, "markRead parameter is required");
    let r = s
        .send(
            "PATCH",
            "/api/chat/conversation/nope",
            Some(&t),
            Some(r#"{"markRead":true}"#),
        )
        .await;
    r.assert_error(404, "Conversation not found");
    assert!(r.has_cors());
    s.get("/api/chat/conversation/nope", Some(&t))
        .await
        .assert_error(404, "Conversation not found");
    // Another visitor's conversation is not found either.
    let other = s.anonymous().await;
    s.get(&path, Some(&other))
        .await
        .assert_error(404, "Conversation not found");
}

#[tokio::test]
async fn conversation_list_paginates_with_a_cursor_and_validates() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let mut slugs = Vec::new();
    for q in ["refund please", "reset my password", "api key"] {
        let slug = s.conversation(&t, false).await;
        s.chat(&t, &slug, q, "").await;
        slugs.push(slug);
    }
    let _empty = s.conversation(&t, false).await; // newest, no messages

    let page = s.get("/api/chat/conversations?limit=2", Some(&t)).await;
    assert!(page.has_cors());
    let page = page.json();
    // The empty conversation is dropped after pagination, so this page holds one.
    assert_eq!(page["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(page["nextCursor"], "2");
    let first = &page["conversations"][0];
    assert_eq!(first["slug"], slugs[2].as_str());
    assert_eq!(
        first["latestMessage"], "api key",
        "AI text is not the latest message"
    );
    assert_eq!(first["messageCount"], 2);
    assert_eq!(first["isEscalated"], false);
    assert_eq!(first["isUnread"], true);
    assert!(first["createdAt"].is_string() && first["latestMessageAt"].is_string());

    let page = s
        .get("/api/chat/conversations?limit=2&cursor=2", Some(&t))
        .await
        .json();
    let rest: Vec<&str> = page["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(rest, [slugs[1].as_str(), slugs[0].as_str()]);
    assert_eq!(page["nextCursor"], Value::Null);
    let all = s.get("/api/chat/conversations", Some(&t)).await.json();
    assert_eq!(all["conversations"].as_array().unwrap().len(), 3);
    let found = s
        .get("/api/chat/conversations?search=password", Some(&t))
        .await
        .json();
    assert_eq!(found["conversations"][0]["slug"], slugs[1].as_str());

    for q in [
        "limit=0",
        "limit=101",
        "limit=abc",
        "isPrompt=true",
        "status=bogus",
    ] {
        let r = s
            .get(&format!("/api/chat/conversations?{q}"), Some(&t))
            .await;
        r.assert_error(400, "Invalid search parameters");
        assert!(
            r.json()["details"]
                .as_array()
                .is_some_and(|d| !d.is_empty()),
            "{q}"
        );
    }
}

#[tokio::test]
async fn reactions_set_toggle_and_add_feedback() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let (slug, path) = s.answered_conversation(&t).await;

    let r = s
        .post(&path, Some(&t), json!({ "type": "thumbs-up" }))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.has_cors());
    assert_eq!(r.json()["reaction"]["reactionType"], "thumbs-up");
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    assert_eq!(c["messages"][1]["reactionType"], "thumbs-up");
    assert!(c["messages"][1]["reactionCreatedAt"].is_string());

    let r = s
        .post(&path, Some(&t), json!({ "type": "thumbs-up" }))
        .await;
    assert_eq!(
        r.json(),
        json!({ "reaction": null }),
        "same type again clears it"
    );

    let r = s
        .post(&path, Some(&t), json!({ "type": "thumbs-down" }))
        .await;
    assert_eq!(r.json()["reaction"]["reactionFeedback"], Value::Null);
    let r = s
        .post(
            &path,
            Some(&t),
            json!({ "type": "thumbs-down", "feedback": "Too vague" }),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["reaction"]["reactionFeedback"], "Too vague");
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    assert_eq!(c["messages"][1]["reactionType"], "thumbs-down");
    assert_eq!(c["messages"][1]["reactionFeedback"], "Too vague");

    s.post(
        &format!("/api/chat/conversation/{slug}/message/abc"),
        Some(&t),
        json!({ "type": "thumbs-up" }),
    )
    .await
    .assert_error(400, "Invalid message ID");
    s.send("POST", &path, Some(&t), Some("{nope"))
        .await
        .assert_error(400, "Invalid JSON body");
    s.post(&path, Some(&t), json!({ "type": "meh" }))
        .await
        .assert_error(400, "Invalid reaction");
    s.post(
        &format!("/api/chat/conversation/{slug}/message/1"),
        Some(&t),
        json!({ "type": "thumbs-up" }),
    )
    .await
    .assert_error(404, "Message not found");
}

#[tokio::test]
async fn headless_message_route_stores_the_message_and_an_answer() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let path = format!("/api/chat/conversation/{slug}/message");
    let r = s
        .post(
            &path,
            Some(&t),
            json!({ "content": "Where is my invoice?" }),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.has_cors());
    let v = r.json();
    assert!(v["messageId"].is_u64());
    assert_eq!(v["conversationSlug"], slug.as_str());
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    assert_eq!(c["messages"][0]["id"], v["messageId"].to_string());
    assert_eq!(c["messages"][1]["content"], answer("Where is my invoice?"));

    s.post(&path, Some(&t), json!({ "content": "" }))
        .await
        .assert_error(400, "Content is required");
    s.post(&path, Some(&t), json!({}))
        .await
        .assert_error(400, "Content is required");
    s.post(
        "/api/chat/conversation/nope/message",
        Some(&t),
        json!({ "content": "hi" }),
    )
    .await
    .assert_error(404, "Conversation not found");
    let r = s.post(&path, Some(&t), json!({ "content": "x", "attachments": [{ "name": "a.txt", "url": "data:text/plain;base64,AA" }] })).await;
    r.assert_error(400, "a.txt: Invalid data URL format");
}

#[tokio::test]
async fn contact_form_creates_an_open_conversation_for_that_email() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let r = s
        .post(
            "/api/chat/contact",
            Some(&t),
            json!({ "email": "ada@example.com", "message": "Please call me" }),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.has_cors());
    let slug = r.json()["conversationSlug"].as_str().unwrap().to_string();
    assert_eq!(r.json()["success"], true);
    // It belongs to that email: the identified visitor sees it.
    let ada = s
        .session_with(s.identified("ada@example.com", now_ms()))
        .await
        .json();
    let ada = ada["token"].as_str().unwrap();
    let list = s.get("/api/chat/conversations", Some(ada)).await.json();
    assert_eq!(list["conversations"][0]["slug"], slug.as_str());
    assert_eq!(
        list["conversations"][0]["subject"],
        "Contact Form Submission"
    );

    for body in [
        json!({ "email": "nope", "message": "x" }),
        json!({ "email": "a@b.co", "message": "" }),
        json!({}),
    ] {
        let r = s.post("/api/chat/contact", Some(&t), body).await;
        r.assert_error(400, "Invalid request parameters");
        assert!(r.has_cors());
    }
}

#[tokio::test]
async fn message_events_are_accepted_without_cors_as_in_helper() {
    let s = gap_server().await;
    let t = s.anonymous().await;
    let (slug, reaction_path) = s.answered_conversation(&t).await;
    let path = format!("{reaction_path}/event");
    let event = json!({ "type": "reasoning_toggled", "changes": { "isVisible": true } });
    let r = s.post(&path, Some(&t), event.clone()).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({ "success": true }));
    assert!(!r.has_cors(), "Helper's event route sets no CORS headers");
    assert_eq!(s.send("OPTIONS", &path, None, None).await.status, 405);

    let bad = s.post(&path, Some(&t), json!({ "type": "clicked" })).await;
    bad.assert_error(400, "Invalid event payload");
    let r = s
        .post(
            &format!("/api/chat/conversation/{slug}/message/x/event"),
            Some(&t),
            event.clone(),
        )
        .await;
    r.assert_error(400, "Invalid message ID");
    let r = s
        .post(
            &format!("/api/chat/conversation/{slug}/message/1/event"),
            Some(&t),
            event,
        )
        .await;
    assert_eq!(r.status, 500, "Helper's lookup throws");
}

#[tokio::test]
async fn a_staff_reply_can_carry_public_attachments() {
    let s = default_server().await;
    let t = s.anonymous().await;
    let slug = s.conversation(&t, false).await;
    let files = json!([
        { "name": "invoice.pdf", "contentType": "application/pdf", "url": "https://files.test/invoice.pdf?sig=1" },
        { "name": null, "contentType": null, "url": "javascript:alert(1)" }
    ]);
    s.dev(
        "/__dev/staff-reply",
        json!({ "conversationSlug": slug, "content": "Here it is.", "attachments": files }),
    )
    .await;
    let c = s
        .get(&format!("/api/chat/conversation/{slug}"), Some(&t))
        .await
        .json();
    // Stored as given: the widget, not the dashboard, decides which URLs it follows.
    assert_eq!(c["messages"][0]["publicAttachments"], files);
}
