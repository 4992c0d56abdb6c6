//! The files chosen for the next message: the rules they must pass, their previews (with a
//! remove button each), the alert that says why a file was refused, and reading them as data
//! URLs when the message is sent. A screenshot of the page ([`super::screenshot`]) joins the
//! same tray as one more PNG, under the same rules.
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
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, Event, File, FileList, FileReader, Url};

const CLIP_ICON: &str = r#"<svg class="hw-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M20 11.5l-8 8a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7L9.7 17.2a1.7 1.7 0 0 1-2.4-2.4L15 7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>"#;

/// The name and type a screenshot is sent with.
const SHOT_NAME: &str = "screenshot.png";
const SHOT_TYPE: &str = "image/png";

/// What goes with the next message.
#[derive(Clone)]
pub enum Picked {
    /// A chosen file and its thumbnail's object URL (images only), revoked once it is not
    /// shown.
    File(File, Option<String>),
    /// A screenshot of the page: a PNG data URL, kept as a JS string (megabytes of base64
    /// stay out of wasm memory), which is also its thumbnail.
    Shot(JsValue),
}

impl Picked {
    fn name(&self) -> String {
        match self {
            Picked::File(file, _) => file.name(),
            Picked::Shot(_) => SHOT_NAME.into(),
        }
    }

    /// Bytes, as the size rules count them (a data URL's base64 is 4/3 of its content).
    fn size(&self) -> f64 {
        match self {
            Picked::File(file, _) => file.size(),
            Picked::Shot(url) => f64::from(js_sys::JsString::from(url.clone()).length()) * 0.75,
        }
    }
}

/// The chosen files and their previews. Lives in the composer, and dies with it.
pub struct Tray {
    picked: RefCell<Vec<Picked>>,
    /// Where previews and the alert go; set by [`mount`].
    host: RefCell<Option<Element>>,
    /// How many files are chosen, for the Send button.
    count: RwSignal<usize>,
    /// The screenshot checkbox, kept ticked exactly while a screenshot is in the tray (set by
    /// [`super::screenshot::mount`]), except while a capture runs: it is disabled then.
    shot_box: RefCell<Option<web_sys::HtmlInputElement>>,
}

impl Tray {
    /// An empty tray that reports its size in `count`.
    pub fn new(count: RwSignal<usize>) -> Tray {
        Tray {
            picked: RefCell::default(),
            host: RefCell::default(),
            count,
            shot_box: RefCell::default(),
        }
    }

    /// Adds the files of `list` that pass Helper's rules, in order; the others are named in
    /// the alert with the reason.
    fn add(&self, list: Vec<File>) {
        let mut refused = String::new();
        {
            let mut picked = self.picked.borrow_mut();
            for file in list {
                let (name, kind) = (file.name(), file.type_());
                if let Some(why) = refusal_in(&picked, &kind, file.size()) {
                    if !refused.is_empty() {
                        refused.push(' ');
                    }
                    refused.push_str(&refused_text(&name, why));
                    continue;
                }
                let preview = is_image(&kind)
                    .then(|| Url::create_object_url_with_blob(&file).ok())
                    .flatten();
                picked.push(Picked::File(file, preview));
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

    /// Adds the screenshot `url` (a PNG data URL) if the rules let it join, and says why not in
    /// the alert otherwise (its checkbox is then unticked, as the tray keeps it).
    pub fn add_shot(&self, url: JsValue) {
        let shot = Picked::Shot(url);
        let refused = refusal_in(&self.picked.borrow(), SHOT_TYPE, shot.size());
        if refused.is_none() {
            self.picked.borrow_mut().push(shot);
        }
        self.render(
            &refused
                .map(|why| refused_text(SHOT_NAME, why))
                .unwrap_or_default(),
        );
    }

    /// Takes the screenshot out again (its checkbox was unticked).
    pub fn remove_shot(&self) {
        self.picked
            .borrow_mut()
            .retain(|p| !matches!(p, Picked::Shot(_)));
        self.render("");
    }

    /// Lets the tray keep `input` ticked exactly while it holds a screenshot.
    pub fn set_shot_box(&self, input: web_sys::HtmlInputElement) {
        *self.shot_box.borrow_mut() = Some(input);
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

    /// What goes with the next message, to read and send.
    pub fn files(&self) -> Vec<Picked> {
        self.picked.borrow().clone()
    }

    /// Rebuilds the previews, and the alert when there is a `problem`.
    fn render(&self, problem: &str) {
        let picked = self.picked.borrow();
        self.count.set(picked.len());
        if let Some(input) = &*self.shot_box.borrow() {
            // While a capture runs the box is disabled and ticked, with nothing in the tray yet.
            if !input.disabled() {
                input.set_checked(picked.iter().any(|p| matches!(p, Picked::Shot(_))));
            }
        }
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

    /// Everything files do in the composer form: Attach and remove clicks, the file input's
    /// change, drag-and-drop, and pasted files (events bubble up from the textarea). The form's
    /// one listener ([`super::screenshot::mount`]) hands every event here; one closure rather
    /// than a typed handler each keeps the wasm small.
    pub fn on_event(&self, ev: &Event) {
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
            // The screenshot checkbox's changes are not files.
            "change" => {
                let files = chosen(ev);
                if !files.is_empty() {
                    self.add(files);
                }
            }
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

/// Adds the previews' place, the hidden file input and Attach to the composer `form` (from the
/// form's directive, [`super::screenshot::mount`]: it runs as the form is made, so they come
/// before the textarea).
pub fn mount(form: &Element, tray: &Tray) -> Option<()> {
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
    *tray.host.borrow_mut() = Some(host);
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
    if let Picked::File(_, Some(url)) = p {
        let _ = Url::revoke_object_url(url);
    }
}

/// Why a file `name` of type `kind` and `size` bytes cannot join `picked`, if it cannot.
fn refusal_in(picked: &[Picked], kind: &str, size: f64) -> Option<Refusal> {
    let total = picked.iter().map(Picked::size).sum();
    refusal(kind, size, picked.len(), total)
}

fn preview(host: &Element, p: &Picked) -> Option<()> {
    let name = p.name();
    let item = child(
        host,
        "div",
        "hw-preview",
        None,
        &[("data-testid", "attachment-preview"), ("title", &name)],
    )?;
    match p {
        Picked::File(_, Some(url)) => child(
            &item,
            "img",
            "hw-preview__img",
            None,
            &[("src", url), ("alt", "")],
        )?,
        Picked::Shot(url) => {
            let img = child(&item, "img", "hw-preview__img", None, &[("alt", "")])?;
            // Set from the JS string itself: no copy of the data URL into wasm memory.
            js_sys::Reflect::set(&img, &"src".into(), url).ok()?;
            img
        }
        Picked::File(_, None) => child(
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
pub async fn read(files: Vec<Picked>) -> Result<Vec<Attachment>, String> {
    let mut out = Vec::with_capacity(files.len());
    for picked in files {
        let file = match picked {
            Picked::File(file, _) => file,
            Picked::Shot(url) => {
                out.push(Attachment {
                    name: Some(SHOT_NAME.into()),
                    content_type: Some(SHOT_TYPE.into()),
                    url: SendWrapper::new(url),
                });
                continue;
            }
        };
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
    // Other inputs (the screenshot checkbox) have no file list.
    let Some(list) = input.files() else {
        return Vec::new();
    };
    let files = files_of(&list);
    input.set_value("");
    files
}

fn files_of(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
