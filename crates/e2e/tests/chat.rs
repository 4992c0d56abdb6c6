//! The chat in real Chromium against the local Helper-compatible server, with the host page,
//! the widget's assets and the API on three loopback origins (embed-contract §4–§7, issue 5).
//! Helper's own widget E2E scenarios (helper-api.md §5, cases 1–7) are marked `helper case N`.

use helper_dev_server::kb;
use helper_widget_e2e::{Browser, Site, CONSOLE_CAPTURE};
use serde_json::{json, Value};
use std::time::Duration;

/// Records every fetch the page makes (the widget's included) and every widget event.
const RECORDER: &str = r#"<script>
window.__requests = [];
var origFetch = window.fetch;
window.fetch = function (input, init) {
  var entry = { url: String(input && input.url || input), method: (init && init.method) || (input && input.method) || 'GET', body: null };
  window.__requests.push(entry);
  if (input && typeof input.clone === 'function') { input.clone().text().then(function (b) { entry.body = b; }); }
  else if (init && typeof init.body === 'string') { entry.body = init.body; }
  return origFetch.apply(this, arguments);
};
window.__events = [];
window.__root = function () { var h = document.getElementById('helper-widget-root'); return h && h.shadowRoot; };
window.__msgs = function () {
  var r = __root(); if (!r) return [];
  return Array.from(r.querySelectorAll('[data-testid=message]')).map(function (m) {
    var c = m.querySelector('[data-testid=message-content]');
    return { role: m.dataset.messageRole, busy: m.getAttribute('aria-busy'), text: c ? c.textContent : null };
  });
};
window.__calls = function (path) {
  return __requests.filter(function (r) { return new URL(r.url).pathname === path; });
};
(function watch() {
  if (!window.HelperWidget) return setTimeout(watch, 5);
  ['ready', 'open', 'close', 'message', 'conversation', 'escalated', 'error'].forEach(function (name) {
    HelperWidget.on(name, function (detail) { __events.push({ name: name, detail: detail === undefined ? null : detail }); });
  });
})();
</script>"#;

/// A host page with the recorder, `config` merged over `{host: API}`, and the script tag.
fn page(config: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset=utf-8>{CONSOLE_CAPTURE}{RECORDER}
        <script>window.helperWidgetConfig = Object.assign({{ host: "{{API}}", title: "Acme support" }}, {config});</script>
        <script src="{{SDK}}" async></script></head>
        <body><h1>Host</h1>{body}</body></html>"#
    )
}

const PROMPT_LINKS: &str = r##"<a id="plan" href="#" data-helper-prompt="How do I change my plan?">Change plan</a>
    <button id="human" data-helper-prompt="I need to talk to a human">Human</button>"##;

async fn messages(b: &Browser) -> Vec<Value> {
    match b.js("return __msgs()", vec![]).await {
        Value::Array(v) => v,
        other => panic!("messages: {other}"),
    }
}

/// The plain text a reply's markdown renders to, for comparison with `textContent`.
fn rendered_text(markdown: &str) -> String {
    fn text(nodes: &[helper_widget_core::markdown::Node], out: &mut String) {
        for n in nodes {
            match n {
                helper_widget_core::markdown::Node::Text(t) => out.push_str(t),
                helper_widget_core::markdown::Node::Element(e) => text(&e.children, out),
            }
        }
    }
    let mut out = String::new();
    text(&helper_widget_core::markdown::render(markdown), &mut out);
    out
}

