//! What a page view costs and how the chat code arrives (embed-contract §8): `sdk.js` draws the
//! launcher and starts the session by itself; the wasm-bindgen glue and `.wasm` are fetched only
//! on intent (or at once / when idle with `preload`), and nothing the visitor does meanwhile is
//! lost. Real Chromium, `dist/` on its own origin, the asset server slowing or failing the
//! `.wasm` where a test needs the chat code late or missing.

use helper_widget_e2e::{AssetFaults, Browser, Site, CONSOLE_CAPTURE};
use serde_json::{json, Value};
use std::time::Duration;

/// A host page whose widget talks to the test's API origin, with extra config fields.
fn page(config: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8>{CONSOLE_CAPTURE}\
         <script>window.events = []; window.prevented = [];\
           addEventListener('click', function (e) {{ if (e.target.closest('[data-helper-prompt]')) prevented.push(e.defaultPrevented); }});\
           window.helperWidgetConfig = Object.assign({{ host: '{{API}}' }}, {config});</script>\
         <script src=\"{{SDK}}\"></script>\
         <script>['ready', 'open', 'close', 'error', 'message'].forEach(function (name) {{\
           HelperWidget.on(name, function (d) {{ events.push(name + (d && d.role ? ':' + d.role : '')); }});\
         }});</script></head>\
         <body><h1>Host page</h1>{body}</body></html>"
    )
}

const LINKS: &str = r##"<a id="prompt" href="#navigated" data-helper-prompt="How do I change my plan?">Change plan</a>
  <button id="toggle" data-helper-toggle>Help</button>"##;

/// The widget's files this page has requested so far: `glue`, `wasm`.
async fn chat_code_requested(b: &Browser) -> Value {
    b.js(
        "const names = performance.getEntriesByType('resource').map(e => e.name);
         return { glue: names.some(n => /helper-widget-[0-9a-f]+\\.js/.test(n)),
                  wasm: names.some(n => n.endsWith('.wasm')) };",
        vec![],
    )
    .await
}

async fn wait_chat_code_requested(b: &Browser) {
    b.wait_js("performance.getEntriesByType('resource').some(e => e.name.endsWith('.wasm'))")
        .await;
}

#[tokio::test]
async fn a_page_view_without_intent_loads_only_sdk_js_and_the_session() {
    let site = Site::start().await;
    let url = site.page("/idle-visitor", &page("{}", LINKS));
    let b = Browser::start().await;
    let launcher = b.open_with_widget(&url).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        chat_code_requested(&b).await,
        json!({ "glue": false, "wasm": false })
    );
    // The launcher is complete without the chat code: name, state, colours, position.
    assert_eq!(
        launcher.attr("aria-expanded").await.unwrap().as_deref(),
        Some("false")
    );
    assert_eq!(
        launcher.attr("aria-label").await.unwrap().as_deref(),
        Some("Support chat")
    );
    let facts = b
        .in_shadow(
            "({ sheets: root.adoptedStyleSheets.length, styleElements: root.querySelectorAll('style').length,
                styleAttrs: root.querySelectorAll('[style]').length,
                bg: getComputedStyle(root.querySelector('[data-testid=launcher]')).backgroundColor,
                position: getComputedStyle(root.querySelector('[data-testid=launcher]')).position,
                toggleOpen: document.getElementById('toggle').getAttribute('data-helper-open') })",
        )
        .await;
    assert_eq!(
        facts,
        json!({ "sheets": 2, "styleElements": 0, "styleAttrs": 0, "bg": "rgb(34, 34, 34)",
                "position": "fixed", "toggleOpen": "false" })
    );
    // The session started at page load, once, from the loader.
    let sessions = b
        .js(
            "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/api/widget/session')).length",
            vec![],
        )
        .await;
    assert_eq!(sessions, json!(1));
    // A visitor with nothing to show (anonymous, never had a conversation) costs neither the
    // notifications module nor an unread count.
    let extras = b
        .js(
            "return performance.getEntriesByType('resource').map(e => e.name)
               .filter(n => /\\/notify-[0-9a-f]+\\.js$/.test(n) || n.includes('/unread'))",
            vec![],
        )
        .await;
    assert_eq!(extras, json!([]));
    assert_eq!(b.js("return events", vec![]).await, json!(["ready"]));
    assert_eq!(b.console().await, "", "no console errors or warnings");
    b.close().await;
}

