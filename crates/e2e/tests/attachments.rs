//! Attachments in real Chromium against the local Helper-compatible server (embed-contract §9,
//! helper-api.md §1.3–§1.4): the file chooser, drag-and-drop and paste, each refusal announced
//! with nothing sent, previews and their removal, the request's `experimental_attachments`,
//! thumbnails in the sent message, Retry with the files, and received `publicAttachments` shown
//! as links and images only for safe URLs.

use helper_widget_e2e::{Browser, Site, CONSOLE_CAPTURE, RECORD_CHATS};
use serde_json::{json, Value};
use std::path::PathBuf;

/// Reads the transcript, the previews and the composer's alert, and gives files (the requests
/// are recorded by [`RECORD_CHATS`]).
const HELPERS: &str = r#"<script>
window.__slug = function () {
  try { return JSON.parse(localStorage.getItem('helper_widget_rs_conversation')).slug; } catch (e) { return null; }
};
window.__previews = function () {
  return Array.from(__root().querySelectorAll('[data-testid=attachment-preview]')).map(function (p) {
    var img = p.querySelector('img');
    return { text: p.textContent, img: img ? img.src : null };
  });
};
window.__alert = function () {
  var a = __root().querySelector('.hw-composer [role=alert]');
  return a ? a.textContent : '';
};
window.__attachments = function (i) {
  var m = __root().querySelectorAll('[data-testid=message]')[i];
  return Array.from(m.querySelectorAll('[data-testid=attachment]')).map(function (a) {
    var img = a.querySelector('img');
    return { tag: a.tagName, href: a.getAttribute('href') === null ? null : a.href, target: a.target || null,
      rel: a.rel || null, download: a.getAttribute('download'), img: img ? img.src : null, alt: img ? img.alt : null,
      text: a.textContent, inContent: !!a.closest('[data-testid=message-content]') };
  });
};
/// A File of `size` zero bytes (or of `bytes`), dropped on the composer or pasted in its textarea.
window.__file = function (name, type, size, bytes) {
  return new File([bytes ? new Uint8Array(bytes) : new Uint8Array(size)], name, { type: type });
};
window.__give = function (how, files) {
  var dt = new DataTransfer();
  files.forEach(function (f) { dt.items.add(__file(f[0], f[1], f[2], f[3])); });
  if (how === 'drop') {
    var form = __root().querySelector('form.hw-composer');
    form.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    return !form.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }
  var ta = __root().querySelector('textarea[aria-label="Ask a question"]');
  return !ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
};
</script>"#;

fn page() -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset=utf-8>{CONSOLE_CAPTURE}{RECORD_CHATS}{HELPERS}
        <script>window.helperWidgetConfig = {{ host: "{{API}}", title: "Acme support" }};</script>
        <script src="{{SDK}}" async></script></head><body><h1>Host</h1></body></html>"#
    )
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A directory of files for the chooser, removed at the end.
struct TempFiles(PathBuf);