#[tokio::test]
async fn prompt_link_opens_a_new_prompt_conversation_and_streams_a_sourced_answer() {
    let site = Site::start().await;
    let url = site.page("/prompt", &page("{}", PROMPT_LINKS));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.click("#plan").await;
    b.wait_panel(true).await;
    b.wait_settled(2).await;

    let msgs = messages(&b).await;
    assert_eq!(msgs[0]["role"], "user");
    assert_eq!(msgs[0]["text"], "How do I change my plan?");
    assert_eq!(msgs[1]["role"], "assistant");
    let answer = kb::lookup("How do I change my plan?").answer;
    assert_eq!(msgs[1]["text"], json!(rendered_text(answer)));

    // Links open in a new tab, safely; sources are listed outside the content.
    let links = b
        .in_shadow(
            "(() => { const m = root.querySelectorAll('[data-testid=message]')[1];
               const a = Array.from(m.querySelectorAll('[data-testid=message-content] a'));
               const s = Array.from(m.querySelectorAll('[data-testid=sources] a'));
               return { content: a.map(x => [x.target, x.rel, x.protocol]), sources: s.map(x => x.href) }; })()",
        )
        .await;
    assert!(!links["content"].as_array().unwrap().is_empty(), "{links}");
    for l in links["content"].as_array().unwrap() {
        assert_eq!(l[0], "_blank");
        assert_eq!(l[1], "noopener noreferrer");
    }
    assert!(!links["sources"].as_array().unwrap().is_empty(), "{links}");

    // The conversation was created with isPrompt, every call went to the API origin.
    b.wait_js("__calls('/api/chat').length === 1 && __calls('/api/chat')[0].body !== null")
        .await;
    let created = b
        .js("return __calls('/api/chat/conversation')", vec![])
        .await;
    assert_eq!(created.as_array().unwrap().len(), 1);
    assert_eq!(
        serde_json::from_str::<Value>(created[0]["body"].as_str().unwrap()).unwrap(),
        json!({ "isPrompt": true })
    );
    let origins = b
        .js(
            "return __requests.map(r => new URL(r.url)).filter(u => u.pathname.startsWith('/api/')).map(u => u.origin)",
            vec![],
        )
        .await;
    assert!(origins.as_array().unwrap().len() >= 3, "{origins}");
    for o in origins.as_array().unwrap() {
        assert_eq!(o, &json!(site.api), "API calls go to the configured host");
    }
    let chat = b
        .js("return JSON.parse(__calls('/api/chat')[0].body)", vec![])
        .await;
    assert_eq!(chat["message"]["role"], "user");
    assert_eq!(chat["message"]["content"], "How do I change my plan?");
    assert!(chat["message"]["id"]
        .as_str()
        .unwrap()
        .starts_with("client_"));

    // Events: the conversation, and the two finished messages, the reply with Helper's saved id.
    let conversation = b
        .js(
            "return __events.filter(e => e.name === 'conversation')",
            vec![],
        )
        .await;
    assert_eq!(conversation.as_array().unwrap().len(), 1, "{conversation}");
    assert_eq!(
        conversation[0]["detail"]["conversationSlug"],
        chat["conversationSlug"]
    );
    let events = b
        .js("return __events.filter(e => e.name === 'message')", vec![])
        .await;
    assert_eq!(events[0]["detail"]["role"], "user");
    assert_eq!(events[0]["detail"]["id"], chat["message"]["id"]);
    assert_eq!(events[1]["detail"]["role"], "assistant");
    assert_eq!(events[1]["detail"]["content"], answer);
    assert!(
        events[1]["detail"]["id"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_digit()),
        "{events}"
    );
    assert_eq!(b.console().await, "");
    b.close().await;
}

