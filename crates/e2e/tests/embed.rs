//! The embed contract (embed-contract §1, §2, §4, §5, §7) in real Chromium: a host page on one
//! origin loading `dist/sdk.js` from another.

use helper_widget_e2e::{Browser, Site, CONSOLE_CAPTURE};
use serde_json::{json, Value};
use std::time::Duration;

/// A host page whose widget talks to the test's API origin (pages may override the config).
fn html(head: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8>{CONSOLE_CAPTURE}\
         <script>window.helperWidgetConfig = {{ host: '{{API}}' }};</script>{head}</head>\
         <body><h1>Host page</h1>{body}</body></html>"
    )
}

#[tokio::test]
async fn one_script_tag_on_another_origin_gets_the_launcher_in_an_open_shadow_root() {
    let site = Site::start().await;
    assert_ne!(
        site.host, site.assets,
        "host page and widget assets on separate origins"
    );
    let url = site.page(
        "/plain",
        &html("", r#"<script src="{SDK}" async></script>"#),
    );
    let b = Browser::start().await;
    let launcher = b.open_with_widget(&url).await;

    let facts = b
        .js(
            "const host = document.getElementById('helper-widget-root');
             return { parent: host.parentElement.tagName, mode: host.shadowRoot.mode,
                      sheets: host.shadowRoot.adoptedStyleSheets.length,
                      styleElements: host.shadowRoot.querySelectorAll('style').length,
                      lightChildren: host.children.length,
                      pageOrigin: location.origin };",
            vec![],
        )
        .await;
    assert_eq!(facts["parent"], "BODY");
    assert_eq!(facts["mode"], "open");
    assert_eq!(
        (facts["sheets"].clone(), facts["styleElements"].clone()),
        (json!(2), json!(0)),
        "the widget's CSS lives inside the shadow root, as constructable stylesheets (launcher + theme)"
    );
    assert_eq!(
        facts["lightChildren"], 0,
        "nothing of the widget in the light DOM"
    );
    assert_eq!(facts["pageOrigin"], Value::String(site.host.clone()));

    assert_eq!(launcher.tag_name().await.unwrap(), "button");
    assert_eq!(
        launcher.attr("aria-expanded").await.unwrap().as_deref(),
        Some("false")
    );
    let name = launcher
        .attr("aria-label")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(!name.is_empty(), "the launcher has an accessible name");
    assert!(launcher.is_displayed().await.unwrap());
    let (x, y, w, h) = launcher.rectangle().await.unwrap();
    assert!(
        (w - 56.0).abs() < 1.0 && (h - 56.0).abs() < 1.0,
        "56px launcher, got {w}x{h}"
    );
    let viewport = b.js("return [innerWidth, innerHeight]", vec![]).await;
    let (vw, vh) = (viewport[0].as_f64().unwrap(), viewport[1].as_f64().unwrap());
    assert!(
        (vw - (x + w) - 20.0).abs() < 2.0 && (vh - (y + h) - 20.0).abs() < 2.0,
        "launcher sits 20px from the bottom-right corner: {x},{y} in {vw}x{vh}"
    );
    assert_eq!(b.console().await, "", "no console errors or warnings");
    b.close().await;
}

#[tokio::test]
async fn calls_made_before_ready_are_queued_and_run_in_order() {
    let site = Site::start().await;
    // A plain (blocking) tag: HelperWidget must exist synchronously right after it, long
    // before the wasm has loaded.
    let url = site.page(
        "/queued",
        &html(
            r#"<script src="{SDK}"></script>
               <script>
                 window.events = [];
                 window.definedSync = typeof HelperWidget === 'object' && typeof HelperWidget.show === 'function';
                 HelperWidget.on('ready', function () { events.push('ready'); });
                 HelperWidget.on('open', function () { events.push('open'); });
                 // In order this ends open; reversed (show, hide, toggle, toggle) it ends closed.
                 HelperWidget.toggle(); HelperWidget.toggle(); HelperWidget.hide(); HelperWidget.show();
                 window.readyAtQueueTime = !!document.getElementById('helper-widget-root');
               </script>"#,
            "",
        ),
    );
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.wait_panel(true).await;
    assert_eq!(b.js("return window.definedSync", vec![]).await, json!(true));
    assert_eq!(
        b.js("return window.readyAtQueueTime", vec![]).await,
        json!(false)
    );
    b.wait_js("window.events.length >= 2").await;
    assert_eq!(
        b.js("return window.events", vec![]).await,
        json!(["ready", "open"])
    );
    let launcher = b.wait_shadow("[data-testid=launcher]").await;
    assert_eq!(
        launcher.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    b.close().await;
}

#[tokio::test]
async fn launcher_page_toggles_and_js_api_open_and_close_the_panel() {
    let site = Site::start().await;
    let url = site.page(
        "/toggle",
        &html(
            r#"<script src="{SDK}" async></script>"#,
            r#"<button id="t" data-helper-toggle>Help</button>
               <script>window.seen = []; function watch() {
                 if (!window.HelperWidget) return setTimeout(watch, 10);
                 HelperWidget.on('open', function () { seen.push('open'); });
                 HelperWidget.on('close', function () { seen.push('close'); }); } watch();</script>"#,
        ),
    );
    let b = Browser::start().await;
    let launcher = b.open_with_widget(&url).await;
    let toggle = b.client.find(fantoccini::Locator::Css("#t")).await.unwrap();
    b.wait_js("document.getElementById('t').getAttribute('data-helper-open') === 'false'")
        .await;

    launcher.click().await.unwrap();
    b.wait_panel(true).await;
    assert_eq!(
        launcher.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    b.wait_js("document.getElementById('t').getAttribute('data-helper-open') === 'true'")
        .await;
    let focused = b
        .in_shadow("root.activeElement && root.activeElement.getAttribute('aria-label')")
        .await;
    assert_eq!(
        focused,
        json!("Ask a question"),
        "opening focuses the composer"
    );

    toggle.click().await.unwrap();
    b.wait_panel(false).await;
    b.wait_js("document.getElementById('t').getAttribute('data-helper-open') === 'false'")
        .await;

    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    b.js("HelperWidget.hide()", vec![]).await;
    b.wait_panel(false).await;
    b.js("HelperWidget.toggle()", vec![]).await;
    b.wait_panel(true).await;

    // Escape from inside the panel closes it and gives focus back to the launcher.
    let composer = b.wait_shadow("textarea[aria-label='Ask a question']").await;
    composer.send_keys("\u{E00C}").await.unwrap();
    b.wait_panel(false).await;
    let focused = b
        .in_shadow("root.activeElement && root.activeElement.dataset.testid")
        .await;
    assert_eq!(focused, json!("launcher"));
    b.wait_js("window.seen.length === 6").await;
    assert_eq!(
        b.js("return window.seen", vec![]).await,
        json!(["open", "close", "open", "close", "open", "close"])
    );
    b.close().await;
}

#[tokio::test]
async fn hostile_host_css_does_not_break_the_widget_and_the_widget_does_not_restyle_the_host() {
    let site = Site::start().await;
    let url = site.page(
        "/hostile",
        &html(
            r#"<style>* { all: unset !important; color: red !important }
                      #helper-widget-root { display: inline !important; position: absolute !important }
                      button { width: 3px !important; height: 3px !important }</style>
               <script src="{SDK}" async></script>"#,
            "<p id=p>Body text</p>",
        ),
    );
    let b = Browser::start().await;
    let launcher = b.open_with_widget(&url).await;
    let (_, _, w, h) = launcher.rectangle().await.unwrap();
    assert!(
        (w - 56.0).abs() < 1.0 && (h - 56.0).abs() < 1.0,
        "launcher keeps its size: {w}x{h}"
    );
    launcher.click().await.unwrap();
    b.wait_panel(true).await;
    let styles = b
        .in_shadow(
            "(() => { const t = root.querySelector('#hw-title'); const p = root.querySelector('[data-testid=widget-panel]');
              const cs = getComputedStyle(t); const ps = getComputedStyle(p);
              return { titleColor: cs.color, panelPosition: ps.position, panelWidth: p.getBoundingClientRect().width,
                       panelDisplay: ps.display }; })()",
        )
        .await;
    assert_ne!(styles["titleColor"], "rgb(255, 0, 0)", "{styles}");
    assert_eq!(styles["panelPosition"], "fixed", "{styles}");
    assert_eq!(styles["panelDisplay"], "flex", "{styles}");
    assert!(
        styles["panelWidth"].as_f64().unwrap_or(0.0) > 300.0,
        "{styles}"
    );
    // The page's own elements still follow only the page's CSS.
    let p_color = b
        .js(
            "return getComputedStyle(document.getElementById('p')).color",
            vec![],
        )
        .await;
    assert_eq!(p_color, "rgb(255, 0, 0)");
    b.close().await;
}

#[tokio::test]
async fn loading_the_script_twice_and_calling_init_twice_leave_one_widget() {
    let site = Site::start().await;
    let url = site.page(
        "/twice",
        &html(
            r#"<script src="{SDK}"></script><script src="{SDK}" async></script>"#,
            r#"<script>setTimeout(function () { HelperWidget.init({ title: 'Again' }); }, 0);</script>"#,
        ),
    );
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_js(
        "(() => { const r = document.getElementById('helper-widget-root');
                  const t = r && r.shadowRoot.querySelector('#hw-title');
                  return t && t.textContent === 'Again'; })()",
    )
    .await;
    // Give any straggling second copy time to do damage.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let counts = b
        .js(
            "return { roots: document.querySelectorAll('#helper-widget-root').length,
                      launchers: document.getElementById('helper-widget-root').shadowRoot
                                   .querySelectorAll('[data-testid=launcher]').length };",
            vec![],
        )
        .await;
    assert_eq!(counts, json!({ "roots": 1, "launchers": 1 }));
    b.close().await;
}

