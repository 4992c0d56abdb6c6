//! The visitor's earlier conversations and the contact form (embed-contract §9), in real
//! Chromium against the local Helper-compatible server: listing, reopening with staff replies,
//! paging as the list scrolls, clearing an anonymous history, and the contact form's checks,
//! failures and success.

use helper_widget_e2e::{Browser, Site, CONSOLE_CAPTURE};
use serde_json::{json, Value};

/// Logs the API paths the page fetches (query included) and the widget's `conversation`
/// events, and gives scripts the shadow root.
const WATCH: &str = r#"<script>
window.__fetched = [];
var realFetch = window.fetch;
window.fetch = function (input, init) {
  var u = new URL(String(input && input.url || input), location.href);
  var entry = { path: u.pathname, search: u.search, body: init && typeof init.body === 'string' ? init.body : null };
  window.__fetched.push(entry);
  // The chat code's requests are Request objects, whose body must be read from a copy.
  if (input && typeof input.clone === 'function') input.clone().text().then(function (b) { entry.body = b; });
  return realFetch.apply(this, arguments);
};
window.__slugs = [];
(function watch() {
  if (!window.HelperWidget) return setTimeout(watch, 5);
  HelperWidget.on('conversation', function (d) { __slugs.push(d.conversationSlug); });
})();
window.__shadow = function () { return document.getElementById('helper-widget-root').shadowRoot; };
window.__items = function () {
  return Array.from(__shadow().querySelectorAll('[data-testid=conversation-item]')).map(function (b) {
    var t = b.querySelector('time');
    return { slug: b.dataset.conversationSlug, text: b.textContent, datetime: t && t.getAttribute('datetime'), title: t && t.title };
  });
};
</script>"#;

fn page(config: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset=utf-8>{CONSOLE_CAPTURE}{WATCH}
        <script>window.helperWidgetConfig = Object.assign({{ host: "{{API}}" }}, {config});</script>
        <script src="{{SDK}}" async></script></head><body><h1>Host</h1>
        <a id="contact" href='#contact-page' data-helper-contact-form>Contact us</a></body></html>"#
    )
}

async fn items(b: &Browser) -> Vec<Value> {
    match b.js("return __items()", vec![]).await {
        Value::Array(v) => v,
        other => panic!("items: {other}"),
    }
}

/// Opens the panel and waits for the chat code.
async fn open_panel(b: &Browser, url: &str) {
    b.open_with_widget(url).await;
    b.js("HelperWidget.show()", vec![]).await;
    b.wait_panel(true).await;
}

/// A browser on a host page of `site` at `path` (with `config`), the panel open; and the URL.
async fn visit(site: &Site, path: &str, config: &str) -> (Browser, String) {
    let url = site.page(path, &page(config));
    let b = Browser::start().await;
    open_panel(&b, &url).await;
    (b, url)
}

async fn open_history(b: &Browser) {
    b.wait_shadow("button[data-testid=history-button]")
        .await
        .click()
        .await
        .expect("click history");
}

/// Opens the contact form as a visitor does: a click on the page's `data-helper-contact-form`
/// link (which must not navigate).
async fn open_contact_form(b: &Browser) {
    b.click("#contact").await;
    b.wait_js("!__shadow().querySelector('[data-testid=contact-form]').hidden")
        .await;
}

