//! Component tests in headless Chromium (wasm-bindgen-test): the widget mounted by the embed
//! layer into a real document, driven through its DOM.
#![cfg(target_arch = "wasm32")]

use helper_widget::embed;
use helper_widget_core::config::Config;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, ShadowRoot};

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

fn click(selector: &str) {
    find(selector)
        .unwrap_or_else(|| panic!("{selector} present"))
        .unchecked_into::<HtmlElement>()
        .click();
}

fn panel_open() -> bool {
    !find("[data-testid=widget-panel]")
        .expect("panel")
        .has_attribute("hidden")
}

fn mount(config: Config) {
    embed::mount(config, "http://127.0.0.1:9/sdk.js".into(), None).expect("mounts");
}

#[wasm_bindgen_test]
async fn launcher_toggles_the_panel_and_reflects_state() {
    mount(Config::default());
    tick().await;
    let launcher = find("[data-testid=launcher]").expect("launcher");
    assert_eq!(launcher.tag_name(), "BUTTON");
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert!(!panel_open());

    click("[data-testid=launcher]");
    tick().await;
    assert!(panel_open());
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let panel = find("[data-testid=widget-panel]").expect("panel");
    assert_eq!(panel.get_attribute("role").as_deref(), Some("dialog"));
    assert!(find("[role=log][data-testid=messages-list]").is_some());
    assert!(find("textarea[aria-label='Ask a question']").is_some());
    assert!(find("button[aria-label='Send message']").is_some());

    click("[data-testid=launcher]");
    tick().await;
    assert!(!panel_open());
    embed::unmount();
}

#[wasm_bindgen_test]
async fn escape_closes_and_returns_focus_to_the_launcher() {
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
    let active = shadow()
        .active_element()
        .expect("focus stays in the widget");
    assert_eq!(
        active.get_attribute("data-testid").as_deref(),
        Some("launcher")
    );
    embed::unmount();
}

#[wasm_bindgen_test]
async fn page_toggle_elements_work_and_carry_the_open_state() {
    let doc = gloo_document();
    let body = doc.body().expect("body");
    let early: HtmlElement = doc.create_element("button").expect("el").unchecked_into();
    early.set_attribute("data-helper-toggle", "").expect("attr");
    body.append_child(&early).expect("append");
    mount(Config::default());
    tick().await;
    assert_eq!(
        early.get_attribute("data-helper-open").as_deref(),
        Some("false")
    );

    // Added after start-up: the observer marks it, the delegated listener handles its click.
    let late: HtmlElement = doc.create_element("span").expect("el").unchecked_into();
    late.set_attribute("data-helper-toggle", "").expect("attr");
    body.append_child(&late).expect("append");
    tick().await;
    assert_eq!(
        late.get_attribute("data-helper-open").as_deref(),
        Some("false")
    );
    late.click();
    tick().await;
    assert!(panel_open());
    assert_eq!(
        early.get_attribute("data-helper-open").as_deref(),
        Some("true")
    );
    assert_eq!(
        late.get_attribute("data-helper-open").as_deref(),
        Some("true")
    );

    embed::unmount();
    early.remove();
    late.remove();
}

#[wasm_bindgen_test]
async fn destroy_removes_everything_and_init_twice_leaves_one_widget() {
    mount(Config::default());
    mount(Config {
        title: "Second".into(),
        ..Config::default()
    });
    tick().await;
    let roots = gloo_document()
        .query_selector_all(&format!("#{}", embed::ROOT_ID))
        .expect("query");
    assert_eq!(roots.length(), 1);
    assert_eq!(
        find("#hw-title").expect("title").text_content().as_deref(),
        Some("Second")
    );

    embed::unmount();
    tick().await;
    assert!(gloo_document().get_element_by_id(embed::ROOT_ID).is_none());
    assert!(embed::with_ui(|_| ()).is_none());
    // Page clicks after destroy reach nothing (the listener is gone) and do not panic.
    let toggle: HtmlElement = gloo_document()
        .create_element("button")
        .expect("el")
        .unchecked_into();
    toggle
        .set_attribute("data-helper-toggle", "")
        .expect("attr");
    gloo_document()
        .body()
        .expect("body")
        .append_child(&toggle)
        .expect("append");
    toggle.click();
    tick().await;
    assert!(!toggle.has_attribute("data-helper-open"));
    toggle.remove();
}

#[wasm_bindgen_test]
async fn config_themes_the_launcher_and_can_hide_it() {
    let mut config = Config::default();
    config.icon_color = helper_widget_core::config::Rgb(255, 255, 0);
    mount(config);
    tick().await;
    let launcher: HtmlElement = find("[data-testid=launcher]")
        .expect("launcher")
        .unchecked_into();
    let style = web_sys::window()
        .expect("window")
        .get_computed_style(&launcher)
        .expect("style")
        .expect("style");
    assert_eq!(
        style.get_property_value("background-color").expect("bg"),
        "rgb(255, 255, 0)"
    );
    // Yellow is light, so the icon is black.
    assert_eq!(
        style.get_property_value("color").expect("fg"),
        "rgb(0, 0, 0)"
    );
    embed::unmount();

    mount(Config {
        show_toggle_button: false,
        ..Config::default()
    });
    tick().await;
    assert!(find("[data-testid=launcher]").is_none());
    embed::unmount();
}
