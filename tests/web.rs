//! Component tests in headless Chromium (wasm-bindgen-test): the chat panel mounted by the embed
//! layer into a real document, driven through its DOM. The loader's part (launcher, page
//! attributes, session request) is `sdk.js`, tested end to end in crates/e2e; here a stand-in
//! gives the chat code what the loader would: a shadow root, a launcher, a session that failed.
#![cfg(target_arch = "wasm32")]

use helper_widget::embed;
use helper_widget_core::config::Config;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, ShadowRoot, ShadowRootInit, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

/// Leptos flushes DOM updates asynchronously: wait one macrotask, then a frame.
async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().expect("window");
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 30)
            .expect("setTimeout");
    });
    JsFuture::from(promise).await.expect("timer");
}

fn shadow() -> ShadowRoot {
    let host = gloo_document()
        .get_element_by_id(embed::ROOT_ID)
        .expect("#helper-widget-root exists");
    host.shadow_root().expect("open shadow root")
}

fn gloo_document() -> web_sys::Document {
    web_sys::window()
        .expect("window")
        .document()
        .expect("document")
}

fn find(selector: &str) -> Option<Element> {
    shadow().query_selector(selector).expect("valid selector")
}

fn panel_open() -> bool {
    !find("[data-testid=widget-panel]")
        .expect("panel")
        .has_attribute("hidden")
}

/// Makes what `sdk.js` makes before it mounts the chat code, and returns its bridge object.
fn loader_bridge() -> JsValue {
    let doc = gloo_document();
    if let Some(old) = doc.get_element_by_id(embed::ROOT_ID) {
        old.remove();
    }
    let host = doc.create_element("div").expect("div");
    host.set_id(embed::ROOT_ID);
    let shadow = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .expect("shadow root");
    let root = doc.create_element("div").expect("div");
    root.set_class_name("hw-root");
    let launcher = doc.create_element("button").expect("button");
    launcher
        .set_attribute("data-testid", "launcher")
        .expect("attr");
    root.append_child(&launcher).expect("append");
    shadow.append_child(&root).expect("append");
    doc.body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let offline = js_sys::Object::new();
    set(&offline, "ok", &false.into());
    set(&offline, "status", &0.into());
    set(&offline, "error", &"offline in component tests".into());
    let session = js_sys::Promise::resolve(&offline);
    let request = js_sys::Function::new_with_args(
        "_identity",
        "return Promise.resolve({ ok: false, status: 0, error: 'offline' });",
    );
    let bridge = js_sys::Object::new();
    set(&bridge, "shadow", &shadow);
    set(&bridge, "root", &root);
    set(&bridge, "base", &"http://127.0.0.1:9".into());
    set(&bridge, "owner", &"anonymous".into());
    set(&bridge, "identified", &false.into());
    set(&bridge, "session", &session);
    set(&bridge, "requestSession", &request);
    // The loader's unread(token); records its tokens in `window.unreadTokens`.
    let unread = js_sys::Function::new_with_args(
        "token",
        "(window.unreadTokens = window.unreadTokens || []).push(token); return Promise.resolve();",
    );
    set(&bridge, "unread", &unread);
    // The loader's screenshot(): no capture module here.
    let screenshot = js_sys::Function::new_no_args(
        "return Promise.reject(new Error('no screenshots in component tests'));",
    );
    set(&bridge, "screenshot", &screenshot);
    bridge.into()
}

fn set(target: &js_sys::Object, key: &str, value: &JsValue) {
    js_sys::Reflect::set(target, &key.into(), value).expect("set");
}

fn mount(config: Config) {
    let loader = embed::Loader::read(&loader_bridge()).expect("bridge reads");
    embed::mount(config, loader, None).expect("mounts");
}

#[wasm_bindgen_test]
async fn the_panel_opens_and_closes_with_its_parts() {
    mount(Config::default());
    tick().await;
    assert!(!panel_open());
    embed::with_ui(|ui| ui.toggle()).expect("mounted");
    tick().await;
    assert!(panel_open());
    let panel = find("[data-testid=widget-panel]").expect("panel");
    assert_eq!(panel.get_attribute("role").as_deref(), Some("dialog"));
    assert!(find("[role=log][data-testid=messages-list]").is_some());
    assert!(find("textarea[aria-label='Ask a question']").is_some());
    assert!(find("button[aria-label='Send message']").is_some());

    embed::with_ui(|ui| ui.toggle()).expect("mounted");
    tick().await;
    assert!(!panel_open());
    embed::unmount();
}