#[tokio::test]
async fn earlier_conversations_are_listed_and_reopen_with_staff_replies() {
    let site = Site::start().await;
    let (b, _) = visit(&site, "/history", "{}").await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    b.wait_shadow("button[aria-label='Start new conversation']")
        .await
        .click()
        .await
        .unwrap();
    b.type_and_send("How do I use the API?").await;
    b.wait_settled(2).await;
    b.wait_js("__slugs.length === 2").await;
    let slugs = b.js("return __slugs", vec![]).await;
    let (first, second) = (slugs[0].as_str().unwrap(), slugs[1].as_str().unwrap());
    site.dev(
        "/__dev/staff-reply",
        json!({ "conversationSlug": first, "content": "Sam here: your refund is on its way.", "staffName": "Sam" }),
    )
    .await;

    open_history(&b).await;
    b.wait_js("__items().length === 2").await;
    let listed = items(&b).await;
    let find = |slug: &str| {
        listed
            .iter()
            .find(|i| i["slug"] == slug)
            .unwrap_or_else(|| panic!("{slug} not in {listed:?}"))
            .clone()
    };
    let (one, two) = (find(first), find(second));
    assert!(
        one["text"]
            .as_str()
            .unwrap()
            .contains("How do I get a refund?"),
        "{one}"
    );
    assert!(
        one["text"].as_str().unwrap().contains("Sam here"),
        "the latest message: {one}"
    );
    assert!(
        one["text"].as_str().unwrap().contains("Unread reply"),
        "{one}"
    );
    assert!(
        two["text"]
            .as_str()
            .unwrap()
            .contains("How do I use the API?"),
        "{two}"
    );
    for item in [&one, &two] {
        assert!(item["datetime"].as_str().unwrap().contains('T'), "{item}");
        assert!(!item["title"].as_str().unwrap().is_empty(), "{item}");
    }
    // One page asked for, 20 at most; focus moved into the list.
    let calls = b
        .js(
            "return __fetched.filter(f => f.path === '/api/chat/conversations')",
            vec![],
        )
        .await;
    assert_eq!(calls.as_array().unwrap().len(), 1, "{calls}");
    assert!(
        calls[0]["search"].as_str().unwrap().contains("limit=20"),
        "{calls}"
    );
    b.wait_js("__shadow().activeElement && __shadow().activeElement.dataset.testid === 'conversation-item'")
        .await;

    // Back returns to the chat, focus on the history button.
    b.wait_shadow("button[aria-label='Back to chat']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_js(
        "__shadow().activeElement && __shadow().activeElement.dataset.testid === 'history-button'",
    )
    .await;
    assert!(b
        .shadow_find("[data-testid=conversation-item]")
        .await
        .is_none());

    // Reopening the first shows its messages, the staff reply among them, with its author.
    open_history(&b).await;
    b.wait_shadow(&format!("[data-conversation-slug='{first}']"))
        .await
        .click()
        .await
        .unwrap();
    b.wait_settled(3).await;
    let roles = b
        .js(
            "return Array.from(__shadow().querySelectorAll('[data-testid=message]')).map(m => [m.dataset.messageRole, m.textContent])",
            vec![],
        )
        .await;
    assert_eq!(roles[0][0], "user");
    assert!(roles[0][1].as_str().unwrap().contains("refund"), "{roles}");
    assert_eq!(roles[2][0], "assistant");
    assert!(
        roles[2][1]
            .as_str()
            .unwrap()
            .contains("your refund is on its way"),
        "{roles}"
    );
    // (The staff-name test id is another change's; the name shows either way.)
    assert_eq!(
        b.shadow_text("[data-testid=staff-name], .hw-staff-name")
            .await,
        "Sam"
    );
    // It was marked read: the list shows it so now.
    b.wait_js(&format!(
        "__fetched.some(f => f.path === '/api/chat/conversation/{first}' && f.search === '?markRead=true')"
    ))
    .await;
    open_history(&b).await;
    b.wait_js("__items().length === 2").await;
    let again = items(&b).await;
    let one = again.iter().find(|i| i["slug"] == first).unwrap();
    assert!(
        !one["text"].as_str().unwrap().contains("Unread reply"),
        "{one}"
    );
    b.close().await;
}