/// Each kind of intent, on a fresh page, starts the download of the chat code and nothing else:
/// the panel stays closed until a click.
#[tokio::test]
async fn each_intent_starts_loading_the_chat_code() {
    let site = Site::start().await;
    let url = site.page("/intent", &page("{}", LINKS));
    let b = Browser::start().await;
    let intents = [
        (
            "pointer over the launcher",
            "root.querySelector('[data-testid=launcher]').dispatchEvent(new PointerEvent('pointerenter'))",
        ),
        (
            "focus on the launcher",
            "root.querySelector('[data-testid=launcher]').focus()",
        ),
        (
            "touch of a prompt link",
            "document.getElementById('prompt').dispatchEvent(new TouchEvent('touchstart', { bubbles: true }))",
        ),
        (
            "pointer down on a toggle",
            "document.getElementById('toggle').dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }))",
        ),
        (
            "pointer over a prompt link",
            "document.getElementById('prompt').dispatchEvent(new PointerEvent('pointerenter'))",
        ),
        (
            "focus on a toggle",
            "document.getElementById('toggle').focus()",
        ),
        ("HelperWidget.minimize()", "HelperWidget.minimize()"),
    ];
    for (what, script) in intents {
        b.open_with_widget(&url).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            chat_code_requested(&b).await,
            json!({ "glue": false, "wasm": false }),
            "before: {what}"
        );
        b.in_shadow(script).await;
        wait_chat_code_requested(&b).await;
        assert_eq!(
            chat_code_requested(&b).await,
            json!({ "glue": true, "wasm": true }),
            "{what} loads the glue and the wasm"
        );
        // Mounted, and still closed: intent is not a click.
        b.wait_shadow("[data-testid=widget-panel]").await;
        assert!(!b.panel_open().await, "{what} opened the panel");
    }
    b.close().await;
}

/// A click on the launcher, a click on a prompt link and API calls, all made while the chat code
/// is still on its way, take effect once it is mounted, in the order they were made.
#[tokio::test]
async fn early_clicks_and_calls_are_replayed_in_order() {
    let site = Site::start_with_assets(
        helper_dev_server::Options::default(),
        AssetFaults::slow_wasm(Duration::from_millis(1500)),
    )
    .await;
    let url = site.page("/early", &page("{}", LINKS));
    let b = Browser::start().await;
    let launcher = b.open_with_widget(&url).await;
    launcher.click().await.unwrap();
    // The launcher says at once that it is working.
    assert_eq!(
        launcher.attr("aria-busy").await.unwrap().as_deref(),
        Some("true")
    );
    b.click("#prompt").await;
    b.js(
        "HelperWidget.toggleMinimize(); HelperWidget.hide(); window.queuedAt = !!document.getElementById('helper-widget-root').shadowRoot.querySelector('[data-testid=widget-panel]');",
        vec![],
    )
    .await;
    assert_eq!(
        b.js("return window.queuedAt", vec![]).await,
        json!(false),
        "the calls were made before the chat code was mounted"
    );
    b.wait_js("events.indexOf('message:user') >= 0").await;
    // The launcher opened the panel, the prompt was sent, the panel minimized, then hidden: in
    // any other order it would have ended open.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!b.panel_open().await);
    assert_eq!(
        b.in_shadow("root.querySelector('[data-testid=widget-panel]').classList.contains('hw-panel--minimized')")
            .await,
        json!(true)
    );
    assert_eq!(
        b.js("return location.hash", vec![]).await,
        json!(""),
        "a prompt link never navigates"
    );
    // Once the chat code is there too; and the click's default is really prevented (a passive
    // listener's preventDefault is ignored, with a console complaint).
    b.click("#prompt").await;
    b.wait_js("prevented.length === 2").await;
    assert_eq!(
        b.js("return [prevented, location.hash]", vec![]).await,
        json!([[true, true], ""])
    );
    assert_eq!(
        launcher.attr("aria-busy").await.unwrap(),
        None,
        "loading is over"
    );
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    let user = b
        .shadow_text("[data-message-role=user] [data-testid=message-content]")
        .await;
    assert_eq!(user.trim(), "How do I change my plan?");
    b.close().await;
}