#[wasm_bindgen_test]
async fn opening_focuses_the_composer_and_escape_closes() {
    mount(Config::default());
    tick().await;
    embed::with_ui(|ui| ui.show()).expect("mounted");
    tick().await;
    tick().await;
    let active = shadow().active_element().expect("focus inside the widget");
    assert_eq!(
        active.get_attribute("aria-label").as_deref(),
        Some("Ask a question")
    );

    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let esc =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    active.dispatch_event(&esc).expect("dispatch");
    tick().await;
    assert!(!panel_open());
    embed::unmount();
}

#[wasm_bindgen_test]
async fn the_stylesheet_is_adopted_not_inline_and_leaves_with_the_panel() {
    mount(Config::default());
    tick().await;
    assert_eq!(shadow().adopted_style_sheets().length(), 1);
    assert_eq!(
        shadow()
            .query_selector_all("style")
            .expect("query")
            .length(),
        0,
        "no <style> element: strict-CSP pages refuse those"
    );
    embed::unmount();
    tick().await;
    assert_eq!(shadow().adopted_style_sheets().length(), 0);
    assert!(find("[data-testid=widget-panel]").is_none());
    assert!(
        find("[data-testid=launcher]").is_some(),
        "the launcher is the loader's"
    );
}

#[wasm_bindgen_test]
async fn init_twice_leaves_one_panel_and_unmount_removes_it() {
    mount(Config::default());
    let first_root = shadow();
    embed::unmount();
    mount(Config {
        title: Some("Second".into()),
    });
    tick().await;
    assert_eq!(
        shadow()
            .query_selector_all("[data-testid=widget-panel]")
            .expect("query")
            .length(),
        1
    );
    assert_eq!(
        find("#hw-title").expect("title").text_content().as_deref(),
        Some("Second")
    );
    assert!(
        first_root.host().parent_node().is_none(),
        "the stand-in loader replaced its root"
    );
    embed::unmount();
    tick().await;
    assert!(find("[data-testid=widget-panel]").is_none());
    assert!(embed::with_ui(|_| ()).is_none());
    // Calls after destroy reach nothing and do not panic.
    helper_widget::embed::exports::hw_show();
    helper_widget::embed::exports::hw_send_prompt("hello".into());
}

/// Resolves after `ms`.
async fn wait_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    JsFuture::from(promise).await.expect("timer");
}

#[wasm_bindgen_test]
async fn a_deadline_aborts_when_its_time_runs_out_and_a_restart_extends_it() {
    use helper_widget::api::{ApiError, Deadline};
    let deadline = Deadline::new(60, None).expect("deadline");
    wait_ms(30).await;
    deadline.restart(60);
    wait_ms(40).await;
    assert!(!deadline.signal().aborted(), "restarted, so not yet");
    wait_ms(60).await;
    assert!(deadline.signal().aborted());
    assert!(deadline.timed_out());
    assert_eq!(deadline.aborted_error(), ApiError::TimedOut);
}

#[wasm_bindgen_test]
async fn a_deadline_follows_its_outer_signal_without_calling_it_a_time_out() {
    use helper_widget::api::{ApiError, Deadline};
    let outer = web_sys::AbortController::new().expect("controller");
    let deadline = Deadline::new(10_000, Some(&outer.signal())).expect("deadline");
    assert!(!deadline.signal().aborted());
    outer.abort();
    assert!(deadline.signal().aborted());
    assert!(!deadline.timed_out());
    assert_eq!(deadline.aborted_error(), ApiError::Aborted);
    // Dropped: its timer is cleared, so nothing fires later.
    drop(deadline);
    let already = web_sys::AbortController::new().expect("controller");
    already.abort();
    let deadline = Deadline::new(10_000, Some(&already.signal())).expect("deadline");
    assert!(
        deadline.signal().aborted(),
        "an outer signal already aborted counts"
    );
}

#[wasm_bindgen_test]
async fn a_touched_deadline_only_times_out_after_a_silence() {
    use helper_widget::api::Deadline;
    let deadline = Deadline::new(60, None).expect("deadline");
    // Progress every 20 ms for 240 ms: four times the limit, never a silence of 60 ms.
    for _ in 0..12 {
        deadline.touch();
        wait_ms(20).await;
    }
    assert!(!deadline.signal().aborted(), "progress keeps it alive");
    // Then silence: given up within one and a half limits (plus timer slack).
    wait_ms(130).await;
    assert!(deadline.signal().aborted());
    assert!(deadline.timed_out());
}

