//! What a site chooses and what the visitor leaves behind (embed-contract §3, §4): `theme` and
//! `position`, the minimized panel kept across a reload, and a widget that survives a
//! single-page app replacing `<body>` (Turbo Drive, Astro view transitions). Real Chromium,
//! `dist/` on its own origin, the local API on a third.

use helper_widget_e2e::{page, AssetFaults, Browser, Site};
use serde_json::{json, Value};
use std::time::Duration;

/// The panel's computed background colour, once it is open.
async fn panel_background(b: &Browser) -> String {
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    b.in_shadow(
        "getComputedStyle(root.querySelector('[data-testid=widget-panel]')).backgroundColor",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

const LIGHT: &str = "rgb(255, 255, 255)";
const DARK: &str = "rgb(28, 28, 30)";

#[tokio::test]
async fn theme_light_and_dark_are_kept_and_auto_follows_the_system() {
    let site = Site::start().await;
    let auto = site.page("/auto", &page("{}", ""));
    let dark = site.page("/dark", &page("{ theme: 'dark' }", ""));
    let light = site.page("/light", &page("{ theme: 'light' }", ""));

    let b = Browser::start().await;
    b.open_with_widget(&auto).await;
    assert_eq!(panel_background(&b).await, LIGHT, "auto on a light system");
    b.open_with_widget(&dark).await;
    assert_eq!(panel_background(&b).await, DARK, "dark on a light system");
    assert_eq!(b.console().await, "", "no warnings for valid values");
    b.close().await;

    let b = Browser::start_with(1280, 900, &["--force-dark-mode"]).await;
    b.open_with_widget(&auto).await;
    assert_eq!(
        b.js(
            "return matchMedia('(prefers-color-scheme: dark)').matches",
            vec![]
        )
        .await,
        json!(true),
        "the browser reports a dark system"
    );
    assert_eq!(panel_background(&b).await, DARK, "auto on a dark system");
    b.open_with_widget(&light).await;
    assert_eq!(panel_background(&b).await, LIGHT, "light on a dark system");
    b.close().await;
}

/// The launcher's and the panel's left and right edges, and the viewport width.
async fn edges(b: &Browser) -> Value {
    b.in_shadow(
        "[root.querySelector('[data-testid=launcher]'), root.querySelector('[data-testid=widget-panel]')]
           .map(el => { const r = el.getBoundingClientRect(); return [r.left, innerWidth - r.right]; })",
    )
    .await
}

#[tokio::test]
async fn position_left_puts_launcher_and_panel_in_the_left_corner() {
    let site = Site::start().await;
    let url = site.page("/left", &page("{ position: 'left' }", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    let e = edges(&b).await;
    for (what, rect) in [("launcher", &e[0]), ("panel", &e[1])] {
        let (left, right) = (rect[0].as_f64().unwrap(), rect[1].as_f64().unwrap());
        assert!(
            (left - 20.0).abs() < 2.0 && right > 200.0,
            "{what} 20px from the left edge: {e}"
        );
    }
    assert_eq!(b.console().await, "");
    b.close().await;
}

/// The load-error note goes with the launcher, and takes the dark scheme's page colours.
#[tokio::test]
async fn the_load_error_note_follows_position_and_theme() {
    let site = Site::start_with_assets(
        helper_dev_server::Options::default(),
        AssetFaults::failing_wasm(1),
    )
    .await;
    let url = site.page(
        "/left-error",
        &page("{ position: 'left', theme: 'dark' }", ""),
    );
    let b = Browser::start().await;
    b.open_with_widget(&url).await.click().await.unwrap();
    b.wait_shadow("[data-testid=load-error]").await;
    let note = b
        .in_shadow(
            "(() => { const el = root.querySelector('[data-testid=load-error]');
               return [el.getBoundingClientRect().left, getComputedStyle(el).backgroundColor]; })()",
        )
        .await;
    assert!(
        (note[0].as_f64().unwrap() - 20.0).abs() < 2.0,
        "20px from the left edge: {note}"
    );
    assert_ne!(note[1], LIGHT, "a dark note on the dark theme: {note}");
    b.close().await;
}

#[tokio::test]
async fn a_bad_theme_or_position_warns_once_and_uses_the_default() {
    let site = Site::start().await;
    let url = site.page("/bad", &page("{ theme: 'purple', position: 42 }", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    let console = b.console().await;
    for field in ["theme", "position"] {
        assert_eq!(
            console
                .matches(&format!("helperWidgetConfig.{field}"))
                .count(),
            1,
            "one warning for {field}: {console}"
        );
    }
    assert_eq!(panel_background(&b).await, LIGHT, "auto on a light system");
    let e = edges(&b).await;
    assert!(
        (e[0][1].as_f64().unwrap() - 20.0).abs() < 2.0,
        "the launcher stays in the right corner: {e}"
    );
    // The chat code warns about nothing more once it has loaded.
    assert_eq!(b.console().await, console);
    b.close().await;
}

/// The minimize/maximize button's visible name (the one of its two names the stylesheet shows).
const SIZE_BUTTON_NAME: &str = "[...root.querySelectorAll('.hw-size span')]
    .filter(s => getComputedStyle(s).display !== 'none').map(s => s.textContent).join('|')";

fn minimized_class(minimized: bool) -> String {
    format!(
        "document.getElementById('helper-widget-root').shadowRoot
           .querySelector('[data-testid=widget-panel]').classList.contains('hw-panel--minimized') === {minimized}"
    )
}

#[tokio::test]
async fn the_header_button_minimizes_and_a_reload_keeps_it() {
    let site = Site::start().await;
    let url = site.page("/minimized", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    assert_eq!(b.in_shadow(SIZE_BUTTON_NAME).await, "Minimize chat");
    b.in_shadow("root.querySelector('.hw-size').click()").await;
    b.wait_js(&minimized_class(true)).await;
    assert_eq!(b.in_shadow(SIZE_BUTTON_NAME).await, "Maximize chat");
    assert_eq!(
        b.js(
            "return localStorage.getItem('helper_widget_rs_minimized')",
            vec![]
        )
        .await,
        json!("1")
    );

    // Open and minimized, as the visitor left it.
    b.client.refresh().await.unwrap();
    b.wait_panel(true).await;
    b.wait_js(&minimized_class(true)).await;
    assert_eq!(b.in_shadow(SIZE_BUTTON_NAME).await, "Maximize chat");

    // The API and the button agree.
    b.js("HelperWidget.maximize()", vec![]).await;
    b.wait_js(&minimized_class(false)).await;
    assert_eq!(b.in_shadow(SIZE_BUTTON_NAME).await, "Minimize chat");
    assert_eq!(
        b.js(
            "return localStorage.getItem('helper_widget_rs_minimized')",
            vec![]
        )
        .await,
        Value::Null
    );
    b.js("HelperWidget.toggleMinimize()", vec![]).await;
    b.wait_js(&minimized_class(true)).await;
    b.in_shadow("root.querySelector('.hw-size').click()").await;
    b.wait_js(&minimized_class(false)).await;
    b.client.refresh().await.unwrap();
    b.wait_panel(true).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        b.js(&format!("return {}", minimized_class(false)), vec![])
            .await
            == json!(true)
    );
    b.close().await;
}

#[tokio::test]
async fn the_size_button_is_not_shown_where_the_panel_is_full_screen() {
    let site = Site::start().await;
    let url = site.page("/phone", &page("{}", ""));
    let b = Browser::start_with_size(390, 800).await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    assert_eq!(
        b.in_shadow("getComputedStyle(root.querySelector('.hw-size')).display")
            .await,
        "none"
    );
    b.close().await;
}

/// Replaces `<body>` as Turbo Drive does: a new body with a toggle of its own and, like
/// Turbo's cached snapshots, a shadowless copy of the widget's root.
const SWAP_BODY: &str = "const next = document.createElement('body');
    next.innerHTML = '<h1>Next page</h1><button id=\"next-toggle\" data-helper-toggle>Help</button>';
    const root = document.getElementById('helper-widget-root');
    if (root) next.appendChild(root.cloneNode(false));
    document.body.replaceWith(next);";

#[tokio::test]
async fn a_replaced_body_gets_the_same_widget_back_and_destroy_removes_it() {
    let site = Site::start().await;
    let url = site.page("/spa", &page("{}", ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.type_and_send("How do I change my plan?").await;
    b.wait_settled(2).await;
    b.js(
        "window.firstRoot = document.getElementById('helper-widget-root');
         window.opens = 0; HelperWidget.on('open', () => opens++);",
        vec![],
    )
    .await;

    b.js(SWAP_BODY, vec![]).await;
    b.wait_js(
        "document.querySelectorAll('#helper-widget-root').length === 1
         && document.getElementById('helper-widget-root') === firstRoot
         && firstRoot.parentNode === document.body",
    )
    .await;
    assert_eq!(
        b.js(
            "return document.body.querySelector('h1').textContent",
            vec![]
        )
        .await,
        "Next page"
    );
    assert!(b.panel_open().await, "the panel is still open");
    b.wait_settled(2).await;
    b.wait_js("document.getElementById('next-toggle').getAttribute('data-helper-open') === 'true'")
        .await;

    // The new page's toggle works through the listeners the loader had on the document.
    b.click("#next-toggle").await;
    b.wait_panel(false).await;
    b.wait_js(
        "document.getElementById('next-toggle').getAttribute('data-helper-open') === 'false'",
    )
    .await;
    b.click("#next-toggle").await;
    b.wait_panel(true).await;
    b.wait_settled(2).await;
    assert_eq!(b.js("return opens", vec![]).await, json!(1), "no re-init");

    // A second navigation, then destroy: nothing is left, and later swaps bring nothing back.
    b.js(SWAP_BODY, vec![]).await;
    b.wait_js(
        "document.querySelectorAll('#helper-widget-root').length === 1
         && document.getElementById('helper-widget-root') === firstRoot",
    )
    .await;
    b.js("HelperWidget.destroy()", vec![]).await;
    assert!(!b.widget_mounted().await);
    b.js(SWAP_BODY, vec![]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !b.widget_mounted().await,
        "destroy() stopped watching the body"
    );
    assert_eq!(
        b.js(
            "return document.getElementById('next-toggle').hasAttribute('data-helper-open')",
            vec![]
        )
        .await,
        json!(false),
        "nor are the new page's toggles marked"
    );
    let console = b.console().await;
    assert!(!console.contains("error"), "{console}");
    b.close().await;
}
