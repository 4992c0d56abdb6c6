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