#[wasm_bindgen_test]
fn the_unread_badge_is_refreshed_through_the_loader_with_the_token_given() {
    let window = web_sys::window().expect("window");
    js_sys::Reflect::set(&window, &"unreadTokens".into(), &js_sys::Array::new()).expect("reset");
    let loader = embed::Loader::read(&loader_bridge()).expect("bridge reads");
    let badge = loader.unread.clone();
    loader.refresh_unread("token-1");
    badge.refresh("token-2");
    let tokens = js_sys::Reflect::get(&window, &"unreadTokens".into()).expect("unreadTokens");
    assert_eq!(
        js_sys::JSON::stringify(&tokens)
            .ok()
            .and_then(|s| s.as_string()),
        Some(r#"["token-1","token-2"]"#.to_owned())
    );
}

/// Clicks the first element matching `selector`.
fn click(selector: &str) {
    find(selector)
        .expect(selector)
        .dyn_ref::<web_sys::HtmlElement>()
        .expect("an HTML element")
        .click();
}

/// Presses Send (a click on a submit button submits its form).
fn submit() {
    click("[data-testid=contact-form] button[type=submit]");
}

fn set_value(selector: &str, value: &str) {
    let el = find(selector).expect(selector);
    js_sys::Reflect::set(&el, &"value".into(), &value.into()).expect("value");
}

fn text(selector: &str) -> String {
    find(selector)
        .and_then(|el| el.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_contact_form_opens_from_its_export_and_checks_before_sending() {
    mount(Config::default());
    tick().await;
    helper_widget::embed::exports::hw_contact_form();
    tick().await;
    assert!(panel_open(), "the form opens the panel");
    assert!(find("[data-testid=contact-form]").is_some());
    assert!(find("[data-testid=contact-form] input[type=email]").is_some());
    assert!(find("[data-testid=contact-form] textarea[aria-label=Message]").is_some());
    assert!(find(".hw-body[hidden]").is_some(), "the chat gives way");
    // Anonymous: nothing to fill in, so the email field has focus.
    tick().await;
    assert_eq!(
        shadow()
            .active_element()
            .and_then(|el| el.get_attribute("type")),
        Some("email".into())
    );

    set_value("input[type=email]", "not an email");
    set_value("textarea[aria-label=Message]", "Hello");
    submit();
    tick().await;
    assert!(text("[role=alert].hw-pane__live").contains("valid email"));

    set_value("input[type=email]", "ada@example.com");
    set_value("textarea[aria-label=Message]", "   ");
    submit();
    tick().await;
    assert_eq!(text("[role=alert].hw-pane__live"), "Enter a message.");

    // Valid, but the server cannot be reached: the reason is shown and the text stays.
    set_value("textarea[aria-label=Message]", "Hello");
    submit();
    for _ in 0..20 {
        tick().await;
        if text("[role=alert].hw-pane__live").contains("couldn't be sent") {
            break;
        }
    }
    assert!(text("[role=alert].hw-pane__live").contains("couldn't be sent"));
    let message = find("textarea[aria-label=Message]").expect("textarea");
    assert_eq!(
        js_sys::Reflect::get(&message, &"value".into())
            .expect("value")
            .as_string()
            .as_deref(),
        Some("Hello")
    );
    assert!(find("[data-testid=contact-form-success]").is_none());
    assert!(
        find("[role=status]:empty").is_some(),
        "the polite region waits, empty"
    );
    embed::unmount();
}

#[wasm_bindgen_test]
async fn the_history_pane_reports_a_failed_load_with_retry_and_back_returns() {
    mount(Config::default());
    tick().await;
    embed::with_ui(|ui| ui.show()).expect("mounted");
    tick().await;
    let history_button = find("button[data-testid=history-button]").expect("history button");
    assert_eq!(
        history_button.get_attribute("aria-label").as_deref(),
        Some("Show previous conversations")
    );
    click("button[data-testid=history-button]");
    for _ in 0..20 {
        tick().await;
        if find(".hw-pane [role=alert]:not([hidden])").is_some() {
            break;
        }
    }
    let alert = find(".hw-pane [role=alert]:not([hidden])").expect("the failure is announced");
    assert!(alert
        .text_content()
        .unwrap_or_default()
        .contains("couldn't load your conversations"));
    assert!(find(".hw-pane [role=alert] button[data-action=retry]").is_some());
    assert!(
        find("button[data-action=clear]").is_some(),
        "anonymous visitors may clear"
    );

    click("button[aria-label='Back to chat']");
    tick().await;
    assert!(find(".hw-pane").is_none());
    assert!(find(".hw-body:not([hidden])").is_some());
    assert_eq!(
        shadow()
            .active_element()
            .and_then(|el| el.get_attribute("data-testid")),
        Some("history-button".into())
    );

    // A panel closed on the list opens on the chat again.
    click("button[data-testid=history-button]");
    tick().await;
    assert!(find(".hw-pane").is_some());
    embed::with_ui(|ui| ui.hide()).expect("mounted");
    embed::with_ui(|ui| ui.show()).expect("mounted");
    tick().await;
    assert!(find(".hw-pane").is_none());
    assert!(find(".hw-body:not([hidden])").is_some());
    embed::unmount();
}

#[wasm_bindgen_test]
fn plausible_emails() {
    use helper_widget::contact::{check, plausible_email};
    for good in ["a@b.co", "ada.lovelace+help@example.co.uk"] {
        assert!(plausible_email(good), "{good}");
    }
    for bad in [
        "", "ada", "@b.co", "a@b", "a@.co", "a@b.", "a b@c.co", "a@b@c.co",
    ] {
        assert!(!plausible_email(bad), "{bad}");
    }
    assert!(check("a@b.co", "").is_err());
    assert!(check("a@b.co", "hi").is_ok());
}

/// `publicAttachments` are read with the message; an entry without a URL is skipped rather than
/// hiding the message, and the URL stays a JavaScript string.
#[wasm_bindgen_test]
fn stored_messages_read_their_public_attachments() {
    let message = serde_json::json!({
        "id": 7, "content": "See attached", "role": "staff",
        "publicAttachments": [
            { "name": "a.png", "contentType": "image/png", "url": "https://files.test/a.png" },
            { "name": "broken" },
            { "name": null, "contentType": null, "url": "data:application/pdf;base64,AA==" }
        ]
    });
    let stored = helper_widget::api::StoredMessage::from_json(message).expect("a message");
    let files: Vec<_> = stored
        .attachments
        .iter()
        .map(|a| (a.name.clone(), a.content_type.clone(), a.url.as_string()))
        .collect();
    assert_eq!(
        files,
        [
            (
                Some("a.png".to_owned()),
                Some("image/png".to_owned()),
                Some("https://files.test/a.png".to_owned())
            ),
            (
                None,
                None,
                Some("data:application/pdf;base64,AA==".to_owned())
            ),
        ]
    );
    let bare = serde_json::json!({ "id": "8", "content": "x", "role": "assistant" });
    let stored = helper_widget::api::StoredMessage::from_json(bare).expect("a message");
    assert!(stored.attachments.is_empty());
}

/// Texts come from the catalogue with the loader's overlay; counts pick the language's plural
/// form and are written in its digits; ages are `Intl`'s words for the language.
#[wasm_bindgen_test]
fn texts_counts_and_ages_follow_the_language() {
    use helper_widget::i18n;
    let overlay = js_sys::JSON::parse(
        r#"{"composer.send":"Senden","composer.refused_count":{"one":"höchstens {count} Datei","other":"höchstens {count} Dateien"}}"#,
    )
    .expect("JSON");
    i18n::set("de", &overlay);
    assert_eq!(i18n::t("composer.send"), "Senden");
    // Not overridden: English.
    assert_eq!(i18n::t("composer.stop"), "Stop");
    assert_eq!(
        i18n::tn("composer.refused_count", 1, &[]),
        "höchstens 1 Datei"
    );
    assert_eq!(
        i18n::tn("composer.refused_count", 1000, &[]),
        "höchstens 1.000 Dateien"
    );
    let now = js_sys::Date::now();
    let age = i18n::age(now, now - 5.0 * 60_000.0 - 1.0);
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"style".into(), &"narrow".into()).expect("set");
    js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into()).expect("set");
    let german = js_sys::Intl::RelativeTimeFormat::new(&js_sys::Array::of1(&"de".into()), &options)
        .format(-5.0, "minute");
    assert_eq!(age, String::from(german));
    assert!(age.contains('5') && age != "5m ago", "{age}");
    i18n::set("en", &JsValue::UNDEFINED);
    assert_eq!(i18n::t("composer.send"), "Send message");
    assert_eq!(i18n::age(now, now - 10.0), "now");
}