#[tokio::test]
async fn delay_init_starts_nothing_until_init_and_destroy_removes_everything() {
    let site = Site::start().await;
    let url = site.page(
        "/delayed",
        &html(r#"<script src="{SDK}" data-delay-init></script>"#, ""),
    );
    let b = Browser::start().await;
    b.client.goto(&url).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let before = b
        .js(
            "return { root: !!document.getElementById('helper-widget-root'),
                      fetched: performance.getEntriesByType('resource').map(e => e.name)
                                 .filter(n => !n.endsWith('/sdk.js') && !n.endsWith('/favicon.ico')) };",
            vec![],
        )
        .await;
    assert_eq!(before, json!({ "root": false, "fetched": [] }));
    const HOST_STYLES: &str = "return ['html', 'body', 'h1'].map(function (sel) {
        var cs = getComputedStyle(document.querySelector(sel));
        return Array.from(cs).map(function (p) { return p + ':' + cs.getPropertyValue(p); }).join(';');
      });";
    let host_styles_before = b.js(HOST_STYLES, vec![]).await;

    b.js(
        "window.inited = false; HelperWidget.init({ title: 'Later', iconColor: '#ffff00' }).then(function () { window.inited = true; });",
        vec![],
    )
    .await;
    b.wait_js("window.inited").await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    let title = b
        .in_shadow("root.querySelector('#hw-title').textContent")
        .await;
    assert_eq!(title, "Later");
    let bg = b
        .in_shadow("getComputedStyle(root.querySelector('[data-testid=launcher]')).backgroundColor")
        .await;
    assert_eq!(bg, "rgb(255, 255, 0)");
    assert_eq!(
        b.js(HOST_STYLES, vec![]).await,
        host_styles_before,
        "the widget's CSS does not reach the host page"
    );

    b.js("HelperWidget.destroy()", vec![]).await;
    assert!(!b.widget_mounted().await);
    // After destroy, calls queue again until the next init.
    b.js("HelperWidget.show(); HelperWidget.init({});", vec![])
        .await;
    b.wait_panel(true).await;
    b.close().await;
}

