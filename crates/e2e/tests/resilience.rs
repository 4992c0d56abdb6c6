//! The widget runs on strangers' pages: whatever the page's listeners do, and whatever the
//! network does, it must not panic (a panic kills the wasm for that page view), hang, or lose
//! what the visitor wrote. Real Chromium against the local server.

use helper_widget_e2e::{Browser, Site, CONSOLE_CAPTURE};
use serde_json::json;
use std::time::Duration;

/// A host page whose `listener` (JavaScript, run with `HelperWidget` defined) is installed
/// before anything happens; `window.log` records every event with the order it came in.
fn page(listener: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8>{CONSOLE_CAPTURE}\
         <script>window.helperWidgetConfig = {{ host: '{{API}}' }}; window.log = [];</script>\
         <script src=\"{{SDK}}\"></script>\
         <script>['ready', 'open', 'close', 'message', 'conversation', 'escalated', 'error'].forEach(function (n) {{\
            HelperWidget.on(n, function (d) {{ log.push(n + (d && d.role ? ':' + d.role : '')); }});\
          }});\
          window.destroyed = null;\
          function destroyOn(name, when) {{ HelperWidget.on(name, function (d) {{\
            if (destroyed || (when && !when(d))) return; destroyed = {{ on: name, at: log.length }};\
            HelperWidget.destroy(); }}); }}\
          {listener}</script></head>\
         <body><h1>Host page</h1></body></html>"
    )
}

/// A listener that calls `HelperWidget.destroy()` for each event, at the moment the widget
/// emits it: no panic, nothing emitted afterwards, and the same wasm instance starts again.
#[tokio::test]
async fn a_listener_may_destroy_the_widget_from_any_event() {
    let site = Site::start().await;
    let b = Browser::start().await;
    // (event, the listener's filter, what makes the widget emit it)
    let cases = [
        ("ready", "null", ""),
        ("open", "null", "HelperWidget.show()"),
        (
            "close",
            "null",
            "HelperWidget.show(); setTimeout(() => HelperWidget.hide(), 300)",
        ),
        (
            "message",
            "d => d.role === 'user'",
            "HelperWidget.sendPrompt('How do I get a refund?')",
        ),
        (
            "conversation",
            "null",
            "HelperWidget.sendPrompt('How do I get a refund?')",
        ),
        (
            "message",
            "d => d.role === 'assistant'",
            "HelperWidget.sendPrompt('How do I get a refund?')",
        ),
        (
            "escalated",
            "null",
            "HelperWidget.sendPrompt('I need to talk to a human')",
        ),
        (
            "error",
            "null",
            "HelperWidget.sendPrompt('How do I get a refund?')",
        ),
    ];
    for (i, (event, filter, trigger)) in cases.into_iter().enumerate() {
        if event == "error" {
            site.dev(
                "/__dev/fault",
                json!({ "kind": "server-error", "count": 1 }),
            )
            .await;
        }
        let url = site.page(
            &format!("/destroy-{i}"),
            &page(&format!("destroyOn('{event}', {filter});")),
        );
        b.client.goto(&url).await.unwrap();
        b.wait_js("window.HelperWidget && log.indexOf('ready') >= 0 || window.destroyed")
            .await;
        if !trigger.is_empty() {
            b.js(trigger, vec![]).await;
        }
        b.wait_js("window.destroyed").await;
        // Let every task, timer and stream of the destroyed widget run out.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let after = b
            .js(
                "return { root: !!document.getElementById('helper-widget-root'),
                          emittedAfter: log.slice(destroyed.at) }",
                vec![],
            )
            .await;
        assert_eq!(
            after,
            json!({ "root": false, "emittedAfter": [] }),
            "destroy() from '{event}' ({filter}): {after}"
        );
        // The wasm instance is intact: the widget starts again on the same page and answers.
        b.js(
            "log.length = 0; HelperWidget.init({ host: helperWidgetConfig.host })
               .then(() => HelperWidget.sendPrompt('How do I use the API?'));",
            vec![],
        )
        .await;
        b.wait_js("log.indexOf('message:assistant') >= 0").await;
        let console = b.console().await;
        assert!(
            !console.contains("unreachable") && !console.contains("panicked"),
            "destroy() from '{event}': {console}"
        );
    }
    b.close().await;
}

