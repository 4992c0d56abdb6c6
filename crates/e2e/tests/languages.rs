//! The visitor's language in real Chromium (embed-contract §3 `locale`): the language comes from
//! config `locale`, else the page's `<html lang>`, else the browser; every text the loader and
//! the chat code show comes from that language's catalogue (fetched only for pages not in
//! English), counts take the language's plural forms and times its words (`Intl`), a site's
//! `messages` override any text, and Arabic lays the whole widget out right to left.

use helper_widget_e2e::{Browser, Site, CONSOLE_CAPTURE};
use serde_json::{json, Value};

fn catalogue(lang: &str) -> Value {
    let path = format!("{}/../../locales/{lang}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("catalogue JSON")
}

/// A host page in `lang` (its `<html lang>`) with extra config fields, and a helper that drops
/// `n` small PNG files on the composer.
fn page(lang: &str, config: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset=utf-8>{CONSOLE_CAPTURE}
        <script>window.helperWidgetConfig = Object.assign({{ host: "{{API}}" }}, {config});
        window.__root = function () {{ return document.getElementById('helper-widget-root').shadowRoot; }};
        window.__drop = function (n) {{
          var dt = new DataTransfer();
          for (var i = 1; i <= n; i++) dt.items.add(new File([new Uint8Array(8)], 'shot' + i + '.png', {{ type: 'image/png' }}));
          var form = __root().querySelector('form.hw-composer');
          form.dispatchEvent(new DragEvent('dragover', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
          form.dispatchEvent(new DragEvent('drop', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
        }};
        window.__catalogues = function () {{
          return performance.getEntriesByType('resource').map(function (e) {{ return e.name; }})
            .filter(function (n) {{ return /\/locales-[0-9a-f]{{8}}\//.test(n); }})
            .map(function (n) {{ return n.split('/').pop(); }});
        }};
        </script>
        <script src="{{SDK}}"></script></head><body><h1>Host</h1></body></html>"#
    )
}

async fn js(b: &Browser, expr: &str) -> Value {
    b.js(&format!("return ({expr});"), vec![]).await
}

/// `template` with `{name}` placeholders filled, as the widget fills them.
fn fill(template: &str, args: &[(&str, &str)]) -> String {
    args.iter().fold(template.to_owned(), |t, (name, value)| {
        t.replace(&format!("{{{name}}}"), value)
    })
}

/// Drops six files on the composer and returns the alert about the sixth (a message takes
/// five), whose reason shows a count.
async fn sixth_file_refused(b: &Browser) -> Value {
    js(b, "__drop(6)").await;
    let alert = "__root().querySelector('.hw-composer [role=alert]').textContent";
    b.wait_js(alert).await;
    js(b, alert).await
}

/// Opens the panel (a second page of the same visit may have it open already).
async fn open_panel(b: &Browser) {
    js(b, "HelperWidget.show()").await;
    b.wait_panel(true).await;
}

#[tokio::test]
async fn an_arabic_page_gets_the_widget_in_arabic_right_to_left() {
    let ar = catalogue("ar");
    let site = Site::start().await;
    // The site overrides one plural form only: Arabic's other forms stay.
    let config = r#"{ messages: { "composer.refused_count": { "other": "OVERRIDDEN {count}" } } }"#;
    let url = site.page("/ar", &page("ar", config));
    let b = Browser::start_with_size(1200, 900).await;
    let launcher = b.open_with_widget(&url).await;
    // The loader's own texts, before any chat code: the launcher's name.
    assert_eq!(
        launcher.attr("aria-label").await.unwrap().as_deref(),
        ar["launcher.label"].as_str()
    );
    assert_eq!(js(&b, "__catalogues()").await, json!(["ar.json"]));
    let side = "(function (el) { var r = el.getBoundingClientRect(); return r.left + r.width / 2 < innerWidth / 2 ? 'left' : 'right'; })";
    assert_eq!(
        js(
            &b,
            &format!("{side}(__root().querySelector('[data-testid=launcher]'))")
        )
        .await,
        "left",
        "the launcher's corner mirrors"
    );
    open_panel(&b).await;
    let facts = js(
        &b,
        &format!(
            "(function () {{ var r = __root(), root = r.querySelector('.hw-root');
            return {{ dir: root.dir, lang: root.lang, direction: getComputedStyle(r.querySelector('.hw-panel')).direction,
              panel: {side}(r.querySelector('[data-testid=widget-panel]')),
              composer: r.querySelector('textarea.hw-input').getAttribute('aria-label'),
              placeholder: r.querySelector('textarea.hw-input').placeholder,
              send: r.querySelector('.hw-send').getAttribute('aria-label'),
              greeting: r.querySelector('.hw-greeting').textContent }}; }})()"
        ),
    )
    .await;
    assert_eq!(
        facts,
        json!({ "dir": "rtl", "lang": "ar", "direction": "rtl", "panel": "left",
                "composer": ar["composer.label"], "placeholder": ar["composer.placeholder"],
                "send": ar["composer.send"], "greeting": ar["transcript.greeting"] })
    );

    // A conversation: the visitor's bubble on the left (the end of a right-to-left line), the
    // answer on the right, its time in Arabic words, its buttons named in Arabic.
    let composer = b.wait_shadow("textarea.hw-input").await;
    composer.send_keys("مرحبا").await.expect("type");
    composer.send_keys("\u{E007}").await.expect("Enter");
    b.wait_settled(2).await;
    b.wait_js("__root().querySelector('[data-testid=reaction-up]')")
        .await;
    let layout = js(
        &b,
        "(function () { var m = __root().querySelectorAll('[data-testid=message]');
           var u = m[0].getBoundingClientRect(), a = m[1].getBoundingClientRect();
           var time = m[1].querySelector('[data-testid=message-time]');
           return { userLeftOfAnswer: u.left < a.left && u.right < a.right,
             time: time && time.textContent,
             now: new Intl.RelativeTimeFormat('ar', { style: 'narrow', numeric: 'auto' }).format(0, 'second'),
             up: __root().querySelector('[data-testid=reaction-up]').getAttribute('aria-label') }; })()",
    )
    .await;
    assert_eq!(layout["userLeftOfAnswer"], true, "{layout}");
    assert_eq!(layout["time"], layout["now"], "{layout}");
    assert_eq!(layout["up"], ar["reaction.up"]);

    // A count in Arabic takes its own plural form: five files is "few", written in the
    // language's digits.
    let alert = sixth_file_refused(&b).await;
    let five = js(&b, "(5).toLocaleString('ar')").await;
    let reason = fill(
        ar["composer.refused_count"]["few"].as_str().unwrap(),
        &[("count", five.as_str().unwrap())],
    );
    let expected = fill(
        ar["composer.refused"].as_str().unwrap(),
        &[("name", "shot6.png"), ("reason", &reason)],
    );
    assert_eq!(alert.as_str(), Some(expected.as_str()));
    let logs = b.console().await;
    assert!(!logs.contains("error"), "{logs}");
    b.close().await;
}

#[tokio::test]
async fn config_locale_wins_and_a_site_overrides_single_texts() {
    let de = catalogue("de");
    let site = Site::start().await;
    let config = r#"{ locale: "de-AT", title: "Hilfe", messages: { "composer.placeholder": "Schreiben Sie uns" } }"#;
    let url = site.page("/de", &page("en", config));
    let b = Browser::start_with_size(1200, 900).await;
    let launcher = b.open_with_widget(&url).await;
    assert_eq!(
        launcher.attr("aria-label").await.unwrap().as_deref(),
        de["launcher.label"].as_str()
    );
    // The region's catalogue does not exist: the language's is used.
    assert_eq!(js(&b, "__catalogues()").await, json!(["de.json"]));
    open_panel(&b).await;
    let facts = js(
        &b,
        "(function () { var r = __root(), root = r.querySelector('.hw-root');
           return { dir: root.dir, lang: root.lang, title: r.querySelector('#hw-title').textContent,
             composer: r.querySelector('textarea.hw-input').getAttribute('aria-label'),
             placeholder: r.querySelector('textarea.hw-input').placeholder,
             history: r.querySelector('[data-testid=history-button]').getAttribute('aria-label'),
             right: r.querySelector('[data-testid=launcher]').getBoundingClientRect().left > innerWidth / 2 }; })()",
    )
    .await;
    assert_eq!(
        facts,
        json!({ "dir": "ltr", "lang": "de-AT", "title": "Hilfe",
                "composer": de["composer.label"], "placeholder": "Schreiben Sie uns",
                "history": de["panel.history"], "right": true })
    );
    // German counts: "other" for five.
    let alert = sixth_file_refused(&b).await;
    let reason = fill(
        de["composer.refused_count"]["other"].as_str().unwrap(),
        &[("count", "5")],
    );
    let expected = fill(
        de["composer.refused"].as_str().unwrap(),
        &[("name", "shot6.png"), ("reason", &reason)],
    );
    assert_eq!(alert.as_str(), Some(expected.as_str()));

    // A bug report in German, with none of the English keywords, offers a screenshot, labelled
    // in German.
    let english = catalogue("en");
    let english: Vec<&str> = english["composer.screenshot_keywords"]
        .as_str()
        .unwrap()
        .split('|')
        .collect();
    let german = de["composer.screenshot_keywords"].as_str().unwrap();
    let keyword = german
        .split('|')
        .find(|k| !english.iter().any(|e| k.contains(e)))
        .expect("a German keyword of its own");
    let offered = "(function () { var o = __root().querySelector('[data-testid=screenshot-option]'); return !!o && o.offsetParent !== null; })()";
    assert_eq!(js(&b, offered).await, json!(false), "no draft, no offer");
    let composer = b.wait_shadow("textarea.hw-input").await;
    composer
        .send_keys(&format!("Beim Bezahlen: {keyword}"))
        .await
        .expect("type");
    b.wait_js(offered).await;
    let label = js(
        &b,
        "__root().querySelector('[data-testid=screenshot-option]').closest('label').textContent",
    )
    .await;
    let wanted = de["composer.screenshot"].as_str().unwrap();
    assert!(
        label.as_str().unwrap().contains(wanted),
        "{label} vs {wanted}"
    );
    b.close().await;
}

