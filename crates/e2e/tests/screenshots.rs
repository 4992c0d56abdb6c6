//! The screenshot opt-in in real Chromium against the local Helper-compatible server
//! (helper-api.md §4 "Screenshot", with a preview before sending and form fields masked): the
//! checkbox offered only for a draft that reads like a bug report, the capture module fetched
//! only once the box is ticked, the preview in the attachment tray, the picture's pixels (fields
//! masked, the widget left out), the message's `experimental_attachments`, the shortcut, and a
//! capture that fails.

use helper_widget_e2e::{dist_dir, AssetFaults, Browser, Site, CONSOLE_CAPTURE, RECORD_CHATS};
use serde_json::Value;

/// The mask colour of embed/screenshot.js (#9ca3af).
const MASK: [i64; 3] = [0x9c, 0xa3, 0xaf];
/// The host page's background (#fef3c7), which the widget's panel must not cover in the
/// picture.
const PAGE: [i64; 3] = [0xfe, 0xf3, 0xc7];

/// Reads the composer and its screenshot option (the requests are recorded by
/// [`RECORD_CHATS`]).
const HELPERS: &str = r#"<script>
window.__box = function () { return __root().querySelector('input[type=checkbox][data-testid=screenshot-option]'); };
/// Whether the checkbox is shown (rendered), and its state.
window.__option = function () {
  var box = __box();
  if (!box) return { shown: false };
  return { shown: box.getClientRects().length > 0, checked: box.checked, disabled: box.disabled,
    label: box.closest('label').textContent };
};
/// The capture module's requests so far, from the page's resource timing.
window.__chunkLoads = function () {
  return performance.getEntriesByType('resource')
    .filter(function (e) { return /\/screenshot-[0-9a-f]{8}\.js$/.test(new URL(e.name).pathname); }).length;
};
window.__previews = function () {
  return Array.from(__root().querySelectorAll('[data-testid=attachment-preview]')).map(function (p) {
    var img = p.querySelector('img');
    return { text: p.textContent, img: img ? img.getAttribute('src') : null };
  });
};
window.__alert = function () {
  var a = __root().querySelector('.hw-composer [role=alert]');
  return a ? a.textContent : '';
};
/// Types into the composer as a visitor does (the input event the composer listens to).
window.__type = function (text) {
  var ta = __root().querySelector('textarea[aria-label="Ask a question"]');
  ta.focus();
  ta.value = text;
  ta.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
};
/// Decodes the PNG data URL `url` and returns the RGB of each CSS-pixel point in `points`
/// (scaled by devicePixelRatio, as the capture is), with the picture's size.
window.__pixels = function (url, points, done) {
  var img = new Image();
  img.onload = function () {
    var c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    var ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    var dpr = Math.min(window.devicePixelRatio || 1, 2);
    done({ width: c.width, height: c.height, px: points.map(function (p) {
      var d = ctx.getImageData(Math.round(p[0] * dpr), Math.round(p[1] * dpr), 1, 1).data;
      return [d[0], d[1], d[2]];
    }) });
  };
  img.onerror = function () { done(null); };
  img.src = url;
};
</script>"#;