/// Lets a test slow down or fail the widget's own requests, as a flaky network would:
/// `net.slow.push([method, pathRegex, ms])`, `net.fail.push([method, pathRegex])`, or answer
/// one itself: `net.answer.push([method, pathRegex, body])` (once each).
/// Rules for the next page load (the widget may start before a test's script runs) go in
/// `sessionStorage.netNext` as `{slow, fail}`.
const NETWORK: &str = r#"<script>
var next = JSON.parse(sessionStorage.getItem('netNext') || '{}');
sessionStorage.removeItem('netNext');
window.net = { slow: next.slow || [], fail: next.fail || [], answer: [], calls: [] };
var realFetch = window.fetch;
function take(list, method, path) {
  var i = list.findIndex(function (r) { return r[0] === method && new RegExp(r[1]).test(path); });
  return i < 0 ? null : list.splice(i, 1)[0];
}
window.fetch = function (input, init) {
  var method = (init && init.method) || (input && input.method) || 'GET';
  var path = new URL(String(input && input.url || input)).pathname;
  net.calls.push(method + ' ' + path);
  var args = arguments, self = this;
  if (take(net.fail, method, path)) return Promise.reject(new TypeError('Failed to fetch'));
  var answer = take(net.answer, method, path);
  if (answer) return Promise.resolve(new Response(answer[2], { headers: { 'Content-Type': 'text/plain' } }));
  var slow = take(net.slow, method, path);
  if (!slow) return realFetch.apply(self, args);
  return new Promise(function (resolve) { setTimeout(resolve, slow[2]); })
    .then(function () { return realFetch.apply(self, args); });
};
window.__msgs = function () {
  var r = document.getElementById('helper-widget-root').shadowRoot;
  return Array.from(r.querySelectorAll('[data-testid=message]')).map(function (m) {
    return { role: m.dataset.messageRole, busy: m.getAttribute('aria-busy'),
             text: m.querySelector('[data-testid=message-content]').textContent };
  });
};
</script>"#;

fn chat_page(config: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8>{CONSOLE_CAPTURE}{NETWORK}\
         <script>window.helperWidgetConfig = Object.assign({{ host: '{{API}}' }}, {config});</script>\
         <script src=\"{{SDK}}\" async></script></head><body><h1>Host</h1></body></html>"
    )
}

async fn count_calls(b: &Browser, call: &str) -> usize {
    let n = b
        .js(
            "return net.calls.filter(c => c === arguments[0]).length",
            vec![json!(call)],
        )
        .await;
    n.as_u64().unwrap_or(0) as usize
}