#[tokio::test]
async fn preload_eager_fetches_at_once_and_idle_after_load_unless_save_data() {
    let site = Site::start().await;
    let b = Browser::start().await;

    let eager = site.page("/eager", &page("{ preload: 'eager' }", ""));
    b.open_with_widget(&eager).await;
    wait_chat_code_requested(&b).await;
    b.wait_shadow("[data-testid=widget-panel]").await;
    assert!(!b.panel_open().await);

    let idle = site.page("/idle", &page("{ preload: 'idle' }", ""));
    b.open_with_widget(&idle).await;
    wait_chat_code_requested(&b).await;
    let after_load = b
        .js(
            "const wasm = performance.getEntriesByType('resource').find(e => e.name.endsWith('.wasm'));
             return wasm.startTime >= performance.getEntriesByType('navigation')[0].loadEventEnd;",
            vec![],
        )
        .await;
    assert_eq!(
        after_load,
        json!(true),
        "idle waits for the page's load event"
    );

    // A visitor who asked for less data (Save-Data) gets nothing before intent.
    let save_data = site.page(
        "/idle-save-data",
        &page(
            "{ preload: 'idle' }",
            "<script>Object.defineProperty(navigator, 'connection', { value: { saveData: true } });</script>",
        ),
    );
    b.open_with_widget(&save_data).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        chat_code_requested(&b).await,
        json!({ "glue": false, "wasm": false })
    );

    let bad = site.page("/preload-typo", &page("{ preload: 'always' }", ""));
    b.open_with_widget(&bad).await;
    let console = b.console().await;
    assert_eq!(
        console.matches("helperWidgetConfig.preload").count(),
        1,
        "one warning: {console}"
    );
    b.close().await;
}

#[tokio::test]
async fn a_failed_chat_code_download_says_so_and_try_again_works() {
    let site = Site::start_with_assets(
        helper_dev_server::Options::default(),
        AssetFaults::failing_wasm(1),
    )
    .await;
    let url = site.page("/wasm-404", &page("{}", ""));
    let b = Browser::start().await;
    let launcher = b.open_with_widget(&url).await;
    launcher.click().await.unwrap();
    let alert = b.wait_shadow("[data-testid=load-error][role=alert]").await;
    let text = alert.text().await.unwrap();
    assert!(text.contains("could not be loaded"), "{text}");
    assert_eq!(
        launcher.attr("aria-busy").await.unwrap(),
        None,
        "no spinner once it failed"
    );
    b.wait_js("events.indexOf('error') >= 0").await;
    assert!(!b.panel_open().await);

    // Try again: the download succeeds now, and the click that asked for the panel opens it.
    b.wait_shadow("[data-testid=load-error] button")
        .await
        .click()
        .await
        .unwrap();
    b.wait_panel(true).await;
    assert!(b.shadow_find("[data-testid=load-error]").await.is_none());
    let focused = b
        .in_shadow("root.activeElement && root.activeElement.getAttribute('aria-label')")
        .await;
    assert_eq!(focused, json!("Ask a question"));
    b.close().await;
}

/// Without `showToggleButton`, the session's `showWidget` decides whether the launcher shows
/// (Helper's rule); the API and page attributes work either way.
#[tokio::test]
async fn the_sessions_show_widget_decides_the_launcher_unless_the_page_does() {
    let site = Site::start_with(helper_dev_server::Options {
        show_widget: false,
        ..helper_dev_server::Options::default()
    })
    .await;
    let b = Browser::start().await;
    let hidden = site.page("/hidden", &page("{}", LINKS));
    b.client.goto(&hidden).await.unwrap();
    b.wait_js("events.indexOf('ready') >= 0").await;
    assert!(b.shadow_find("[data-testid=launcher]").await.is_none());
    b.click("#toggle").await;
    b.wait_panel(true).await;
    // And the API, with no launcher either.
    b.js("HelperWidget.hide()", vec![]).await;
    b.wait_panel(false).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    assert!(b.shadow_find("[data-testid=launcher]").await.is_none());

    let forced = site.page("/forced", &page("{ showToggleButton: true }", ""));
    b.open_with_widget(&forced).await;
    b.close().await;
}

