//! The human side of support as the loader shows it, before the chat code loads (embed-contract
//! §8, §9): the session's notifications as bubbles beside the launcher, the launcher's unread
//! badge, and `data-helper-contact-form` clicks. Real Chromium, `dist/` on its own origin, the
//! dev server's Helper API over HTTP; visitors' conversations, staff replies and notifications
//! are set up through that API and its `/__dev` routes.

use helper_widget_e2e::{page, Browser, Site};
use serde_json::{json, Value};
use std::time::Duration;

/// Which of the widget's optional files and requests this page has made so far.
async fn requested(b: &Browser) -> Value {
    b.js(
        "const names = performance.getEntriesByType('resource').map(e => e.name);
         return { wasm: names.some(n => n.endsWith('.wasm')),
                  notify: names.some(n => /\\/notify-[0-9a-f]+\\.js$/.test(n)),
                  unread: names.filter(n => n.endsWith('/api/chat/conversations/unread')).length };",
        vec![],
    )
    .await
}

/// The texts of the notification bubbles shown, top to bottom.
async fn bubbles(b: &Browser) -> Value {
    b.in_shadow(
        "Array.from(root.querySelectorAll('[data-testid=notification]'))
           .map(n => n.querySelector('button:not([aria-label=Dismiss])').textContent)",
    )
    .await
}

/// The ids of the notifications a new session of `email` lists (pending or sent ones).
async fn listed(site: &Site, signed: &Value) -> Vec<u64> {
    let (status, session) = site
        .api_call("POST", "/api/widget/session", Some(signed), None)
        .await;
    assert_eq!(status, 200, "{session}");
    session["notifications"]
        .as_array()
        .expect("an identified session lists notifications")
        .iter()
        .map(|n| n["id"].as_u64().expect("numeric id"))
        .collect()
}

