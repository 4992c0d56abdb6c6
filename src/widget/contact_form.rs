//! The contact form a `data-helper-contact-form` click opens, in place of the chat: email and
//! message, sent to the support team, who answer by email. Checking and sending are the
//! [`Contact`] controller's. Its content is built with plain DOM calls ([`super::dom`]) and
//! redrawn by the function that watches the controller.

use super::dom::{child, clicked_action, focus, title_bar, toggle};
use super::{use_composer_focus, use_contact, PanelBody, UiState};
use crate::contact::{Contact, ContactStatus};
use crate::i18n::t;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

/// The pane: the form, its problems (`role="alert"`) and its success (a polite status).
#[component]
pub fn ContactForm(
    /// Panel state (Back shows the chat again).
    ui: UiState,
) -> impl IntoView {
    let contact = use_contact();
    contact.reset();
    // The pane's nodes go: no one to tell any more.
    let leaving = SendWrapper::new(Rc::clone(&contact));
    on_cleanup(move || leaving.watch(None));
    let composer = use_composer_focus();
    let on_click = move |ev: web_sys::MouseEvent| {
        if clicked_action(&ev).is_some_and(|(action, _)| action == "back") {
            ui.body.set(PanelBody::Chat);
            // After this tick's update has unhidden the composer: a hidden element can't be
            // focused.
            request_animation_frame(move || {
                if let Some(composer) = composer {
                    composer.focus();
                }
            });
        }
    };
    let sending = Rc::clone(&contact);
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let Some(pane) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<Element>().ok())
        else {
            return;
        };
        let (email, message) = typed(&pane);
        sending.submit(&email, &message);
    };
    view! { <div class="hw-pane" use:contact_pane=contact on:click=on_click on:submit=on_submit></div> }
}

/// The parts of the pane that change.
struct Parts {
    form: Element,
    send: Element,
    alert: Element,
    /// The polite status line the thanks appear in.
    status: Element,
    back: Option<Element>,
}

/// The pane's content. The browser's own validation bubbles are off (`novalidate`): problems
/// are announced in the alert, in the widget's words. The alert and the status line are there
/// from the start, so what appears in them is announced.
fn build(pane: &Element, known_email: &str) -> Option<Parts> {
    title_bar(pane, t("contact.title"), "hw-contact-title")?;
    let form = child(
        pane,
        "form",
        "hw-contact",
        None,
        &[
            ("data-testid", "contact-form"),
            ("aria-labelledby", "hw-contact-title"),
            ("novalidate", ""),
        ],
    )?;
    let email_label = child(&form, "label", "hw-field", Some(t("contact.email")), &[])?;
    let email = child(
        &email_label,
        "input",
        "hw-field__input",
        None,
        &[
            ("type", "email"),
            ("autocomplete", "email"),
            ("value", known_email),
        ],
    )?;
    let message_label = child(&form, "label", "hw-field", Some(t("contact.message")), &[])?;
    let message = child(
        &message_label,
        "textarea",
        "hw-field__input hw-field__input--long",
        None,
        &[("aria-label", t("contact.message")), ("rows", "5")],
    )?;
    let send = child(
        &form,
        "button",
        "hw-submit",
        Some(t("contact.send")),
        &[("type", "submit")],
    )?;
    let alert = child(
        pane,
        "div",
        "hw-alert hw-pane__live",
        None,
        &[("role", "alert")],
    )?;
    // Empty until the form is sent: a polite region must be there before what it announces.
    let status = child(pane, "p", "hw-pane__note", None, &[("role", "status")])?;
    // The first field to fill in: the message when the email is already known.
    let field = if known_email.is_empty() {
        email
    } else {
        message
    };
    request_animation_frame(move || focus(Some(field)));
    Some(Parts {
        back: pane.query_selector("[data-action=back]").ok().flatten(),
        form,
        send,
        alert,
        status,
    })
}

/// The email and message typed into the form in `pane`.
fn typed(pane: &Element) -> (String, String) {
    let email = pane
        .query_selector("input")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
        .map(|el| el.value())
        .unwrap_or_default();
    let message = pane
        .query_selector("textarea")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlTextAreaElement>().ok())
        .map(|el| el.value())
        .unwrap_or_default();
    (email, message)
}

/// Builds the pane's content (a directive: it runs as the pane is made) and keeps it in step
/// with the controller from then on.
fn contact_pane(pane: Element, contact: Rc<Contact>) {
    if let Some(parts) = build(&pane, &contact.known_email()) {
        contact.watch(Some(Rc::new(move |status: &ContactStatus| {
            draw(&parts, status)
        })));
    }
}

/// Brings the pane in step with `status`: the alert says what to fix or why sending failed
/// (the typed text stays), Send waits while sending, and once sent the form gives way to the
/// thanks and focus goes to Back (Send is gone; focus must not fall to the page).
fn draw(parts: &Parts, status: &ContactStatus) {
    let problem = match status {
        ContactStatus::Invalid(key) => t(key),
        ContactStatus::Failed(why) => why.as_str(),
        _ => "",
    };
    parts.alert.set_text_content(Some(problem));
    let sent = *status == ContactStatus::Sent;
    toggle(&parts.send, "disabled", *status == ContactStatus::Sending);
    toggle(&parts.form, "hidden", sent);
    let thanked = parts.status.first_element_child().is_some();
    if sent && !thanked {
        let thanks = t("contact.thanks");
        let attrs = [("data-testid", "contact-form-success")];
        child(&parts.status, "span", "", Some(thanks), &attrs);
    } else if !sent && thanked {
        parts.status.set_text_content(None);
    }
    if sent {
        let back = parts.back.clone();
        request_animation_frame(move || focus(back));
    }
}
