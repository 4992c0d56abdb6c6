//! The files chosen for the next message: the rules they must pass, their previews (with a
//! remove button each), the alert that says why a file was refused, and reading them as data
//! URLs when the message is sent.
//!
//! Built with plain DOM calls ([`super::dom`]) like the other small dynamic parts: the list is
//! rebuilt when it changes, which is rare and tiny. Depends on the browser-free rules in
//! [`helper_widget_core::attachments`] and on [`crate::api::Attachment`]; knows nothing of the
//! network or the chat.

use super::dom::child;
use crate::api::Attachment;
use crate::i18n::{t, tf, tn};
use helper_widget_core::attachments::{
    is_image, refusal, Refusal, ACCEPT, MAX_FILES, MAX_FILE_BYTES, MAX_TOTAL_BYTES,
};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, Event, File, FileList, FileReader, Url};

const CLIP_ICON: &str = r#"<svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M20 11.5l-8 8a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7L9.7 17.2a1.7 1.7 0 0 1-2.4-2.4L15 7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>"#;

/// The form's listener for file events, kept as long as the tray.
type Listener = Closure<dyn FnMut(Event)>;

/// A chosen file and its thumbnail's object URL (images only), revoked once it is not shown.
struct Picked {
    file: File,
    preview: Option<String>,
}

/// The chosen files, their previews and the composer's listener for them. Lives in the
/// composer, and dies with it.
pub struct Tray {
    picked: RefCell<Vec<Picked>>,
    /// Where previews and the alert go; set by [`mount`].
    host: RefCell<Option<Element>>,
    /// How many files are chosen, for the Send button.
    count: RwSignal<usize>,
    listener: RefCell<Option<Listener>>,
}

impl Tray {
    /// An empty tray that reports its size in `count`.
    pub fn new(count: RwSignal<usize>) -> Tray {
        Tray {
            picked: RefCell::default(),
            host: RefCell::default(),
            count,
            listener: RefCell::default(),
        }
    }

    /// Adds the files of `list` that pass Helper's rules, in order; the others are named in
    /// the alert with the reason.
    fn add(&self, list: Vec<File>) {
        let mut refused = String::new();
        {
            let mut picked = self.picked.borrow_mut();
            for file in list {
                let total = picked.iter().map(|p| p.file.size()).sum();
                let (name, kind) = (file.name(), file.type_());
                if let Some(why) = refusal(&kind, file.size(), picked.len(), total) {
                    if !refused.is_empty() {
                        refused.push(' ');
                    }
                    refused.push_str(&refused_text(&name, why));
                    continue;
                }
                let preview = is_image(&kind)
                    .then(|| Url::create_object_url_with_blob(&file).ok())
                    .flatten();
                picked.push(Picked { file, preview });
            }
        }
        self.render(&refused);
    }

    /// Removes the file at `index` (its preview's button was pressed).
    fn remove(&self, index: usize) {
        {
            let mut picked = self.picked.borrow_mut();
            if index < picked.len() {
                revoke(&picked.remove(index));
            }
        }
        self.render("");
    }

    /// Forgets every file (the message went).
    pub fn clear(&self) {
        for p in self.picked.borrow_mut().drain(..) {
            revoke(&p);
        }
        self.render("");
    }

    /// Announces `problem` without changing the files.
    pub fn alert(&self, problem: &str) {
        self.render(problem);
    }

    /// The chosen files, to read and send.
    pub fn files(&self) -> Vec<File> {
        self.picked
            .borrow()
            .iter()
            .map(|p| p.file.clone())
            .collect()
    }

    /// Rebuilds the previews, and the alert when there is a `problem`.
    fn render(&self, problem: &str) {
        let picked = self.picked.borrow();
        self.count.set(picked.len());
        let Some(host) = &*self.host.borrow() else {
            return;
        };
        host.set_text_content(None);
        for p in picked.iter() {
            let _ = preview(host, p);
        }
        if !problem.is_empty() {
            child(
                host,
                "p",
                "hw-tray__error",
                Some(problem),
                &[("role", "alert")],
            );
        }
    }

    /// Which file a remove `button` is for: previews are in the files' order.
    fn index_of(&self, button: &Element) -> Option<usize> {
        let item = button.parent_element()?;
        let previews = self.host.borrow().as_ref()?.children();
        (0..previews.length()).position(|i| previews.item(i).as_ref() == Some(&item))
    }

    /// One listener on the form for everything files do there: Attach and remove clicks, the
    /// file input's change, drag-and-drop, and pasted files (events bubble up from the
    /// textarea). One closure rather than a typed handler each keeps the wasm small.
    fn on_event(&self, ev: &Event) {
        match ev.type_().as_str() {
            "click" => {
                let Some(button) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|t| t.closest("[data-action]").ok().flatten())
                else {
                    return;
                };
                let Some(form) = button.closest("form").ok().flatten() else {
                    return;
                };
                if button.get_attribute("data-action").as_deref() == Some("attach") {
                    focus_or_click(&form, "input[type=file]", true);
                } else if let Some(index) = self.index_of(&button) {
                    self.remove(index);
                    // The pressed button is gone: keep the keyboard user in the composer.
                    focus_or_click(&form, "textarea", false);
                }
            }
            "change" => self.add(chosen(ev)),
            "dragover" => ev.prevent_default(),
            kind => {
                let data = match kind {
                    "drop" => ev
                        .dyn_ref::<web_sys::DragEvent>()
                        .and_then(|e| e.data_transfer()),
                    _ => ev
                        .dyn_ref::<web_sys::ClipboardEvent>()
                        .and_then(|e| e.clipboard_data()),
                };
                // Text drops and pastes as usual; only files are taken.
                if let Some(list) = data.and_then(|d| d.files()).filter(|f| f.length() > 0) {
                    ev.prevent_default();
                    self.add(files_of(&list));
                }
            }
        }
    }
}