/// A conversation of the visitor behind `token`, with one staff reply.
async fn conversation_with_reply(site: &Site, token: &str, reply: &str) -> String {
    let (status, created) = site
        .api_call(
            "POST",
            "/api/chat/conversation",
            Some(&json!({})),
            Some(token),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let slug = created["conversationSlug"].as_str().unwrap().to_owned();
    site.dev(
        "/__dev/staff-reply",
        json!({ "conversationSlug": slug, "content": reply }),
    )
    .await;
    slug
}

async fn notify(site: &Site, slug: &str, text: &str) -> u64 {
    let answer = site
        .dev(
            "/__dev/notify",
            json!({ "email": "ann@example.com", "conversationSlug": slug, "text": text }),
        )
        .await;
    answer["id"].as_u64().expect("notification id")
}

/// The host-page config of the identified visitor `signed` (from [`Site::identify`]).
fn identified(signed: &Value) -> String {
    format!(
        "{{ email: {}, emailHash: {}, timestamp: {} }}",
        signed["email"], signed["emailHash"], signed["timestamp"]
    )
}

/// Opens a page with `element` (a `data-helper-contact-form` element with id `contact`) and
/// clicks it.
async fn click_contact_form(site: &Site, path: &str, element: &str) -> Browser {
    let url = site.page(path, &page("{}", element));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.click("#contact").await;
    b
}

/// Waits for the unread badge and checks that it shows `n`, as does the launcher's name.
async fn wait_badge(b: &Browser, n: u32) {
    let badge = b.wait_shadow("[data-testid=unread-badge]").await;
    assert_eq!(badge.text().await.unwrap(), n.to_string());
    assert_eq!(
        b.in_shadow("root.querySelector('[data-testid=launcher]').getAttribute('aria-label')")
            .await,
        json!(match n {
            1 => "Support chat, 1 conversation with an unread reply".to_owned(),
            n => format!("Support chat, {n} conversations with unread replies"),
        })
    );
}

async fn wait_requests_done(b: &Browser, path: &str, n: usize) {
    b.wait_js(&format!(
        "performance.getEntriesByType('resource').filter(e => e.name.includes('{path}')).length >= {n}"
    ))
    .await;
}

/// An identified visitor's notifications show before the chat code loads, one bubble per
/// conversation; Dismiss and a click mark them on the server; a click opens the panel.
#[tokio::test]
async fn notifications_show_as_bubbles_before_the_chat_code_and_are_marked_on_the_server() {
    let site = Site::start().await;
    let (signed, token) = site.identify("ann@example.com").await;
    let refund = conversation_with_reply(&site, &token, "Your refund is on its way.").await;
    let invoice = conversation_with_reply(&site, &token, "Here is your invoice.").await;
    let first = notify(&site, &refund, "About your refund").await;
    let second = notify(&site, &invoice, "Your invoice is ready").await;
    let third = notify(&site, &refund, "Your refund is on its way").await;

    let url = site.page("/identified", &page(&identified(&signed), ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.wait_shadow("[data-testid=notification]").await;
    // Newest first, one per conversation: the refund's older one is folded into its newest.
    assert_eq!(
        bubbles(&b).await,
        json!(["Your refund is on its way", "Your invoice is ready"])
    );
    // Both conversations have an unread staff reply.
    wait_badge(&b, 2).await;
    assert_eq!(
        requested(&b).await,
        json!({ "wasm": false, "notify": true, "unread": 1 }),
        "bubbles and badge come before the chat code"
    );
    // Accessible: each bubble is a button with its text and a Dismiss button; the bubbles are
    // a labelled region right after the launcher; styles adopted, none inline.
    let facts = b
        .in_shadow(
            "(() => { const n = root.querySelector('[data-testid=notification]');
               const region = n.closest('section');
               return { buttons: n.querySelectorAll('button').length,
                        dismiss: !!n.querySelector('button[aria-label=Dismiss]'),
                        region: region && region.getAttribute('aria-label'),
                        afterLauncher: region.previousElementSibling === root.querySelector('[data-testid=launcher]'),
                        position: getComputedStyle(region).position,
                        styleAttrs: root.querySelectorAll('[style]').length,
                        styleElements: root.querySelectorAll('style').length }; })()",
        )
        .await;
    assert_eq!(
        facts,
        json!({ "buttons": 2, "dismiss": true, "region": "Support notifications",
                "afterLauncher": true, "position": "fixed", "styleAttrs": 0, "styleElements": 0 })
    );

    // Dismiss the invoice's: it goes, and the server no longer lists it.
    b.in_shadow(
        "root.querySelectorAll('[data-testid=notification]')[1].querySelector('button[aria-label=Dismiss]').click()",
    )
    .await;
    assert_eq!(bubbles(&b).await, json!(["Your refund is on its way"]));
    wait_requests_done(&b, "/api/widget/notification/", 1).await;
    let left = listed(&site, &signed).await;
    assert!(!left.contains(&second), "dismissed: {left:?}");
    assert_eq!(left, vec![third, first]);
    assert_eq!(
        requested(&b).await["wasm"],
        json!(false),
        "Dismiss is not intent"
    );

    // The next page view shows what is left, still without the chat code.
    b.client.refresh().await.unwrap();
    b.wait_shadow("[data-testid=notification]").await;
    assert_eq!(bubbles(&b).await, json!(["Your refund is on its way"]));

    // A click opens the panel (loading the chat code) and marks both of the refund's
    // notifications read; the bubble goes.
    b.in_shadow(
        "root.querySelector('[data-testid=notification] button:not([aria-label=Dismiss])').click()",
    )
    .await;
    b.wait_panel(true).await;
    assert_eq!(bubbles(&b).await, json!([]));
    assert_eq!(
        b.in_shadow("!!root.querySelector('[aria-label=\"Support notifications\"]')")
            .await,
        json!(false),
        "no empty region is left behind"
    );
    wait_requests_done(&b, "/api/widget/notification/", 2).await;
    assert_eq!(listed(&site, &signed).await, Vec::<u64>::new());
    b.close().await;
}

/// What hwOpenConversation (the chat code's) must do once it exists: the clicked notification's
/// conversation is the one shown.
#[tokio::test]
async fn a_notification_click_shows_its_conversation() {
    let site = Site::start().await;
    let (signed, token) = site.identify("ann@example.com").await;
    let slug = conversation_with_reply(&site, &token, "Your refund is on its way.").await;
    notify(&site, &slug, "About your refund").await;
    let url = site.page("/open-conversation", &page(&identified(&signed), ""));
    let b = Browser::start().await;
    b.open_with_widget(&url).await;
    b.wait_shadow("[data-testid=notification] button").await;
    b.in_shadow("root.querySelector('[data-testid=notification] button').click()")
        .await;
    b.wait_panel(true).await;
    b.wait_shadow("[data-testid=staff-name]").await;
    assert!(b
        .shadow_text("[data-testid=message-content]")
        .await
        .contains("Your refund is on its way."));
    b.close().await;
}

/// The unread count costs a request only for visitors who can have conversations: none for a
/// first-time visitor; after a conversation with a staff reply, the badge on the next page
/// view, before the chat code loads.
#[tokio::test]
async fn the_unread_badge_shows_for_visitors_with_conversations_only() {
    let site = Site::start().await;
    let url = site.page("/anonymous", &page("{}", ""));
    let b = Browser::start().await;
    let launcher = b.open_with_widget(&url).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        requested(&b).await,
        json!({ "wasm": false, "notify": false, "unread": 0 }),
        "a first-time visitor costs no unread request and no extra module"
    );

    launcher.click().await.unwrap();
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    let slug = b
        .js(
            "return JSON.parse(localStorage.getItem('helper_widget_rs_conversation')).slug",
            vec![],
        )
        .await;
    assert_eq!(
        b.js(
            "return localStorage.getItem('helper_widget_rs_has_conversations')",
            vec![]
        )
        .await,
        json!("1"),
        "the chat code remembers that this browser has conversations"
    );
    b.js("HelperWidget.hide()", vec![]).await;
    b.wait_panel(false).await;
    site.dev(
        "/__dev/staff-reply",
        json!({ "conversationSlug": slug, "content": "A person here: refunded." }),
    )
    .await;

    b.client.refresh().await.unwrap();
    wait_badge(&b, 1).await;
    assert_eq!(
        b.in_shadow("root.querySelector('[data-testid=unread-badge]').getAttribute('aria-hidden')")
            .await,
        json!("true"),
        "read once, in the launcher's name"
    );
    assert_eq!(
        requested(&b).await,
        json!({ "wasm": false, "notify": true, "unread": 1 })
    );
    // Opening the panel shows the reply: the conversation is read and the badge goes.
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
    b.wait_shadow("[data-testid=staff-name]").await;
    b.wait_js(
        "!document.getElementById('helper-widget-root').shadowRoot.querySelector('[data-testid=unread-badge]')",
    )
    .await;
    // On the server too.
    let token = b
        .js(
            "return localStorage.getItem('helper_widget_anonymous_session_token')",
            vec![],
        )
        .await;
    let (status, unread) = site
        .api_call(
            "GET",
            "/api/chat/conversations/unread",
            None,
            token.as_str(),
        )
        .await;
    assert_eq!((status, unread), (200, json!({ "count": 0 })));
    b.close().await;
}