impl TempFiles {
    fn new(tag: &str, files: &[(&str, &[u8])]) -> TempFiles {
        let dir = std::env::temp_dir().join(format!("hw-attach-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).expect("temp file");
        }
        TempFiles(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for TempFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn open(site: &Site, b: &Browser, path: &str) {
    let url = site.page(path, &page());
    b.open_with_widget(&url).await;
    b.in_shadow("root.querySelector('[data-testid=launcher]').click()")
        .await;
    b.wait_panel(true).await;
}

async fn js(b: &Browser, expr: &str) -> Value {
    b.js(&format!("return {expr};"), vec![]).await
}

#[tokio::test]
async fn chosen_files_preview_can_be_removed_and_go_with_the_message_as_data_urls() {
    let site = Site::start().await;
    let b = Browser::start().await;
    open(&site, &b, "/choose").await;
    let files = TempFiles::new(
        "choose",
        &[
            ("shot.png", PNG),
            ("terms.pdf", PDF),
            ("notes.txt", b"hello"),
        ],
    );

    let button = b.wait_shadow("button[data-testid=attach-button]").await;
    assert_eq!(
        button.attr("aria-label").await.unwrap().as_deref(),
        Some("Attach files")
    );
    let input = b.wait_shadow("input[type=file]").await;
    assert_eq!(
        input.attr("multiple").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        input.attr("accept").await.unwrap().as_deref(),
        Some("image/png,image/jpeg,image/gif,image/webp,application/pdf")
    );
    let chosen = [
        files.path("shot.png"),
        files.path("terms.pdf"),
        files.path("notes.txt"),
    ];
    input
        .send_keys(&chosen.join("\n"))
        .await
        .expect("choose files");

    b.wait_js("__previews().length === 2").await;
    let previews = js(&b, "__previews()").await;
    assert!(
        previews[0]["text"].as_str().unwrap().contains("shot.png"),
        "{previews}"
    );
    assert!(
        previews[0]["img"].as_str().unwrap().starts_with("blob:"),
        "{previews}"
    );
    assert!(
        previews[1]["text"].as_str().unwrap().contains("terms.pdf"),
        "{previews}"
    );
    assert_eq!(previews[1]["img"], Value::Null);
    let alert = js(&b, "__alert()").await;
    assert!(
        alert.as_str().unwrap().contains("notes.txt") && alert.as_str().unwrap().contains("PDF"),
        "the refused file and why: {alert}"
    );

    // Removing one: its preview goes, focus stays in the composer.
    b.wait_shadow("button[aria-label='Remove terms.pdf']")
        .await
        .click()
        .await
        .expect("remove");
    b.wait_js("__previews().length === 1").await;
    assert_eq!(
        b.in_shadow("root.activeElement && root.activeElement.tagName")
            .await,
        "TEXTAREA"
    );
    let blob = js(&b, "__previews()[0].img").await;

    b.type_and_send("Here is the error").await;
    b.wait_settled(2).await;
    b.wait_js("__chats().length === 1").await;
    let sent = js(&b, "__chats()[0].message").await;
    assert_eq!(sent["content"], "Here is the error");
    assert_eq!(
        sent["experimental_attachments"],
        json!([{
            "name": "shot.png",
            "contentType": "image/png",
            "url": format!("data:image/png;base64,{}", base64(PNG)),
        }])
    );
    assert_eq!(
        js(&b, "__previews().length").await,
        0,
        "the tray empties once sent"
    );
    // The preview's object URL was released.
    let revoked = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(() => done(false), () => done(true));",
            vec![blob],
        )
        .await
        .expect("fetch the old preview");
    assert_eq!(revoked, true, "the preview's object URL is revoked");

    // The sent message shows the image as a thumbnail, outside its text.
    let shown = js(&b, "__attachments(0)").await;
    assert_eq!(shown.as_array().unwrap().len(), 1, "{shown}");
    assert_eq!(shown[0]["tag"], "A");
    assert_eq!(shown[0]["download"], "shot.png");
    assert!(shown[0]["img"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    assert_eq!(shown[0]["alt"], "shot.png");
    assert_eq!(shown[0]["inContent"], false);

    // The server kept it: after a reload the conversation comes back with the attachment.
    b.client.refresh().await.expect("reload");
    b.wait_js("__root() && __root().querySelectorAll('[data-testid=message]').length === 2")
        .await;
    let restored = js(&b, "__attachments(0)").await;
    assert_eq!(restored[0]["download"], "shot.png", "{restored}");
    assert_eq!(
        restored[0]["img"],
        json!(format!("data:image/png;base64,{}", base64(PNG)))
    );
    b.close().await;
}

#[tokio::test]
async fn dropped_and_pasted_files_are_checked_and_files_alone_are_a_message() {
    let site = Site::start().await;
    let b = Browser::start().await;
    open(&site, &b, "/drop").await;
    b.wait_shadow("button[data-testid=attach-button]").await;
    let png: Vec<Value> = PNG.iter().map(|b| json!(b)).collect();
    let pdf: Vec<Value> = PDF.iter().map(|b| json!(b)).collect();
    const MB: u64 = 1 << 20;

    let give = |how: &str, files: Value| format!("__give({}, {files})", json!(how));
    assert_eq!(
        js(
            &b,
            &give("drop", json!([["drop.png", "image/png", 0, png]]))
        )
        .await,
        true,
        "a drop of files is taken"
    );
    assert_eq!(
        js(
            &b,
            &give("paste", json!([["paste.pdf", "application/pdf", 0, pdf]]))
        )
        .await,
        true,
        "a paste of files is taken"
    );
    b.wait_js("__previews().length === 2").await;
    assert_eq!(js(&b, "__alert()").await, "");

    // Each refusal names the file and the rule, and adds nothing.
    let refusals = [
        (
            json!([["big.png", "image/png", 25 * MB + 1]]),
            "big.png",
            "25 MB",
        ),
        (json!([["page.html", "text/html", 10]]), "page.html", "PDF"),
        (
            json!([
                ["a.pdf", "application/pdf", 20 * MB],
                ["b.pdf", "application/pdf", 20 * MB],
                ["c.pdf", "application/pdf", 20 * MB]
            ]),
            "c.pdf",
            "50 MB",
        ),
        (
            json!([
                ["five.gif", "image/gif", 10],
                ["six.webp", "image/webp", 10]
            ]),
            "six.webp",
            "5 files",
        ),
    ];
    let mut expected = 2;
    for (files, name, rule) in refusals {
        let taken = files.as_array().unwrap().len() - 1;
        js(&b, &give("drop", files)).await;
        expected += taken;
        b.wait_js(&format!("__previews().length === {expected}"))
            .await;
        let alert = js(&b, "__alert()").await;
        let alert = alert.as_str().unwrap();
        assert!(
            alert.contains(name) && alert.contains(rule),
            "{name}: {alert}"
        );
        assert_eq!(
            b.in_shadow("root.querySelector('.hw-composer [role=alert]').getAttribute('role')")
                .await,
            "alert"
        );
    }
    assert_eq!(js(&b, "__chats().length").await, 0, "nothing was sent");

    // The two big PDFs go; the rest is sent without any text.
    for name in ["a.pdf", "b.pdf"] {
        b.wait_shadow(&format!("button[aria-label='Remove {name}']"))
            .await
            .click()
            .await
            .expect("remove");
    }
    b.wait_js("__previews().length === 3").await;
    b.wait_shadow("button[aria-label='Send message']:not([disabled])")
        .await
        .click()
        .await
        .expect("send");
    b.wait_settled(2).await;
    b.wait_js("__chats().length === 1").await;
    let sent = js(&b, "__chats()[0].message").await;
    assert_eq!(sent["content"], "");
    let names: Vec<_> = sent["experimental_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].clone(), a["contentType"].clone()))
        .collect();
    assert_eq!(
        names,
        [
            (json!("drop.png"), json!("image/png")),
            (json!("paste.pdf"), json!("application/pdf")),
            (json!("five.gif"), json!("image/gif")),
        ]
    );
    assert_eq!(
        sent["experimental_attachments"][1]["url"],
        json!(format!("data:application/pdf;base64,{}", base64(PDF)))
    );
    // The message shows its image and its PDF (a download of the visitor's own file).
    let shown = js(&b, "__attachments(0)").await;
    assert_eq!(shown.as_array().unwrap().len(), 3, "{shown}");
    assert!(shown[0]["img"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png"));
    assert_eq!(shown[1]["img"], Value::Null);
    assert_eq!(shown[1]["text"], "paste.pdf");
    assert_eq!(shown[1]["download"], "paste.pdf");
    b.close().await;
}

#[tokio::test]
async fn retry_sends_the_files_again() {
    let site = Site::start().await;
    let b = Browser::start().await;
    open(&site, &b, "/retry").await;
    b.wait_shadow("button[data-testid=attach-button]").await;
    let png: Vec<Value> = PNG.iter().map(|b| json!(b)).collect();
    js(
        &b,
        &format!(
            "__give('drop', {})",
            json!([["r.png", "image/png", 0, png]])
        ),
    )
    .await;
    b.wait_js("__previews().length === 1").await;
    site.dev(
        "/__dev/fault",
        json!({ "kind": "http-error", "status": 503 }),
    )
    .await;
    b.type_and_send("Why is this broken?").await;
    b.wait_shadow("[data-testid=error-message] button")
        .await
        .click()
        .await
        .expect("retry");
    b.wait_settled(2).await;
    b.wait_js("__chats().length === 2").await;
    let chats = js(&b, "__chats()").await;
    assert_eq!(
        chats[0]["message"]["experimental_attachments"],
        chats[1]["message"]["experimental_attachments"]
    );
    assert_eq!(
        chats[1]["message"]["experimental_attachments"][0]["name"],
        "r.png"
    );
    b.close().await;
}

#[tokio::test]
async fn received_attachments_are_links_and_images_only_for_safe_urls() {
    let site = Site::start().await;
    let b = Browser::start().await;
    open(&site, &b, "/received").await;
    b.type_and_send("How do I get a refund?").await;
    b.wait_settled(2).await;
    b.wait_js("__slug()").await;
    let slug = js(&b, "__slug()").await;
    site.dev(
        "/__dev/staff-reply",
        json!({
            "conversationSlug": slug,
            "content": "Here are the documents.",
            "staffName": "Dana",
            "attachments": [
                { "name": "receipt.png", "contentType": "image/png", "url": "https://files.test/receipt.png?sig=1" },
                { "name": "policy.pdf", "contentType": "application/pdf", "url": "https://files.test/policy.pdf" },
                { "name": "evil.png", "contentType": "image/png", "url": "javascript:alert(1)" },
                { "name": null, "contentType": null, "url": "data:text/html;base64,PHNjcmlwdD4=" }
            ]
        }),
    )
    .await;
    b.wait_js("__root().querySelectorAll('[data-testid=message]').length === 3")
        .await;
    let check = |shown: &Value| {
        assert_eq!(shown.as_array().unwrap().len(), 4, "{shown}");
        assert_eq!(shown[0]["tag"], "A");
        assert_eq!(shown[0]["href"], "https://files.test/receipt.png?sig=1");
        assert_eq!(shown[0]["img"], "https://files.test/receipt.png?sig=1");
        assert_eq!(shown[0]["target"], "_blank");
        assert_eq!(shown[0]["rel"], "noopener noreferrer");
        assert_eq!(shown[1]["href"], "https://files.test/policy.pdf");
        assert_eq!(shown[1]["img"], Value::Null);
        assert_eq!(shown[1]["text"], "policy.pdf");
        // Unsafe URLs are text only.
        assert_eq!(shown[2]["tag"], "SPAN");
        assert_eq!(shown[2]["text"], "evil.png");
        assert_eq!(shown[2]["img"], Value::Null);
        assert_eq!(shown[3]["tag"], "SPAN");
        assert_eq!(shown[3]["text"], "Attachment");
        for a in shown.as_array().unwrap() {
            assert_eq!(a["inContent"], false);
        }
    };
    check(&js(&b, "__attachments(2)").await);
    assert_eq!(
        b.in_shadow("root.querySelectorAll('[href^=javascript], [src^=javascript], [href^=\"data:text\"]').length")
            .await,
        0
    );
    // Reopened from the server, the same.
    b.client.refresh().await.expect("reload");
    b.wait_js("__root() && __root().querySelectorAll('[data-testid=message]').length === 3")
        .await;
    check(&js(&b, "__attachments(2)").await);
    b.close().await;
}