/// Helper cases 1, 4 and 7: send, follow up in the same conversation, order kept.
#[tokio::test]
async fn typed_messages_create_one_conversation_lazily_and_keep_order() {
    let site = Site::start().await;
    let url = site.page("/typed", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    // Opening makes no conversation: it is created with the first message.
    assert_eq!(
        b.js("return __calls('/api/chat/conversation').length", vec![])
            .await,
        0
    );

    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    // Shift+Enter adds a line instead of sending.
    let composer = b.wait_shadow("textarea[aria-label='Ask a question']").await;
    composer.send_keys("What about").await.unwrap();
    composer
        .send_keys("\u{E008}\u{E007}\u{E008}")
        .await
        .unwrap();
    composer.send_keys("annual plans?").await.unwrap();
    assert_eq!(
        composer.prop("value").await.unwrap().as_deref(),
        Some("What about\nannual plans?")
    );
    assert_eq!(b.js("return __calls('/api/chat').length", vec![]).await, 1);
    b.wait_shadow("button[aria-label='Send message']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_settled(4).await;

    let roles: Vec<Value> = messages(&b)
        .await
        .iter()
        .map(|m| m["role"].clone())
        .collect();
    assert_eq!(roles, vec!["user", "assistant", "user", "assistant"]);
    assert_eq!(messages(&b).await[2]["text"], "What about\nannual plans?");
    let created = b
        .js("return __calls('/api/chat/conversation')", vec![])
        .await;
    assert_eq!(created.as_array().unwrap().len(), 1, "one conversation");
    assert_eq!(
        serde_json::from_str::<Value>(created[0]["body"].as_str().unwrap()).unwrap(),
        json!({ "isPrompt": false })
    );
    let slugs = b
        .js(
            "return __calls('/api/chat').map(r => JSON.parse(r.body).conversationSlug)",
            vec![],
        )
        .await;
    assert_eq!(slugs[0], slugs[1]);
    assert_eq!(composer.prop("value").await.unwrap().as_deref(), Some(""));
    b.close().await;
}

/// Helper case 5.
#[tokio::test]
async fn an_empty_message_is_never_sent() {
    let site = Site::start().await;
    let url = site.page("/empty", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    let send = b.wait_shadow("button[aria-label='Send message']").await;
    assert!(
        !send.is_enabled().await.unwrap(),
        "send is disabled while empty"
    );
    let composer = b.wait_shadow("textarea[aria-label='Ask a question']").await;
    composer.send_keys("   ").await.unwrap();
    composer.send_keys("\u{E007}").await.unwrap();
    b.in_shadow("root.querySelector('form').requestSubmit()")
        .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(b.js("return __calls('/api/chat').length", vec![]).await, 0);
    assert_eq!(messages(&b).await.len(), 0);
    b.close().await;
}

/// Helper case 3, plus `aria-busy` and the Stop button while streaming.
#[tokio::test]
async fn loading_state_and_streaming_state_are_visible_until_the_reply_completes() {
    let site = Site::start().await;
    site.dev("/__dev/settings", json!({ "paceMs": 300 })).await;
    site.dev(
        "/__dev/reply",
        json!({ "text": "A short answer, paced slowly so each state can be seen." }),
    )
    .await;
    let url = site.page("/loading", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I get a refund?").await;

    let spinner = b.wait_shadow("[data-testid=loading-spinner]").await;
    assert_eq!(
        spinner.attr("role").await.unwrap().as_deref(),
        Some("status")
    );
    let send = b.wait_shadow("button[aria-label='Send message']").await;
    assert!(!send.is_enabled().await.unwrap());
    b.wait_shadow("button[aria-label='Stop']").await;
    // The reply streams in: busy, with text growing, and the spinner gone once text shows.
    b.wait_js("(() => { const m = __msgs(); return m.length === 2 && m[1].busy === 'true' && m[1].text.length > 0; })()")
        .await;
    assert!(b
        .shadow_find("[data-testid=loading-spinner]")
        .await
        .is_none());
    b.wait_settled(2).await;
    assert!(b.shadow_find("button[aria-label='Stop']").await.is_none());
    b.close().await;
}

#[tokio::test]
async fn stop_aborts_the_request_and_keeps_the_partial_text() {
    let site = Site::start().await;
    site.dev("/__dev/settings", json!({ "paceMs": 120 })).await;
    let url = site.page("/stop", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I use the API?").await;
    b.wait_js("(() => { const m = __msgs(); return m.length === 2 && m[1].text.length > 10; })()")
        .await;
    b.wait_shadow("button[aria-label='Stop']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_settled(2).await;
    let partial = messages(&b).await[1]["text"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        messages(&b).await[1]["text"],
        json!(partial),
        "nothing arrives after Stop"
    );
    let full = rendered_text(kb::lookup("How do I use the API?").answer);
    assert!(partial.len() < full.len() && full.starts_with(&partial[..partial.len().min(8)]));
    assert!(b.shadow_find("[data-testid=error-message]").await.is_none());
    // The visitor can carry on.
    site.dev("/__dev/settings", json!({ "paceMs": 0 })).await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(4).await;
    b.close().await;
}

#[tokio::test]
async fn the_conversation_survives_a_reload() {
    let site = Site::start().await;
    let url = site.page("/reload", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    let before = messages(&b).await;

    b.client.refresh().await.unwrap();
    b.wait_shadow("[data-testid=launcher]").await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_settled(2).await;
    assert_eq!(messages(&b).await, before);
    // One session request per page load, the stored token sent back the second time.
    let sessions = b
        .js(
            "return __calls('/api/widget/session').map(r => JSON.parse(r.body))",
            vec![],
        )
        .await;
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    assert!(sessions[0]["currentToken"].is_string(), "{sessions}");
    // Following up continues the same conversation.
    b.type_and_send("How do I use the API?").await;
    b.wait_settled(4).await;
    assert_eq!(
        b.js("return __calls('/api/chat/conversation').length", vec![])
            .await,
        0
    );
    b.close().await;
}

/// Each failure shows an alert with Retry; Retry leaves the user message once, then the reply.
#[tokio::test]
async fn every_failure_shows_an_alert_and_retry_recovers() {
    let site = Site::start().await;
    // Paced, so the text before a cut reaches the browser before the cut does (a reset
    // connection may discard data the page has not read yet).
    site.dev("/__dev/settings", json!({ "paceMs": 15 })).await;
    let url = site.page("/failures", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    let cases = [
        (
            json!({ "kind": "error-part", "after_tokens": 3 }),
            "Error generating AI response",
            true,
        ),
        (
            json!({ "kind": "http-error", "status": 503 }),
            "(503)",
            false,
        ),
        (
            json!({ "kind": "drop-after", "bytes": 700 }),
            "connection was lost",
            true,
        ),
        // No CORS headers: the browser reports it as a network error.
        (json!({ "kind": "server-error" }), "couldn't reach", false),
    ];
    let mut expected_messages = 0;
    for (i, (fault, text, keeps_partial)) in cases.into_iter().enumerate() {
        site.dev("/__dev/fault", fault.clone()).await;
        let question = format!("How do I get a refund? ({i})");
        b.type_and_send(&question).await;
        let alert = b.wait_shadow("[data-testid=error-message]").await;
        assert_eq!(alert.attr("role").await.unwrap().as_deref(), Some("alert"));
        let message = b.shadow_text("[data-testid=error-message]").await;
        assert!(message.contains(text), "{fault}: {message}");
        let msgs = messages(&b).await;
        let last = msgs.last().unwrap();
        if keeps_partial {
            assert_eq!(
                last["role"], "assistant",
                "{fault}: partial text kept: {msgs:?}"
            );
            assert!(!last["text"].as_str().unwrap().is_empty());
            assert_eq!(last["busy"], "false");
        } else {
            assert_eq!(last["role"], "user", "{fault}: {msgs:?}");
        }
        b.wait_js("__events.some(e => e.name === 'error')").await;

        b.wait_shadow("[data-testid=error-message] button")
            .await
            .click()
            .await
            .unwrap();
        expected_messages += 2;
        b.wait_settled(expected_messages).await;
        assert!(b.shadow_find("[data-testid=error-message]").await.is_none());
        let msgs = messages(&b).await;
        let n = msgs.len();
        assert_eq!(msgs[n - 2]["text"], json!(question), "{fault}");
        assert_eq!(
            msgs.iter().filter(|m| m["text"] == json!(question)).count(),
            1,
            "the user message shows once after Retry"
        );
        assert_eq!(
            msgs[n - 1]["text"],
            json!(rendered_text(kb::lookup(&question).answer))
        );
        b.js("__events.length = 0", vec![]).await;
    }
    b.close().await;
}

#[tokio::test]
async fn a_network_error_keeps_the_message_and_offers_retry() {
    let site = Site::start().await;
    // An API host where nothing listens.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = site.page(
        "/offline",
        &page(&format!("{{ host: 'http://127.0.0.1:{dead}' }}"), ""),
    );
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("Are you there?").await;
    b.wait_shadow("[data-testid=error-message]").await;
    assert!(b
        .shadow_text("[data-testid=error-message]")
        .await
        .contains("couldn't reach"));
    assert_eq!(
        messages(&b).await,
        vec![json!({ "role": "user", "busy": "false", "text": "Are you there?" })]
    );
    b.close().await;
}

#[tokio::test]
async fn an_expired_session_is_renewed_and_the_call_retried_unseen() {
    let site = Site::start().await;
    let url = site.page("/renew", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.wait_js("__calls('/api/widget/session').length === 1")
        .await;
    site.dev("/__dev/fault", json!({ "kind": "unauthorized" }))
        .await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    assert!(b.shadow_find("[data-testid=error-message]").await.is_none());
    assert_eq!(
        b.js("return __calls('/api/widget/session').length", vec![])
            .await,
        2
    );
    assert_eq!(b.js("return __calls('/api/chat').length", vec![]).await, 2);
    b.close().await;
}

/// A markdown reply in one-byte chunks renders exactly as when it arrives whole, in each format.
#[tokio::test]
async fn markdown_in_one_byte_chunks_renders_the_same_in_every_format() {
    const REPLY: &str = "Here is **what to do**:\n\n1. Open *Settings*\n2. Choose `Billing`\n   - then ~~Plans~~ **Change**\n\n| Plan | Seats | Price |\n|:-----|:-----:|------:|\n| Team | 10 | $50 |\n| Pro | 50 | $200 |\n\n```bash\ncurl -H 'Authorization: Bearer t' https://api.example.com/v1\n```\n\n> Note: changes apply at once — see [(1)](https://docs.example.com/plans) or https://example.com/help.\n\n- [x] done\n- [ ] todo\n";
    let site = Site::start().await;
    let url = site.page("/formats", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    let mut rendered = Vec::new();
    let mut n = 0;
    for format in ["v4", "v5", "seed"] {
        for chunking in ["byte", "whole"] {
            site.dev(
                "/__dev/settings",
                json!({ "format": format, "chunking": chunking }),
            )
            .await;
            site.dev("/__dev/reply", json!({ "text": REPLY })).await;
            b.type_and_send(&format!("format {format} {chunking}"))
                .await;
            n += 2;
            b.wait_settled(n).await;
            let html = b
                .in_shadow(&format!(
                    "root.querySelectorAll('[data-testid=message-content]')[{}].innerHTML",
                    n - 1
                ))
                .await;
            rendered.push((format, chunking, html.as_str().unwrap().to_owned()));
            // Sources arrive as `h:` (v4), `source-url` (v5) or a seed `source` line.
            let sources = b
                .in_shadow(&format!(
                    "Array.from(root.querySelectorAll('[data-testid=message]')[{}]
                       .querySelectorAll('[data-testid=sources] a')).map(a => a.href)",
                    n - 1
                ))
                .await;
            assert_eq!(
                sources,
                json!(["https://docs.example.com/plans"]),
                "{format}/{chunking}"
            );
        }
    }
    let (_, _, first) = &rendered[0];
    for (format, chunking, html) in &rendered {
        assert_eq!(html, first, "{format}/{chunking} differs");
    }
    let shape = b
        .in_shadow(&format!(
            "(() => {{ const c = root.querySelectorAll('[data-testid=message-content]')[{}];
               return {{ strong: c.querySelectorAll('strong').length, li: c.querySelectorAll('li').length,
                        th: c.querySelectorAll('table th').length, td: c.querySelectorAll('table td').length,
                        code: c.querySelector('pre code').textContent, del: c.querySelectorAll('del').length,
                        checkboxes: c.querySelectorAll('input[type=checkbox][disabled]').length,
                        links: Array.from(c.querySelectorAll('a')).map(a => a.href),
                        quote: c.querySelectorAll('blockquote').length }}; }})()",
            n - 1
        ))
        .await;
    assert_eq!(shape["th"], 3, "{shape}");
    assert_eq!(shape["td"], 6, "{shape}");
    assert_eq!(shape["li"], 5, "{shape}");
    assert_eq!(shape["del"], 1, "{shape}");
    assert_eq!(shape["checkboxes"], 2, "{shape}");
    assert_eq!(shape["quote"], 1, "{shape}");
    assert_eq!(
        shape["code"],
        "curl -H 'Authorization: Bearer t' https://api.example.com/v1\n"
    );
    assert_eq!(
        shape["links"],
        json!(["https://docs.example.com/plans", "https://example.com/help"])
    );
    b.close().await;
}

#[tokio::test]
async fn hostile_markdown_is_shown_as_text_and_never_runs() {
    const HOSTILE: &str = "<img src=x onerror=\"window.__pwned=1\">\n\n<script>window.__pwned=2</script>\n\nClick [me](javascript:window.__pwned=3) or [this](JAVA\tSCRIPT:alert(1)) or ![pixel](https://tracker.example.com/p.gif) <b onmouseover=\"window.__pwned=4\">bold?</b> [ok](https://example.com)";
    let site = Site::start().await;
    site.dev("/__dev/settings", json!({ "chunking": "byte" }))
        .await;
    site.dev("/__dev/reply", json!({ "text": HOSTILE })).await;
    let url = site.page("/hostile-md", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("Show me something").await;
    b.wait_settled(2).await;
    let facts = b
        .in_shadow(
            "(() => { const c = root.querySelectorAll('[data-testid=message-content]')[1];
               return { elements: Array.from(c.querySelectorAll('*')).map(e => e.tagName.toLowerCase()),
                        hrefs: Array.from(c.querySelectorAll('a')).map(a => a.getAttribute('href')),
                        attrs: Array.from(c.querySelectorAll('*')).flatMap(e => e.getAttributeNames()),
                        text: c.textContent, pwned: window.__pwned || null }; })()",
        )
        .await;
    let elements: Vec<&str> = facts["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for bad in ["img", "script", "b"] {
        assert!(!elements.contains(&bad), "{bad} element created: {facts}");
    }
    let hrefs = facts["hrefs"].as_array().unwrap();
    assert!(
        hrefs
            .iter()
            .all(|h| h.as_str().unwrap().starts_with("https://")),
        "{facts}"
    );
    for a in facts["attrs"].as_array().unwrap() {
        let a = a.as_str().unwrap();
        assert!(
            !a.starts_with("on") && a != "style" && a != "src",
            "{a}: {facts}"
        );
    }
    let text = facts["text"].as_str().unwrap();
    assert!(text.contains("<script>window.__pwned=2</script>"), "{text}");
    assert!(text.contains("<img src=x"), "{text}");
    assert_eq!(facts["pwned"], Value::Null);
    b.close().await;
}

#[tokio::test]
async fn prompt_links_added_to_the_page_later_work_too() {
    let site = Site::start().await;
    let url = site.page("/late", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js(
        "const a = document.createElement('a'); a.id = 'late'; a.href = '#';
         a.setAttribute('data-helper-prompt', 'How do I get a refund?'); a.textContent = 'Refunds';
         const span = document.createElement('span'); span.textContent = ' (details)'; a.appendChild(span);
         document.body.appendChild(a);",
        vec![],
    )
    .await;
    // A click on a child of the link counts as a click on the link.
    b.click("#late span").await;
    b.wait_panel(true).await;
    b.wait_settled(2).await;
    assert_eq!(messages(&b).await[0]["text"], "How do I get a refund?");
    assert_eq!(
        b.js("return location.hash", vec![]).await,
        "",
        "the link's own navigation is prevented"
    );
    b.close().await;
}

#[tokio::test]
async fn talk_to_a_human_escalates_and_fires_escalated() {
    let site = Site::start().await;
    let url = site.page("/human", &page("{}", PROMPT_LINKS));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.click("#human").await;
    b.wait_settled(2).await;
    assert_eq!(
        messages(&b).await[1]["text"],
        json!(rendered_text(kb::ESCALATION_TEXT))
    );
    b.wait_js("__events.some(e => e.name === 'escalated')")
        .await;
    let ev = b
        .js(
            "return __events.find(e => e.name === 'escalated').detail",
            vec![],
        )
        .await;
    let slug = b
        .js(
            "return JSON.parse(__calls('/api/chat')[0].body).conversationSlug",
            vec![],
        )
        .await;
    assert_eq!(ev["conversationSlug"], slug);
    b.close().await;
}

/// Helper case 2, and what the contract adds: a rejected HMAC is explained, `refreshAuth` renews.
#[tokio::test]
async fn identified_sessions_rejected_and_refreshed() {
    let site = Site::start().await;
    let (_, signed) = site.api_get("/__dev/hmac?email=ann%40example.com").await;
    let signed: Value = serde_json::from_str(&signed).unwrap();
    let good = format!(
        "{{ email: 'ann@example.com', emailHash: '{}', timestamp: {} }}",
        signed["emailHash"].as_str().unwrap(),
        signed["timestamp"]
    );
    let b = Browser::start().await;

    let url = site.page("/identified", &page(&good, ""));
    b.open_with_widget(&url).await;
    b.wait_js("__calls('/api/widget/session').length === 1")
        .await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    let body = b
        .js(
            "return JSON.parse(__calls('/api/widget/session')[0].body)",
            vec![],
        )
        .await;
    assert_eq!(body["email"], "ann@example.com");
    assert!(body["timestamp"].is_number());

    // A stale timestamp without refreshAuth: a clear message, not silence.
    let stale =
        "{ email: 'bob@example.com', emailHash: 'deadbeef', timestamp: Date.now() - 7200000 }";
    let url = site.page("/stale", &page(stale, ""));
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    b.wait_shadow(".hw-notice[role=alert]").await;
    let text = b.shadow_text(".hw-notice").await;
    assert!(
        text.contains("couldn't verify your account") && text.contains("reload"),
        "{text}"
    );

    // With refreshAuth the page supplies a fresh HMAC and the visitor never notices.
    let refreshing =
        "{ email: 'ann@example.com', emailHash: 'deadbeef', timestamp: Date.now() - 7200000,
        refreshAuth: function () { window.__refreshed = true;
          return fetch('{API}/__dev/hmac?email=ann%40example.com').then(r => r.json()); } }";
    let url = site.page("/refresh", &page(refreshing, ""));
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I get a refund?").await;
    // The restored conversation (same identified visitor) plus this turn.
    b.wait_js("window.__refreshed === true").await;
    b.wait_js("(() => { const m = __msgs(); return m.length >= 2 && m.every(x => x.busy === 'false') && m[m.length - 1].role === 'assistant'; })()").await;
    assert!(b.shadow_find("[data-testid=error-message]").await.is_none());
    assert!(b.shadow_find(".hw-notice").await.is_none());
    b.close().await;
}

#[tokio::test]
async fn send_prompt_while_streaming_stops_that_reply_and_starts_a_new_conversation() {
    let site = Site::start().await;
    site.dev("/__dev/settings", json!({ "paceMs": 150 })).await;
    let url = site.page("/reprompt", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.sendPrompt('How do I use the API?')", vec![])
        .await;
    b.wait_panel(true).await;
    b.wait_js("(() => { const m = __msgs(); return m.length === 2 && m[1].text.length > 5; })()")
        .await;
    site.dev("/__dev/settings", json!({ "paceMs": 0 })).await;
    b.js("HelperWidget.sendPrompt('How do I get a refund?')", vec![])
        .await;
    b.wait_settled(2).await;
    let msgs = messages(&b).await;
    assert_eq!(msgs[0]["text"], "How do I get a refund?");
    let created = b
        .js(
            "return __calls('/api/chat/conversation').map(r => JSON.parse(r.body).isPrompt)",
            vec![],
        )
        .await;
    assert_eq!(created, json!([true, true]));
    // The stopped reply was reported with the text it had.
    let partial = b
        .js("return __events.filter(e => e.name === 'message' && e.detail.role === 'assistant').map(e => e.detail.content)", vec![])
        .await;
    assert_eq!(partial.as_array().unwrap().len(), 2, "{partial}");
    assert!(!partial[0].as_str().unwrap().is_empty());
    b.close().await;
}

#[tokio::test]
async fn destroy_removes_the_widget_and_stops_all_activity() {
    let site = Site::start().await;
    site.dev("/__dev/settings", json!({ "paceMs": 100 })).await;
    let url = site.page("/destroy", &page("{}", PROMPT_LINKS));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.sendPrompt('How do I use the API?')", vec![])
        .await;
    b.wait_js("(() => { const m = __msgs(); return m.length === 2 && m[1].text.length > 0; })()")
        .await;
    b.js("HelperWidget.destroy()", vec![]).await;
    assert!(!b.widget_mounted().await);
    let requests = b.js("return __requests.length", vec![]).await;
    b.click("#plan").await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        b.js("return __requests.length", vec![]).await,
        requests,
        "no request after destroy"
    );
    assert!(!b.widget_mounted().await);
    assert_eq!(
        b.js(
            "return document.querySelector('[data-helper-open]')",
            vec![]
        )
        .await,
        Value::Null
    );
    assert_eq!(b.console().await, "");
    b.close().await;
}

#[tokio::test]
async fn below_640px_the_panel_is_full_screen() {
    let site = Site::start().await;
    let url = site.page("/mobile", &page("{}", ""));
    let b = Browser::start_with_size(390, 800).await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    // Once the open animation has run, the panel covers the viewport exactly.
    b.wait_js(
        "(() => { const r = __root().querySelector('[data-testid=widget-panel]').getBoundingClientRect();
           return r.left === 0 && r.top === 0 && r.width === innerWidth && r.height === innerHeight; })()",
    )
    .await;
    assert!(innerwidth_below_640(&b).await);
    b.close().await;
}

#[tokio::test]
async fn the_panel_is_a_labelled_dialog_with_visible_focus_and_no_motion_when_asked() {
    let site = Site::start().await;
    let url = site.page("/a11y", &page("{ title: 'Acme help' }", ""));
    let b = Browser::start_with(1280, 900, &["--force-prefers-reduced-motion"]).await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    let facts = b
        .in_shadow(
            "(() => { const p = root.querySelector('[data-testid=widget-panel]');
               const label = root.getElementById(p.getAttribute('aria-labelledby'));
               const log = root.querySelector('[data-testid=messages-list]');
               const l = root.querySelector('[data-testid=launcher]');
               l.focus();
               const ls = getComputedStyle(l);
               return { role: p.getAttribute('role'), label: label && label.textContent,
                        log: log.getAttribute('role'), controls: l.getAttribute('aria-controls') === p.id,
                        focusVisible: l.matches(':focus-visible'), outline: ls.outlineStyle + ' ' + ls.outlineWidth,
                        reduced: matchMedia('(prefers-reduced-motion: reduce)').matches,
                        animation: getComputedStyle(p).animationName }; })()",
        )
        .await;
    assert_eq!(
        facts,
        json!({ "role": "dialog", "label": "Acme help", "log": "log", "controls": true,
                "focusVisible": true, "outline": "solid 3px", "reduced": true, "animation": "none" })
    );
    b.close().await;
}

async fn innerwidth_below_640(b: &Browser) -> bool {
    b.js("return innerWidth", vec![])
        .await
        .as_f64()
        .unwrap_or(1e9)
        < 640.0
}