/// A `data-helper-contact-form` click is intent and a click: the chat code loads, the panel
/// opens, the link does not navigate, and closing the panel returns focus to the link.
#[tokio::test]
async fn a_contact_form_click_loads_the_chat_code_and_opens_the_panel() {
    let site = Site::start().await;
    let link = "<a id=contact href=\"#navigated\" data-helper-contact-form>Contact us</a>";
    let b = click_contact_form(&site, "/contact", link).await;
    b.wait_panel(true).await;
    assert_eq!(requested(&b).await["wasm"], json!(true));
    assert_eq!(b.js("return location.hash", vec![]).await, json!(""));
    b.in_shadow("root.querySelector('button[aria-label=\"Close chat\"]').click()")
        .await;
    b.wait_panel(false).await;
    b.wait_js("document.activeElement === document.getElementById('contact')")
        .await;
    b.close().await;
}

/// The click shows the form itself (the chat code's `hwContactForm`).
#[tokio::test]
async fn a_contact_form_click_shows_the_form() {
    let site = Site::start().await;
    let button = "<button id=contact data-helper-contact-form>Contact us</button>";
    let b = click_contact_form(&site, "/contact-form", button).await;
    b.wait_shadow("[data-testid=contact-form] input[type=email]")
        .await;
    b.close().await;
}