/// Adds the previews' place, the hidden file input and Attach to the composer `form` (a
/// directive: it runs as the form is made, so they come before the textarea), and listens
/// there for files.
pub fn mount(form: Element, tray: Rc<Tray>) {
    let _ = build(&form, &tray);
}

fn build(form: &Element, tray: &Rc<Tray>) -> Option<()> {
    let host = child(form, "div", "hw-tray", None, &[])?;
    child(
        form,
        "input",
        "",
        None,
        &[
            ("type", "file"),
            ("multiple", ""),
            ("accept", ACCEPT),
            ("hidden", ""),
        ],
    )?;
    child(
        form,
        "button",
        "hw-attach",
        None,
        &[
            ("type", "button"),
            ("data-testid", "attach-button"),
            ("data-action", "attach"),
            ("aria-label", t("composer.attach")),
        ],
    )?
    .set_inner_html(CLIP_ICON);
    // Weak: the tray owns this listener.
    let weak = Rc::downgrade(tray);
    let listener = Listener::new(move |ev: Event| {
        if let Some(tray) = weak.upgrade() {
            tray.on_event(&ev);
        }
    });
    for kind in ["click", "change", "dragover", "drop", "paste"] {
        form.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref())
            .ok()?;
    }
    *tray.host.borrow_mut() = Some(host);
    *tray.listener.borrow_mut() = Some(listener);
    Some(())
}

/// Clicks (`click`) or focuses the `selector` element of `form`.
fn focus_or_click(form: &Element, selector: &str, click: bool) {
    if let Some(el) = form
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        if click {
            el.click();
        } else {
            let _ = el.focus();
        }
    }
}

impl Drop for Tray {
    fn drop(&mut self) {
        for p in self.picked.get_mut().iter() {
            revoke(p);
        }
    }
}

fn revoke(p: &Picked) {
    if let Some(url) = &p.preview {
        let _ = Url::revoke_object_url(url);
    }
}

fn preview(host: &Element, p: &Picked) -> Option<()> {
    let name = p.file.name();
    let item = child(
        host,
        "div",
        "hw-preview",
        None,
        &[("data-testid", "attachment-preview"), ("title", &name)],
    )?;
    match &p.preview {
        Some(url) => child(
            &item,
            "img",
            "hw-preview__img",
            None,
            &[("src", url), ("alt", "")],
        )?,
        None => child(
            &item,
            "span",
            "hw-preview__icon",
            Some("PDF"),
            &[("aria-hidden", "true")],
        )?,
    };
    child(&item, "span", "hw-preview__name", Some(&name), &[])?;
    child(
        &item,
        "button",
        "hw-preview__remove",
        Some("×"),
        &[
            ("type", "button"),
            ("aria-label", &tf("composer.remove", &[("name", &name)])),
            ("data-action", "remove"),
        ],
    )?;
    Some(())
}

/// The visitor's words for why `name` was not attached.
fn refused_text(name: &str, why: Refusal) -> String {
    let megabytes = |bytes: f64| ((bytes / 1_048_576.0) as u32).to_string();
    let reason = match why {
        Refusal::Type => t("composer.refused_type").into(),
        Refusal::Size => tf(
            "composer.refused_size",
            &[("size", &megabytes(MAX_FILE_BYTES))],
        ),
        Refusal::Count => tn("composer.refused_count", MAX_FILES as u32, &[]),
        Refusal::Total => tf(
            "composer.refused_total",
            &[("size", &megabytes(MAX_TOTAL_BYTES))],
        ),
    };
    tf("composer.refused", &[("name", name), ("reason", &reason)])
}

/// Reads `files` as data URLs with the browser's `FileReader`, which works off the main thread
/// (25 MB never goes through a base64 loop here). `Err` names a file that could not be read.
pub async fn read(files: Vec<File>) -> Result<Vec<Attachment>, String> {
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let url = data_url(&file)
            .await
            .ok_or_else(|| tf("composer.read_failed", &[("name", &file.name())]))?;
        let kind = file.type_();
        out.push(Attachment {
            name: Some(file.name()),
            content_type: (!kind.is_empty()).then_some(kind),
            url: SendWrapper::new(url),
        });
    }
    Ok(out)
}

async fn data_url(file: &File) -> Option<JsValue> {
    let reader = FileReader::new().ok()?;
    // `load` and `error` settle the promise; no Rust closure has to outlive the read.
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        reader.set_onload(Some(&resolve));
        reader.set_onerror(Some(&reject));
    });
    reader.read_as_data_url(file).ok()?;
    JsFuture::from(done).await.ok()?;
    reader.result().ok().filter(JsValue::is_string)
}

/// The files of the `<input type=file>` an event came from, which is then emptied so the same
/// file can be chosen again (its list is live: read first).
fn chosen(ev: &Event) -> Vec<File> {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = input
        .files()
        .map(|list| files_of(&list))
        .unwrap_or_default();
    input.set_value("");
    files
}

fn files_of(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