#[tokio::test]
async fn malformed_config_warns_once_per_field_and_still_shows_the_widget() {
    let site = Site::start().await;
    let url = site.page(
        "/badconfig",
        &html(
            r#"<script>window.helperWidgetConfig = { title: 42, iconColor: "url(evil)", host: "javascript:alert(1)", unknownThing: true };</script>
               <script src="{SDK}" async></script>"#,
            "",
        ),
    );
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    // `title` is the chat code's to read, so its warning comes once that has loaded.
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    let logs = b.console().await;
    let warnings: Vec<&str> = logs
        .lines()
        .filter(|l| l.starts_with("warn:") && l.contains("helperWidgetConfig"))
        .collect();
    assert_eq!(warnings.len(), 3, "{logs}");
    assert!(
        logs.contains("iconColor") && logs.contains("title") && logs.contains("host"),
        "{logs}"
    );
    let title = b
        .in_shadow("root.querySelector('#hw-title').textContent")
        .await;
    assert_eq!(title, "Support");
    b.close().await;
}

#[tokio::test]
async fn minimize_maximize_and_toggle_minimize_change_the_panel_size() {
    let site = Site::start().await;
    let url = site.page(
        "/minimize",
        &html(r#"<script src="{SDK}" async></script>"#, ""),
    );
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    const HEIGHT: &str = "Math.round(document.getElementById('helper-widget-root').shadowRoot
        .querySelector('[data-testid=widget-panel]').getBoundingClientRect().height)";
    let full = b
        .js(&format!("return {HEIGHT}"), vec![])
        .await
        .as_f64()
        .unwrap();
    b.js("HelperWidget.minimize()", vec![]).await;
    b.wait_js(&format!("{HEIGHT} <= 500")).await;
    b.js("HelperWidget.maximize()", vec![]).await;
    b.wait_js(&format!("{HEIGHT} === {full}")).await;
    b.js("HelperWidget.toggleMinimize()", vec![]).await;
    b.wait_js(&format!("{HEIGHT} <= 500")).await;
    b.js("HelperWidget.toggleMinimize()", vec![]).await;
    b.wait_js(&format!("{HEIGHT} === {full}")).await;
    assert!(
        full > 500.0,
        "the full panel is taller than the minimized one: {full}"
    );
    b.close().await;
}

#[tokio::test]
async fn a_deferred_tag_in_head_works_too() {
    let site = Site::start().await;
    let url = site.page(
        "/defer",
        &html(r#"<script src="{SDK}" defer></script>"#, ""),
    );
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.toggle()", vec![]).await;
    b.wait_panel(true).await;
    assert_eq!(b.console().await, "");
    b.close().await;
}