/// A host page with a form whose fields hold what must never be in a screenshot, on a coloured
/// background. `head` goes first in `<head>` (a policy).
fn page(head: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset=utf-8>{head}{CONSOLE_CAPTURE}{RECORD_CHATS}{HELPERS}
        <script>window.helperWidgetConfig = {{ host: "{{API}}", title: "Acme support" }};</script>
        <script src="{{SDK}}" async></script>
        <style>
          html, body {{ margin: 0; background: #fef3c7; font: 16px sans-serif; }}
          #card {{ position: absolute; left: 40px; top: 100px; width: 320px; height: 56px;
                  font-size: 32px; color: #000; background: #fff; border: 2px solid #000; }}
          #note {{ position: absolute; left: 40px; top: 200px; width: 320px; height: 80px;
                  color: #000; background: #fff; }}
        </style></head>
        <body><h1>Checkout</h1>
        <input id="card" type="text" value="4242 4242 4242 4242">
        <textarea id="note">My address is 1 Secret Lane</textarea>
        </body></html>"#
    )
}

/// A long page scrolled down, with a fixed header (#2563eb) and a field below the fold.
fn scrolled_page() -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset=utf-8>{CONSOLE_CAPTURE}{RECORD_CHATS}{HELPERS}
        <script>window.helperWidgetConfig = {{ host: "{{API}}" }};</script>
        <script src="{{SDK}}" async></script>
        <style>
          html, body {{ margin: 0; background: #fef3c7; }}
          header {{ position: fixed; top: 0; left: 0; right: 0; height: 40px; background: #2563eb; }}
          main {{ height: 3000px; position: relative; }}
          #card {{ position: absolute; left: 40px; top: 900px; width: 320px; height: 56px;
                  font-size: 32px; background: #fff; color: #000; }}
        </style></head>
        <body><header></header><main><input id="card" type="text" value="4242 4242 4242 4242"></main>
        <script>scrollTo(0, 700);</script></body></html>"#
    )
}

async fn open(site: &Site, b: &Browser, path: &str, head: &str) {
    let url = site.page(path, &page(head));
    open_url(b, &url).await;
}

async fn open_url(b: &Browser, url: &str) {
    b.open_with_widget(url).await;
    b.in_shadow("root.querySelector('[data-testid=launcher]').click()")
        .await;
    b.wait_panel(true).await;
    b.wait_shadow("textarea[aria-label='Ask a question']").await;
}

async fn js(b: &Browser, expr: &str) -> Value {
    b.js(&format!("return {expr};"), vec![]).await
}

/// Clicks the screenshot checkbox as a visitor does.
async fn tick(b: &Browser) {
    b.wait_shadow("input[data-testid=screenshot-option]")
        .await
        .click()
        .await
        .expect("click the screenshot checkbox");
}

fn close_to(actual: &Value, expected: [i64; 3]) -> bool {
    actual.as_array().is_some_and(|a| {
        a.len() == 3 && (0..3).all(|i| (a[i].as_i64().unwrap_or(-99) - expected[i]).abs() <= 3)
    })
}

#[tokio::test]
async fn a_bug_report_offers_a_masked_screenshot_that_loads_its_code_only_then_and_is_sent() {
    let site = Site::start().await;
    let b = Browser::start().await;
    open(&site, &b, "/shot", "").await;

    // A neutral draft: no checkbox; and nothing of the capture code at page view or open.
    b.js("__type('How do I change my plan?')", vec![]).await;
    assert_eq!(js(&b, "__option().shown").await, false);
    assert_eq!(
        js(&b, "__chunkLoads()").await,
        0,
        "not at page view, open or typing"
    );

    // A draft that reads like a bug report: the box appears, unticked, with the shortcut.
    b.js("__type('I get an error on checkout')", vec![]).await;
    b.wait_js("__option().shown").await;
    let option = js(&b, "__option()").await;
    assert_eq!(option["checked"], false, "{option}");
    let label = option["label"].as_str().unwrap_or_default();
    assert!(
        label.contains("Include a screenshot for better support?")
            && label.contains("(Ctrl+Shift+S)"),
        "{option}"
    );
    // Still not fetched: offering costs nothing.
    assert_eq!(js(&b, "__chunkLoads()").await, 0);

    // Ticked: the capture module is fetched and the screenshot previewed before sending.
    tick(&b).await;
    b.wait_js("__previews().length === 1").await;
    assert_eq!(js(&b, "__chunkLoads()").await, 1);
    let preview = js(&b, "__previews()[0]").await;
    assert!(
        preview["text"]
            .as_str()
            .unwrap_or_default()
            .contains("screenshot.png"),
        "{preview}"
    );
    let url = preview["img"].as_str().unwrap_or_default().to_owned();
    assert!(url.starts_with("data:image/png;base64,"), "{preview}");
    let option = js(&b, "__option()").await;
    assert_eq!(option["checked"], true, "{option}");
    assert_eq!(option["disabled"], false, "{option}");

    // The picture: the viewport; both fields grey boxes; the page around them as it is; the
    // open panel not in it.
    let at = b
        .js(
            "const f = (el) => { const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; };
             const panel = __root().querySelector('[data-testid=widget-panel]').getBoundingClientRect();
             return { card: f(document.getElementById('card')), note: f(document.getElementById('note')),
               beside: [20, 128], panel: [panel.left + panel.width / 2, panel.top + panel.height / 2],
               viewport: [document.documentElement.clientWidth, document.documentElement.clientHeight],
               dpr: Math.min(devicePixelRatio || 1, 2) };",
            vec![],
        )
        .await;
    let points = serde_json::json!([at["card"], at["note"], at["beside"], at["panel"]]);
    let read = b
        .client
        .execute_async(
            "__pixels(arguments[0], arguments[1], arguments[arguments.length - 1]);",
            vec![Value::String(url.clone()), points],
        )
        .await
        .expect("decode the screenshot");
    let dpr = at["dpr"].as_f64().unwrap_or(1.0);
    assert_eq!(
        read["width"].as_f64(),
        at["viewport"][0].as_f64().map(|w| (w * dpr).round()),
        "the viewport's width: {read} {at}"
    );
    assert_eq!(
        read["height"].as_f64(),
        at["viewport"][1].as_f64().map(|h| (h * dpr).round()),
        "the viewport's height: {read} {at}"
    );
    let px = &read["px"];
    assert!(close_to(&px[0], MASK), "the text input is masked: {read}");
    assert!(close_to(&px[1], MASK), "the textarea is masked: {read}");
    assert!(
        close_to(&px[2], PAGE),
        "the page beside the field is not: {read}"
    );
    assert!(
        close_to(&px[3], PAGE),
        "the widget is not in the picture: {read}"
    );
    // The live page was not touched.
    assert_eq!(
        js(&b, "document.getElementById('card').value + '|' + document.getElementById('card').getAttribute('style')").await,
        "4242 4242 4242 4242|null"
    );

    // Sent with the message, as one of its attachments; the box resets.
    let composer = b.wait_shadow("textarea[aria-label='Ask a question']").await;
    composer.send_keys("\u{E007}").await.expect("Enter");
    b.wait_settled(2).await;
    b.wait_js("__chats().length === 1").await;
    let sent = js(&b, "__chats()[0].message").await;
    assert_eq!(sent["content"], "I get an error on checkout");
    let attachments = sent["experimental_attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(attachments.len(), 1, "{sent}");
    assert_eq!(attachments[0]["name"], "screenshot.png");
    assert_eq!(attachments[0]["contentType"], "image/png");
    assert_eq!(attachments[0]["url"], Value::String(url));
    assert_eq!(js(&b, "__previews().length").await, 0);
    let option = js(&b, "__option()").await;
    assert_eq!(
        option["shown"], false,
        "hidden for the empty draft: {option}"
    );
    assert_eq!(option["checked"], false, "{option}");

    // The next bug report offers it again, unticked.
    b.js("__type('It is still broken')", vec![]).await;
    b.wait_js("__option().shown").await;
    assert_eq!(js(&b, "__option().checked").await, false);
    b.close().await;
}

#[tokio::test]
async fn the_shortcut_toggles_the_screenshot_and_removing_the_preview_unticks_it() {
    let site = Site::start().await;
    let b = Browser::start().await;
    open(&site, &b, "/keys", "").await;
    let composer = b.wait_shadow("textarea[aria-label='Ask a question']").await;
    composer
        .send_keys("Where is my invoice?")
        .await
        .expect("type");
    assert_eq!(js(&b, "__option().shown").await, false);

    // Ctrl+Shift+S (the NULL key releases the modifiers): shown, ticked, captured.
    composer
        .send_keys("\u{E009}\u{E008}s\u{E000}")
        .await
        .expect("Ctrl+Shift+S");
    b.wait_js("__previews().length === 1").await;
    let option = js(&b, "__option()").await;
    assert_eq!(option["shown"], true, "{option}");
    assert_eq!(option["checked"], true, "{option}");
    assert_eq!(
        js(&b, "__root().querySelector('textarea').value").await,
        "Where is my invoice?",
        "the shortcut types nothing"
    );

    // Again: unticked, the preview gone.
    composer
        .send_keys("\u{E009}\u{E008}s\u{E000}")
        .await
        .expect("Ctrl+Shift+S");
    b.wait_js("__previews().length === 0").await;
    assert_eq!(js(&b, "__option()").await["checked"], false);

    // Ticked again, then the preview's remove button: the box follows.
    tick(&b).await;
    b.wait_js("__previews().length === 1").await;
    b.wait_shadow("button[aria-label='Remove screenshot.png']")
        .await
        .click()
        .await
        .expect("remove the screenshot");
    b.wait_js("__previews().length === 0").await;
    let option = js(&b, "__option()").await;
    assert_eq!(option["checked"], false, "{option}");
    assert_eq!(option["shown"], true, "still offered: {option}");
    // The module was fetched once for all three captures.
    assert_eq!(js(&b, "__chunkLoads()").await, 1);
    b.close().await;
}

/// A real failure: the page's Content-Security-Policy allows the loader and the chat code by
/// their exact paths but not the capture module, so its import is refused.
#[tokio::test]
async fn a_screenshot_that_cannot_be_taken_is_announced_and_the_message_goes_without_it() {
    let site = Site::start().await;
    let glue = std::fs::read_dir(dist_dir())
        .expect("dist/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.starts_with("helper-widget-") && n.ends_with(".js"))
        .expect("the glue in dist/");
    let policy = format!(
        "script-src 'unsafe-inline' {assets}/sdk.js {assets}/{glue} 'wasm-unsafe-eval'",
        assets = site.assets
    );
    let head = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">");
    let b = Browser::start().await;
    open(&site, &b, "/blocked", &head).await;

    b.js("__type('The checkout page is broken')", vec![]).await;
    b.wait_js("__option().shown").await;
    tick(&b).await;
    b.wait_js("__alert() !== ''").await;
    assert_eq!(
        js(&b, "__alert()").await,
        "The screenshot could not be taken. You can send your message without it."
    );
    let option = js(&b, "__option()").await;
    assert_eq!(option["checked"], false, "{option}");
    assert_eq!(option["disabled"], false, "{option}");
    assert_eq!(js(&b, "__previews().length").await, 0);

    // The message still goes, without a screenshot.
    let composer = b.wait_shadow("textarea[aria-label='Ask a question']").await;
    composer.send_keys("\u{E007}").await.expect("Enter");
    b.wait_settled(2).await;
    b.wait_js("__chats().length === 1").await;
    let sent = js(&b, "__chats()[0].message").await;
    assert_eq!(sent["content"], "The checkout page is broken");
    assert!(
        sent["experimental_attachments"]
            .as_array()
            .is_none_or(|a| a.is_empty()),
        "{sent}"
    );
    b.close().await;
}

/// The picture is what the visitor sees of a scrolled page: the field below the fold where it
/// now is (masked), the fixed header still at the top.
#[tokio::test]
async fn a_scrolled_page_is_captured_as_the_visitor_sees_it() {
    let site = Site::start().await;
    let b = Browser::start().await;
    let url = site.page("/scrolled", &scrolled_page());
    open_url(&b, &url).await;
    assert_eq!(js(&b, "Math.round(scrollY)").await, 700);
    b.js("__type('Checkout is broken')", vec![]).await;
    tick(&b).await;
    b.wait_js("__previews().length === 1").await;
    let url = js(&b, "__previews()[0].img").await;
    let at = b
        .js(
            "const r = document.getElementById('card').getBoundingClientRect();
             return [[r.left + r.width / 2, r.top + r.height / 2], [200, 20], [200, r.top - 60]];",
            vec![],
        )
        .await;
    assert!(
        at[0][1].as_f64().unwrap_or_default() > 150.0,
        "the field is in view, below the header: {at}"
    );
    let read = b
        .client
        .execute_async(
            "__pixels(arguments[0], arguments[1], arguments[arguments.length - 1]);",
            vec![url, at.clone()],
        )
        .await
        .expect("decode the screenshot");
    let px = &read["px"];
    assert!(
        close_to(&px[0], MASK),
        "the field, where it is seen: {read} {at}"
    );
    assert!(
        close_to(&px[1], [0x25, 0x63, 0xeb]),
        "the fixed header: {read}"
    );
    assert!(
        close_to(&px[2], PAGE),
        "the page above the field: {read} {at}"
    );
    b.close().await;
}

/// A capture module that failed to download once is asked for again on the next tick (the
/// browser keeps a failed import failed, so under a new URL).
#[tokio::test]
async fn a_module_that_failed_to_download_is_fetched_again_on_the_next_tick() {
    let site = Site::start_with_assets(
        helper_dev_server::Options::default(),
        AssetFaults::failing_screenshot(1),
    )
    .await;
    let b = Browser::start().await;
    open(&site, &b, "/retry", "").await;
    b.js("__type('I get an error')", vec![]).await;
    tick(&b).await;
    b.wait_js("__alert() !== ''").await;
    assert_eq!(js(&b, "__option().checked").await, false);
    tick(&b).await;
    b.wait_js("__previews().length === 1").await;
    assert_eq!(js(&b, "__alert()").await, "");
    assert_eq!(js(&b, "__option().checked").await, true);
    assert_eq!(
        js(&b, "__chunkLoads()").await,
        2,
        "the failed request and the retry"
    );
    b.close().await;
}