#[tokio::test]
async fn the_list_loads_the_next_page_as_it_scrolls_without_duplicates() {
    let site = Site::start().await;
    let (b, _) = visit(&site, "/paging", "{}").await;
    // 25 conversations of this visitor, made through the API with the page's own session.
    let made = b
        .js(
            "const api = arguments[0];
             const token = localStorage.getItem('helper_widget_anonymous_session_token');
             const post = (path, body) => fetch(api + path, { method: 'POST',
               headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
               body: JSON.stringify(body) }).then(r => r.json());
             return (async () => {
               for (let i = 1; i <= 25; i++) {
                 const c = await post('/api/chat/conversation', { isPrompt: false, subject: 'Question ' + i });
                 await post('/api/chat/conversation/' + c.conversationSlug + '/message', { content: 'Question number ' + i });
               }
               return 25;
             })();",
            vec![json!(site.api)],
        )
        .await;
    assert_eq!(made, 25);

    open_history(&b).await;
    b.wait_js("__items().length === 20").await;
    // The first page fills the pane, so nothing more is asked for until it scrolls.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(items(&b).await.len(), 20);
    b.js(
        "const pane = __shadow().querySelector('.hw-pane'); pane.scrollTop = pane.scrollHeight;",
        vec![],
    )
    .await;
    b.wait_js("__items().length === 25").await;
    // Scrolling on at the end asks for nothing: there is no next page.
    b.js(
        "const pane = __shadow().querySelector('.hw-pane'); pane.scrollTop = 0; pane.scrollTop = pane.scrollHeight;",
        vec![],
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let listed = items(&b).await;
    let mut slugs: Vec<&str> = listed.iter().map(|i| i["slug"].as_str().unwrap()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), 25, "no duplicates");
    let calls = b
        .js(
            "return __fetched.filter(f => f.path === '/api/chat/conversations').map(f => f.search)",
            vec![],
        )
        .await;
    assert_eq!(calls, json!(["?limit=20", "?limit=20&cursor=20"]));
    b.close().await;
}