/// A page whose Content-Security-Policy allows no inline styles (and no inline scripts but its
/// own): the widget needs only its script origin, `'wasm-unsafe-eval'` and `connect-src` for
/// the API, and is laid out as everywhere else (constructable stylesheets are not inline
/// styles).
#[tokio::test]
async fn a_strict_content_security_policy_needs_no_style_allowance() {
    let site = Site::start().await;
    // The realtime socket is at the session's supabaseUrl (here the API's own origin, as
    // ws://): a site with a strict policy lists it too, as the README says.
    let policy = format!(
        "default-src 'none'; script-src 'nonce-t' {assets} 'wasm-unsafe-eval'; \
         connect-src {assets} {api} {realtime}; style-src 'self'",
        assets = site.assets,
        api = site.api,
        realtime = site.api.replacen("http", "ws", 1)
    );
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8>\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\
         <script nonce=t>window.violations = [];\
           document.addEventListener('securitypolicyviolation', function (e) {{\
             violations.push(e.violatedDirective + ' ' + e.blockedURI); }});\
           window.helperWidgetConfig = {{ host: '{{API}}' }};</script>\
         <script src=\"{{SDK}}\" async></script></head>\
         <body><h1>Strict page</h1></body></html>"
    );
    let url = site.page("/csp", &html);
    let b = Browser::start().await;
    let launcher = b.open_with_widget(&url).await;
    let (x, y, w, h) = launcher.rectangle().await.unwrap();
    let viewport = b.js("return [innerWidth, innerHeight]", vec![]).await;
    let (vw, vh) = (viewport[0].as_f64().unwrap(), viewport[1].as_f64().unwrap());
    assert!(
        (w - 56.0).abs() < 1.0
            && (vw - (x + w) - 20.0).abs() < 2.0
            && (vh - (y + h) - 20.0).abs() < 2.0,
        "a 56px launcher 20px from the corner: {x},{y} {w}x{h} in {vw}x{vh}"
    );
    launcher.click().await.unwrap();
    b.wait_panel(true).await;
    let panel = b
        .in_shadow(
            "(() => { const p = root.querySelector('[data-testid=widget-panel]'); const cs = getComputedStyle(p);
               const r = p.getBoundingClientRect();
               return { position: cs.position, display: cs.display, width: Math.round(r.width),
                        right: Math.round(innerWidth - r.right) }; })()",
        )
        .await;
    assert_eq!(
        panel,
        json!({ "position": "fixed", "display": "flex", "width": 400, "right": 20 })
    );
    // A whole turn works under the policy: session, conversation, streamed reply.
    let composer = b.wait_shadow("textarea[aria-label='Ask a question']").await;
    composer
        .send_keys("How do I get a refund?\n")
        .await
        .unwrap();
    b.wait_js(
        "document.getElementById('helper-widget-root').shadowRoot
           .querySelector('[data-message-role=assistant][aria-busy=false] [data-testid=message-content]')",
    )
    .await;
    assert_eq!(b.js("return violations", vec![]).await, json!([]));
    // The control: the policy is enforced, so a <style> element, as the widget used to add,
    // is refused.
    b.js(
        "const s = document.createElement('style'); s.textContent = 'h1 { color: red }';
         document.head.appendChild(s);",
        vec![],
    )
    .await;
    b.wait_js("violations.some(v => v.startsWith('style-src'))")
        .await;
    b.close().await;
}

/// A panel left open is open again on the next page load: that is intent too, so the chat code
/// loads without a click. A closed one stays a launcher only.
#[tokio::test]
async fn a_panel_open_before_a_reload_opens_again_and_a_closed_one_does_not_load() {
    let site = Site::start().await;
    let url = site.page("/reopen", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    b.client.refresh().await.unwrap();
    b.wait_panel(true).await;
    // Reopened for the visitor, not by them: focus stays on the page.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        b.js("return document.activeElement === document.body", vec![])
            .await,
        json!(true)
    );
    b.in_shadow("root.querySelector('button[aria-label=\"Close chat\"]').click()")
        .await;
    b.wait_panel(false).await;
    b.client.refresh().await.unwrap();
    b.wait_shadow("[data-testid=launcher]").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        chat_code_requested(&b).await,
        json!({ "glue": false, "wasm": false })
    );
    b.close().await;
}

/// destroy() while the chat code is still downloading: nothing mounts when it arrives, and a
/// later init() starts cleanly with the code already there.
#[tokio::test]
async fn destroy_during_the_download_mounts_nothing_and_init_starts_again() {
    let site = Site::start_with_assets(
        helper_dev_server::Options::default(),
        AssetFaults::slow_wasm(Duration::from_millis(1200)),
    )
    .await;
    let url = site.page("/destroy-loading", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show(); HelperWidget.destroy();", vec![])
        .await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert!(!b.widget_mounted().await);
    assert_eq!(
        b.js("return events.filter(e => e === 'open').length", vec![])
            .await,
        json!(0)
    );
    b.js(
        "HelperWidget.init({ host: helperWidgetConfig.host }).then(() => HelperWidget.show())",
        vec![],
    )
    .await;
    b.wait_panel(true).await;
    let wasm_requests = b
        .js(
            "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('.wasm')).length",
            vec![],
        )
        .await;
    assert_eq!(
        wasm_requests,
        json!(1),
        "the chat code is fetched once per page"
    );
    b.close().await;
}
