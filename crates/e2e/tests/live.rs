//! The human side of a conversation in real Chromium, over a real websocket to the local
//! server's Supabase-Realtime endpoint (or its polling fallback): staff replies and typing,
//! every message once, reconnection, reactions, "Talk to a human", message times
//! (embed-contract §9). Host page, widget assets and API on three loopback origins.

use helper_widget_e2e::{Browser, Site, CONSOLE_CAPTURE};
use serde_json::{json, Value};
use std::time::Duration;

/// The conversation slug the widget has open, and a way to read the transcript.
const HELPERS: &str = r#"<script>
window.__root = function () { var h = document.getElementById('helper-widget-root'); return h && h.shadowRoot; };
window.__slug = function () {
  try { return JSON.parse(localStorage.getItem('helper_widget_rs_conversation')).slug; } catch (e) { return null; }
};
window.__msgs = function () {
  var r = __root(); if (!r) return [];
  return Array.from(r.querySelectorAll('[data-testid=message]')).map(function (m) {
    var c = m.querySelector('[data-testid=message-content]');
    var s = m.querySelector('[data-testid=staff-name]');
    return { role: m.dataset.messageRole, text: c ? c.textContent : null, staff: s ? s.textContent : null };
  });
};
window.__events = [];
(function watch() {
  if (!window.HelperWidget) return setTimeout(watch, 5);
  HelperWidget.on('message', function (d) { __events.push(d); });
})();
</script>"#;

fn page() -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset=utf-8>{CONSOLE_CAPTURE}{HELPERS}
        <script>window.helperWidgetConfig = {{ host: "{{API}}", title: "Acme support" }};</script>
        <script src="{{SDK}}" async></script></head><body><h1>Host</h1></body></html>"#
    )
}

async fn messages(b: &Browser) -> Vec<Value> {
    match b.js("return __msgs()", vec![]).await {
        Value::Array(v) => v,
        other => panic!("messages: {other}"),
    }
}

async fn slug(b: &Browser) -> String {
    b.wait_js("__slug()").await;
    b.js("return __slug()", vec![])
        .await
        .as_str()
        .expect("a slug")
        .to_owned()
}

/// Opens the page, asks a first question and waits for the answer.
async fn first_answer(site: &Site, b: &Browser, path: &str) -> String {
    let url = site.page(path, &page());
    b.open_with_widget(&url).await;
    b.in_shadow("root.querySelector('[data-testid=launcher]').click()")
        .await;
    b.wait_panel(true).await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    slug(b).await
}

async fn realtime_connections(site: &Site) -> u64 {
    let (_, body) = site.api_get("/__dev/health").await;
    serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| v.get("realtimeConnections").and_then(Value::as_u64))
        .unwrap_or(0)
}

async fn staff_reply(site: &Site, slug: &str, text: &str) {
    site.dev(
        "/__dev/staff-reply",
        json!({ "conversationSlug": slug, "content": text, "staffName": "Dana" }),
    )
    .await;
}

/// Waits until the transcript shows a staff message with `text`.
async fn wait_staff_message(b: &Browser, text: &str) {
    let text = serde_json::to_string(text).unwrap_or_default();
    b.wait_js(&format!(
        "__msgs().some(m => m.staff === 'Dana' && m.text.includes({text}) && m.role === 'assistant')"
    ))
    .await;
}