/// One answered turn, then a reload with `rules` (`{slow, fail}`, see [`NETWORK`]) in force
/// from the start of the new page; the panel is open again afterwards.
async fn converse_then_reload_with(b: &Browser, url: &str, rules: &str) {
    b.open_with_widget(url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    b.js(
        "sessionStorage.setItem('netNext', arguments[0])",
        vec![json!(rules)],
    )
    .await;
    b.client.refresh().await.unwrap();
    b.wait_shadow("[data-testid=launcher]").await;
    b.js("HelperWidget.show()", vec![]).await;
}

/// The first 12 characters of each message, with its role.
async fn transcript(b: &Browser) -> serde_json::Value {
    b.js(
        "return __msgs().map(m => m.role + ':' + m.text.slice(0, 12))",
        vec![],
    )
    .await
}

/// Offline or a server error while the previous conversation loads: it is kept (a later page
/// load shows it), and what the visitor sends meanwhile continues it.
#[tokio::test]
async fn a_failed_restore_keeps_the_conversation_and_new_messages_continue_it() {
    let site = Site::start().await;
    let url = site.page("/restore", &chat_page("{}"));
    let b = Browser::start().await;
    // Reload while offline for the history request.
    converse_then_reload_with(
        &b,
        &url,
        r#"{ "fail": [["GET", "^/api/chat/conversation/"]] }"#,
    )
    .await;
    b.wait_shadow(".hw-notice[role=alert]").await;
    let notice = b.shadow_text(".hw-notice").await;
    assert!(notice.contains("earlier messages"), "{notice}");
    b.type_and_send("How do I use the API?").await;
    b.wait_settled(2).await;
    assert_eq!(
        count_calls(&b, "POST /api/chat/conversation").await,
        0,
        "the new message went to the stored conversation"
    );

    // Online again: the whole conversation is back, both turns.
    b.client.refresh().await.unwrap();
    b.wait_shadow("[data-testid=launcher]").await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_settled(4).await;
    let roles = transcript(&b).await;
    assert_eq!(roles[0], json!("user:How do I get"), "{roles}");
    assert_eq!(roles[2], json!("user:How do I use"), "{roles}");
    b.close().await;
}

/// A message sent while the previous conversation is still loading waits for it, goes to the
/// same conversation, and comes after its history.
#[tokio::test]
async fn a_message_sent_during_restore_keeps_the_history() {
    let site = Site::start().await;
    let url = site.page("/during-restore", &chat_page("{}"));
    let b = Browser::start().await;
    converse_then_reload_with(
        &b,
        &url,
        r#"{ "slow": [["GET", "^/api/chat/conversation/", 1500]] }"#,
    )
    .await;
    b.type_and_send("How do I use the API?").await;
    b.wait_settled(4).await;
    let msgs = transcript(&b).await;
    assert_eq!(msgs[0], json!("user:How do I get"), "{msgs}");
    assert_eq!(msgs[2], json!("user:How do I use"), "{msgs}");
    assert_eq!(count_calls(&b, "POST /api/chat/conversation").await, 0);
    b.close().await;
}

/// Stop while the conversation is still being created: the message was never sent, so it stays
/// with Retry, and Retry sends it once.
#[tokio::test]
async fn stop_before_the_message_went_out_offers_retry() {
    let site = Site::start().await;
    let url = site.page("/stop-early", &chat_page("{}"));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js(
        "net.slow.push(['POST', '^/api/chat/conversation$', 1500])",
        vec![],
    )
    .await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_shadow("button[aria-label=Stop]")
        .await
        .click()
        .await
        .unwrap();
    let alert = b.wait_shadow("[data-testid=error-message]").await;
    let text = alert.text().await.unwrap();
    assert!(text.contains("not sent"), "{text}");
    assert_eq!(count_calls(&b, "POST /api/chat").await, 0);
    b.wait_shadow("[data-testid=error-message] button")
        .await
        .click()
        .await
        .unwrap();
    b.wait_settled(2).await;
    assert_eq!(count_calls(&b, "POST /api/chat").await, 1);
    assert!(b.shadow_find("[data-testid=error-message]").await.is_none());
    b.close().await;
}

/// A `refreshAuth` that never settles gets a time limit: the visitor sees why, instead of a
/// spinner forever.
#[tokio::test]
async fn a_refresh_auth_that_never_answers_is_given_up_on() {
    let site = Site::start().await;
    let config =
        "{ email: 'ann@example.com', emailHash: 'deadbeef', timestamp: Date.now() - 7200000,
        refreshAuth: function () { window.asked = true; return new Promise(function () {}); } }";
    let url = site.page("/refresh-hangs", &chat_page(config));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_js("window.asked").await;
    // The limit is 20 s, longer than the harness's usual wait.
    let started = std::time::Instant::now();
    let alert = loop {
        if let Some(alert) = b.shadow_find("[data-testid=error-message]").await {
            break alert;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no alert after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // The visitor reads what to do; the site owner's console says why.
    let text = alert.text().await.unwrap();
    assert!(text.contains("could not be renewed"), "{text}");
    let logs = b.console().await;
    assert!(logs.contains("did not answer in time"), "{logs}");
    b.close().await;
}

/// `document.activeElement`, looked up through the widget's shadow root: an id, a test id or
/// an accessible name.
async fn focused(b: &Browser) -> String {
    b.js(
        "let a = document.activeElement;
         if (a && a.shadowRoot) a = a.shadowRoot.activeElement;
         if (!a) return 'nothing';
         return a === document.body ? 'body'
           : a.id || a.dataset.testid || a.getAttribute('aria-label') || a.tagName;",
        vec![],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Focus is never dropped on `<body>`: closing returns it to whatever opened the panel (also
/// with no launcher), and when Stop or Retry disappears it goes to the composer.
#[tokio::test]
async fn focus_returns_to_the_opener_and_never_falls_to_the_body() {
    let site = Site::start().await;
    site.dev("/__dev/settings", json!({ "paceMs": 60 })).await;
    let body = r##"<button id="help" data-helper-toggle>Help</button>
        <a id="ask" href="#" data-helper-prompt="How do I get a refund?">Refunds</a>"##;
    let url = site.page(
        "/focus",
        &chat_page("{ showToggleButton: false }").replace("<h1>Host</h1>", body),
    );
    let b = Browser::start().await;
    b.client.goto(&url).await.unwrap();
    b.wait_js("document.getElementById('helper-widget-root')")
        .await;
    assert!(b.shadow_find("[data-testid=launcher]").await.is_none());

    // A page toggle opens it; Escape gives focus back to that toggle.
    b.click("#help").await;
    b.wait_panel(true).await;
    b.wait_js("document.activeElement.id === 'helper-widget-root'")
        .await;
    assert_eq!(focused(&b).await, "Ask a question");
    b.wait_shadow("textarea[aria-label='Ask a question']")
        .await
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    b.wait_panel(false).await;
    assert_eq!(focused(&b).await, "help");

    // A prompt link opens it and streams; Stop, focused from the keyboard, goes when the reply
    // ends, and focus goes to the composer.
    b.click("#ask").await;
    b.wait_panel(true).await;
    let stop = b.wait_shadow("button[aria-label=Stop]").await;
    b.in_shadow("root.querySelector('button[aria-label=Stop]').focus()")
        .await;
    assert_eq!(focused(&b).await, "Stop");
    b.wait_settled(2).await;
    drop(stop);
    b.wait_js("!document.getElementById('helper-widget-root').shadowRoot.querySelector('button[aria-label=Stop]')")
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(focused(&b).await, "Ask a question");
    // Closing returns focus to the prompt link that opened it.
    b.in_shadow("root.querySelector('button[aria-label=\"Close chat\"]').click()")
        .await;
    b.wait_panel(false).await;
    assert_eq!(focused(&b).await, "ask");

    // Retry goes with its alert: focus stays in the panel, on the composer.
    site.dev(
        "/__dev/fault",
        json!({ "kind": "server-error", "count": 1 }),
    )
    .await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I use the API?").await;
    b.wait_shadow("[data-testid=error-message] button")
        .await
        .click()
        .await
        .unwrap();
    b.wait_settled(4).await;
    assert_eq!(focused(&b).await, "Ask a question");
    b.close().await;
}

/// On a phone the panel covers the page, so Tab wraps around inside it.
#[tokio::test]
async fn the_full_screen_panel_keeps_focus_inside() {
    let site = Site::start().await;
    let url = site.page("/phone-focus", &chat_page("{}"));
    let b = Browser::start_with_size(390, 800).await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    b.wait_js("document.activeElement.id === 'helper-widget-root'")
        .await;
    let composer = b.wait_shadow("textarea[aria-label='Ask a question']").await;
    composer.send_keys("hello").await.unwrap();
    // composer → Send → (wraps to) the header's first button.
    composer.send_keys("\u{E004}").await.unwrap();
    assert_eq!(focused(&b).await, "Send message");
    b.in_shadow("root.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true })) || 'prevented'")
        .await;
    assert_eq!(focused(&b).await, "Start new conversation");
    b.close().await;
}

/// A reply full of malformed lines renders what it can and warns a few times, not once a line.
#[tokio::test]
async fn a_stream_of_malformed_lines_is_a_few_warnings() {
    let site = Site::start().await;
    let url = site.page("/malformed", &chat_page("{}"));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    let body = format!(
        "0:\"Hello\"\n{}0:\" there\"\n",
        "this is not a stream line\n".repeat(500)
    );
    b.js(
        "net.answer.push(['POST', '^/api/chat$', arguments[0]])",
        vec![json!(body)],
    )
    .await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    let reply = b
        .shadow_text("[data-message-role=assistant] [data-testid=message-content]")
        .await;
    assert_eq!(reply.trim(), "Hello there");
    let console = b.console().await;
    let warnings = console.lines().filter(|l| l.starts_with("warn:")).count();
    assert_eq!(warnings, 5, "{console}");
    assert!(console.contains("not logged"), "{console}");
    b.close().await;
}

/// Replies written to hurt, through the real widget: a 200 KB paragraph without a line break
/// streamed in small parts, and quotes nested 20 000 deep. Both render in reasonable time, and
/// the stored conversation (re-rendered whole on the next page load) loads too.
#[tokio::test]
async fn giant_and_deeply_nested_replies_render_in_time_and_reload() {
    let site = Site::start().await;
    site.dev("/__dev/settings", json!({ "chunkChars": 40 }))
        .await;
    let url = site.page("/hostile-replies", &chat_page("{}"));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    let giant = "many words in one paragraph ".repeat(7_500);
    let deep = format!("{}deep", "> ".repeat(20_000));
    for (i, reply) in [giant.as_str(), deep.as_str()].into_iter().enumerate() {
        site.dev("/__dev/reply", json!({ "text": reply })).await;
        let started = std::time::Instant::now();
        b.type_and_send("Tell me everything").await;
        b.wait_settled(2 * (i + 1)).await;
        let took = started.elapsed();
        assert!(took < Duration::from_secs(12), "reply {i} took {took:?}");
    }
    let text = b
        .js(
            "return Array.from(document.getElementById('helper-widget-root').shadowRoot
               .querySelectorAll('[data-message-role=assistant] [data-testid=message-content]'))
               .map(c => c.textContent.length)",
            vec![],
        )
        .await;
    assert_eq!(text[0], json!(giant.trim_end().len()), "{text}");
    b.client.refresh().await.unwrap();
    b.wait_shadow("[data-testid=launcher]").await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_settled(4).await;
    let console = b.console().await;
    assert!(!console.contains("unreachable"), "{console}");
    b.close().await;
}

/// The session cannot be started at page load: the launcher still shows, opening the panel
/// says why, and once the server answers a message the notice goes.
#[tokio::test]
async fn a_session_that_cannot_start_is_explained_when_the_panel_opens() {
    let site = Site::start().await;
    let url = site.page("/no-session", &chat_page("{}"));
    let b = Browser::start().await;
    b.client.goto(&url).await.unwrap();
    b.js(
        "sessionStorage.setItem('netNext', JSON.stringify({ fail: [['POST', '^/api/widget/session$']] }))",
        vec![],
    )
    .await;
    b.client.refresh().await.unwrap();
    let launcher = b.wait_shadow("[data-testid=launcher]").await;
    launcher.click().await.unwrap();
    b.wait_panel(true).await;
    b.wait_shadow(".hw-notice[role=alert]").await;
    let notice = b.shadow_text(".hw-notice").await;
    assert!(notice.contains("couldn't reach"), "{notice}");
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    assert!(
        b.shadow_find(".hw-notice").await.is_none(),
        "answered: the notice is gone"
    );
    b.close().await;
}
