//! The files of a sent or received message, under its text: images as thumbnails, every file
//! as a link. Built once with plain DOM calls ([`super::dom`]); the list never changes.
//!
//! Which URLs may become links or images is the browser-free rule
//! [`helper_widget_core::attachments::url_use`]: a `javascript:` (or any other) URL from the
//! server is shown as text only. URLs are set as properties from JavaScript strings, so a
//! sent file's data URL is never copied into wasm memory.

use super::dom::child;
use crate::api::Attachment;
use crate::i18n::t;
use helper_widget_core::attachments::{image_url, url_use, UrlUse};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

/// Fills a message's attachments element with its files (a directive: it runs as the
/// element is made).
pub fn attachment_list(host: Element, list: Vec<Attachment>) {
    for a in &list {
        let _ = show(&host, a);
    }
}

fn show(host: &Element, a: &Attachment) -> Option<()> {
    let url: &JsValue = &a.url;
    // The start is enough to judge the URL (scheme, and a data URL's type).
    let head: String = url.dyn_ref::<js_sys::JsString>()?.slice(0, 64).into();
    let fallback;
    let name = match a.name.as_deref() {
        Some(name) => name,
        None => {
            fallback = t("transcript.attachment");
            fallback
        }
    };
    let image = image_url(&head, a.content_type.as_deref());
    let link = match url_use(&head) {
        UrlUse::Open => child(
            host,
            "a",
            "hw-attachment",
            None,
            &[("target", "_blank"), ("rel", "noopener noreferrer")],
        )?,
        UrlUse::Download => child(host, "a", "hw-attachment", None, &[("download", name)])?,
        UrlUse::Refused => {
            child(
                host,
                "span",
                "hw-attachment",
                Some(name),
                &[("data-testid", "attachment")],
            )?;
            return Some(());
        }
    };
    link.set_attribute("data-testid", "attachment").ok()?;
    js_sys::Reflect::set(&link, &"href".into(), url).ok()?;
    if image {
        let img = child(&link, "img", "hw-attachment__img", None, &[("alt", name)])?;
        js_sys::Reflect::set(&img, &"src".into(), url).ok()?;
    } else {
        link.set_text_content(Some(name));
    }
    Some(())
}