#[tokio::test]
async fn a_staff_reply_arrives_live_once_with_the_agents_name_and_the_ai_reply_is_not_repeated() {
    let site = Site::start().await;
    let b = Browser::start().await;
    let slug = first_answer(&site, &b, "/live").await;
    // The AI reply is also broadcast as agent-reply (Helper does that); it must not appear twice.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while realtime_connections(&site).await == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no realtime socket");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(messages(&b).await.len(), 2, "{:?}", messages(&b).await);

    site.dev("/__dev/staff-typing", json!({ "conversationSlug": slug }))
        .await;
    b.wait_shadow("[data-testid=typing-indicator]").await;
    staff_reply(&site, &slug, "Hi, Dana here. Refund issued!").await;
    wait_staff_message(&b, "Refund issued").await;
    // The reply ends the typing, and a human now has the conversation.
    b.wait_js("!__root().querySelector('[data-testid=typing-indicator]')")
        .await;
    b.wait_shadow("[data-testid=escalated-banner]").await;
    let msgs = messages(&b).await;
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    // Its server time is shown.
    let times = b
        .in_shadow("root.querySelectorAll('[data-testid=message] time[data-testid=message-time][datetime]').length")
        .await;
    assert_eq!(times, json!(3));
    // Pages hear it like any other finished message.
    b.wait_js("__events.some(e => e.role === 'assistant' && e.content.includes('Refund issued'))")
        .await;

    // After a reload it is there once, from the server's copy.
    b.client.refresh().await.expect("reload");
    b.wait_js("__root() && __msgs().length === 3").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let msgs = messages(&b).await;
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert_eq!(msgs[2]["staff"], "Dana");
    b.close().await;
}

#[tokio::test]
async fn the_socket_comes_back_after_the_server_drops_it_and_nothing_said_meanwhile_is_lost() {
    let site = Site::start().await;
    let b = Browser::start().await;
    let slug = first_answer(&site, &b, "/reconnect").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while realtime_connections(&site).await == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no realtime socket");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Drop the socket and refuse new ones for a moment; a reply is sent while nobody listens.
    site.dev("/__dev/realtime-drop", json!({ "refuseMs": 1500 }))
        .await;
    staff_reply(&site, &slug, "Sent while you were away").await;
    // Reconnected (1 s, then 2 s back-off) and caught up.
    wait_staff_message(&b, "Sent while you were away").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while realtime_connections(&site).await == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the socket did not come back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Listening again: a reply now arrives over the socket.
    tokio::time::sleep(Duration::from_millis(300)).await;
    staff_reply(&site, &slug, "And one more thing").await;
    wait_staff_message(&b, "And one more thing").await;
    let msgs = messages(&b).await;
    assert_eq!(msgs.len(), 4, "every message once: {msgs:?}");
    b.close().await;
}

#[tokio::test]
async fn without_realtime_the_widget_polls_the_conversation() {
    let site = Site::start_with(helper_dev_server::Options {
        realtime: false,
        ..Default::default()
    })
    .await;
    let b = Browser::start().await;
    let slug = first_answer(&site, &b, "/poll").await;
    staff_reply(&site, &slug, "Found by polling").await;
    // The first poll comes 5 s after the conversation is shown.
    wait_staff_message(&b, "Found by polling").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let msgs = messages(&b).await;
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert_eq!(realtime_connections(&site).await, 0);
    b.close().await;
}