#[tokio::test]
async fn an_anonymous_visitor_clears_the_history_for_good() {
    let site = Site::start().await;
    let (b, url) = visit(&site, "/clear", "{}").await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    let old_token = b
        .js(
            "return localStorage.getItem('helper_widget_anonymous_session_token')",
            vec![],
        )
        .await;
    open_history(&b).await;
    b.wait_js("__items().length === 1").await;
    b.js(
        "window.confirm = function (q) { window.__asked = q; return true; }",
        vec![],
    )
    .await;
    b.wait_shadow("button[data-action=clear]")
        .await
        .click()
        .await
        .unwrap();
    b.wait_js("window.__asked && __items().length === 0").await;
    assert_eq!(
        b.shadow_text("[role=status].hw-pane__note").await,
        "No previous conversations"
    );
    // A new anonymous session, asked for without the old token.
    b.wait_js("__fetched.filter(f => f.path === '/api/widget/session').length === 2")
        .await;
    let renewal = b
        .js(
            "return JSON.parse(__fetched.filter(f => f.path === '/api/widget/session')[1].body)",
            vec![],
        )
        .await;
    assert_eq!(renewal["currentToken"], Value::Null, "{renewal}");
    b.wait_js(&format!(
        "(t => t && t !== {old_token})(localStorage.getItem('helper_widget_anonymous_session_token'))"
    ))
    .await;
    // The chat was left too.
    b.wait_shadow("button[aria-label='Back to chat']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_settled(0).await;

    b.client.refresh().await.unwrap();
    open_panel(&b, &url).await;
    b.wait_settled(0).await;
    open_history(&b).await;
    b.wait_js("__shadow().querySelector('[role=status].hw-pane__note').textContent === 'No previous conversations'")
        .await;
    assert!(items(&b).await.is_empty());
    b.close().await;
}

#[tokio::test]
async fn identified_visitors_get_no_clear_button() {
    let site = Site::start().await;
    let ann = site.signed_identity("ann@example.com").await;
    let (b, _) = visit(&site, "/ann", &ann.to_string()).await;
    open_history(&b).await;
    b.wait_js("__shadow().querySelector('[role=status].hw-pane__note').textContent === 'No previous conversations'")
        .await;
    assert!(b.shadow_find("button[data-action=clear]").await.is_none());
    // The contact form knows the email.
    open_contact_form(&b).await;
    assert_eq!(
        b.in_shadow("root.querySelector('[data-testid=contact-form] input[type=email]').value")
            .await,
        "ann@example.com"
    );
    b.close().await;
}

#[tokio::test]
async fn the_contact_form_checks_fails_keeps_the_text_and_succeeds() {
    let site = Site::start().await;
    let (b, _) = visit(&site, "/contact", "{}").await;
    open_contact_form(&b).await;
    assert_eq!(b.js("return location.hash", vec![]).await, json!(""));
    let email = b
        .wait_shadow("[data-testid=contact-form] input[type=email]")
        .await;
    let message = b
        .wait_shadow("[data-testid=contact-form] textarea[aria-label=Message]")
        .await;
    email.send_keys("nope").await.unwrap();
    message.send_keys("Please call me back").await.unwrap();
    let send = b
        .wait_shadow("[data-testid=contact-form] button[type=submit]")
        .await;
    send.click().await.unwrap();
    b.wait_js(
        "/valid email/.test(__shadow().querySelector('[role=alert].hw-pane__live').textContent)",
    )
    .await;
    assert_eq!(
        b.js(
            "return __fetched.filter(f => f.path === '/api/chat/contact').length",
            vec![]
        )
        .await,
        0,
        "nothing is sent until it is valid"
    );

    // The server fails: the alert says so and what was typed stays.
    site.dev(
        "/__dev/fault",
        json!({ "kind": "http-error", "status": 500, "route": "contact" }),
    )
    .await;
    email.clear().await.unwrap();
    email.send_keys("ada@example.com").await.unwrap();
    send.click().await.unwrap();
    b.wait_js("/couldn't be sent/.test(__shadow().querySelector('[role=alert].hw-pane__live').textContent)")
        .await;
    assert_eq!(
        b.in_shadow("[root.querySelector('input[type=email]').value, root.querySelector('textarea[aria-label=Message]').value]")
            .await,
        json!(["ada@example.com", "Please call me back"])
    );
    assert!(b
        .shadow_find("[data-testid=contact-form-success]")
        .await
        .is_none());

    // Sent again: the thanks, politely announced, and the alert is gone.
    send.click().await.unwrap();
    b.wait_shadow("[data-testid=contact-form-success]").await;
    assert_eq!(
        b.in_shadow(
            "root.querySelector('[data-testid=contact-form-success]').parentElement.getAttribute('role')"
        )
        .await,
        "status"
    );
    assert_eq!(b.shadow_text("[role=alert].hw-pane__live").await, "");
    b.wait_js("__fetched.filter(f => f.path === '/api/chat/contact').every(f => f.body !== null)")
        .await;
    let body = b
        .js(
            "const c = __fetched.filter(f => f.path === '/api/chat/contact'); return JSON.parse(c[c.length - 1].body)",
            vec![],
        )
        .await;
    assert_eq!(
        body,
        json!({ "email": "ada@example.com", "message": "Please call me back" })
    );
    // The server has it: Ada, identified, finds it among her conversations.
    let ada = site.signed_identity("ada@example.com").await;
    let subjects = b
        .js(
            "const api = arguments[0], id = arguments[1];
             return fetch(api + '/api/widget/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                 body: JSON.stringify(id) }).then(r => r.json())
               .then(s => fetch(api + '/api/chat/conversations', { headers: { Authorization: 'Bearer ' + s.token } }))
               .then(r => r.json()).then(l => l.conversations.map(c => [c.subject, c.latestMessage]));",
            vec![json!(site.api), ada],
        )
        .await;
    assert_eq!(
        subjects,
        json!([["Contact Form Submission", "Please call me back"]])
    );

    // Back to the chat.
    b.wait_shadow("button[aria-label='Back to chat']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_js("!__shadow().querySelector('.hw-body').hidden")
        .await;
    b.close().await;
}