#[tokio::test]
async fn english_fetches_no_catalogue_and_odd_locales_fall_back_with_a_warning() {
    let en = catalogue("en");
    let site = Site::start().await;
    // A malformed locale: one warning, then the page's language (English here).
    let url = site.page("/bad", &page("en", r#"{ locale: "not a tag!" }"#));
    let b = Browser::start().await;
    let launcher = b.open_with_widget(&url).await;
    assert_eq!(
        launcher.attr("aria-label").await.unwrap().as_deref(),
        en["launcher.label"].as_str()
    );
    open_panel(&b).await;
    assert_eq!(
        b.shadow_text(".hw-greeting").await,
        en["transcript.greeting"].as_str().unwrap()
    );
    assert_eq!(js(&b, "__catalogues()").await, json!([]));
    let logs = b.console().await;
    assert_eq!(logs.matches(".locale must be").count(), 1, "{logs}");

    // A language without a catalogue: English texts, but the page's language for `lang`, and
    // so for the words `Intl` writes (times, numbers).
    let url = site.page("/sv", &page("sv", "{}"));
    b.open_with_widget(&url).await;
    open_panel(&b).await;
    let facts = js(
        &b,
        "(function () { var r = __root(); return { lang: r.querySelector('.hw-root').lang,
           send: r.querySelector('.hw-send').getAttribute('aria-label'), catalogues: __catalogues() }; })()",
    )
    .await;
    assert_eq!(
        facts,
        json!({ "lang": "sv", "send": en["composer.send"], "catalogues": [] })
    );
    b.close().await;
}