#[tokio::test]
async fn reactions_are_saved_shown_pressed_and_survive_a_reload() {
    let site = Site::start().await;
    let b = Browser::start().await;
    let slug = first_answer(&site, &b, "/react").await;
    let up = b.wait_shadow("[data-testid=reaction-up]").await;
    assert_eq!(
        up.attr("aria-pressed").await.ok().flatten().as_deref(),
        Some("false")
    );
    up.click().await.expect("thumbs up");
    b.wait_js("__root().querySelector('[data-testid=reaction-up]').getAttribute('aria-pressed') === 'true'")
        .await;
    // Thumbs down instead, with feedback.
    b.in_shadow("root.querySelector('[data-testid=reaction-down]').click()")
        .await;
    let feedback = b
        .wait_shadow("form:not([hidden]) textarea[aria-label='Feedback']")
        .await;
    feedback
        .send_keys("The refund page is gone")
        .await
        .expect("type");
    b.in_shadow("root.querySelector('button[aria-label=\"Send feedback\"]').click()")
        .await;
    b.wait_js("!__root().querySelector('form:not([hidden]) textarea[aria-label=Feedback]')")
        .await;
    b.wait_js(
        "__root().querySelector('.hw-reactions [role=status]').textContent.includes('Thanks')",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The server has the thumbs-down and its feedback (Helper's second thumbs-down adds it).
    let token = b
        .js(
            "return localStorage.getItem('helper_widget_anonymous_session_token')",
            vec![],
        )
        .await;
    let (status, conversation) = site
        .api_call(
            "GET",
            &format!("/api/chat/conversation/{slug}?markRead=false"),
            None,
            token.as_str(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(conversation["messages"][1]["reactionType"], "thumbs-down");
    assert_eq!(
        conversation["messages"][1]["reactionFeedback"],
        "The refund page is gone"
    );

    b.client.refresh().await.expect("reload");
    b.wait_js("__root() && __msgs().length === 2").await;
    let down = b.wait_shadow("[data-testid=reaction-down]").await;
    assert_eq!(
        down.attr("aria-pressed").await.ok().flatten().as_deref(),
        Some("true")
    );
    let up = b.wait_shadow("[data-testid=reaction-up]").await;
    assert_eq!(
        up.attr("aria-pressed").await.ok().flatten().as_deref(),
        Some("false")
    );
    b.close().await;
}

#[tokio::test]
async fn this_didnt_help_leads_to_a_human_and_the_buttons_go() {
    let site = Site::start().await;
    let b = Browser::start().await;
    first_answer(&site, &b, "/human").await;
    b.in_shadow(
        "Array.from(root.querySelectorAll('.hw-support button')).find(x => x.textContent.includes(\"didn't help\")).click()",
    )
    .await;
    let talk = b.wait_shadow("button[data-testid=talk-to-human]").await;
    talk.click().await.expect("talk to a human");
    b.wait_shadow("[data-testid=escalated-banner]").await;
    // Helper's message went out, and the AI handed over.
    b.wait_settled(4).await;
    let msgs = messages(&b).await;
    assert_eq!(msgs[2]["text"], "I need to talk to a human");
    assert!(b.shadow_find("[data-testid=talk-to-human]").await.is_none());
    assert!(b.shadow_find(".hw-support").await.is_none());
    b.close().await;
}

#[tokio::test]
async fn a_page_whose_policy_forbids_the_socket_still_gets_staff_replies_by_polling() {
    let site = Site::start().await;
    // connect-src names the API's http origin only: the ws:// socket is refused.
    let policy = format!(
        "default-src 'none'; script-src 'unsafe-inline' {assets} 'wasm-unsafe-eval'; \
         connect-src {assets} {api}; style-src 'self'",
        assets = site.assets,
        api = site.api
    );
    let html = page().replace(
        "<meta charset=utf-8>",
        &format!("<meta charset=utf-8><meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">"),
    );
    let url = site.page("/csp-poll", &html);
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.in_shadow("root.querySelector('[data-testid=launcher]').click()")
        .await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    let slug = slug(&b).await;
    staff_reply(&site, &slug, "Polling got this").await;
    wait_staff_message(&b, "Polling got this").await;
    assert_eq!(realtime_connections(&site).await, 0);
    assert_eq!(messages(&b).await.len(), 3);
    b.close().await;
}

#[tokio::test]
async fn a_reply_to_an_escalated_conversation_counts_on_the_launcher_while_closed() {
    let site = Site::start().await;
    let b = Browser::start().await;
    first_answer(&site, &b, "/unread").await;
    b.type_and_send("I need to talk to a human").await;
    b.wait_shadow("[data-testid=escalated-banner]").await;
    b.wait_settled(4).await;
    let slug = slug(&b).await;
    b.js("HelperWidget.hide()", vec![]).await;
    b.wait_panel(false).await;
    // Still listening while closed: the reply arrives and counts as unread at once.
    tokio::time::sleep(Duration::from_millis(300)).await;
    staff_reply(&site, &slug, "A person here").await;
    b.wait_js("__root().querySelector('[data-testid=unread-badge]') && __root().querySelector('[data-testid=unread-badge]').textContent.trim() === '1'")
        .await;
    // Opening shows it, and reading clears the count.
    b.js("HelperWidget.show()", vec![]).await;
    wait_staff_message(&b, "A person here").await;
    b.wait_js("!__root().querySelector('[data-testid=unread-badge]')")
        .await;
    b.close().await;
}
