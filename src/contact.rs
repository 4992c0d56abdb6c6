//! The contact form's behaviour (`data-helper-contact-form`): checks what the visitor typed and
//! sends it through [`crate::api`]. A controller: no view code, nothing of the DOM; the form
//! itself is `widget::contact_form`.

use crate::api::Api;
use leptos::prelude::*;
use std::rc::Rc;

/// Where the form is.
#[derive(Clone, Debug, PartialEq)]
pub enum ContactStatus {
    /// Being filled in.
    Editing,
    /// What was typed cannot be sent; the text says what to fix.
    Invalid(&'static str),
    /// On its way.
    Sending,
    /// Received by the server.
    Sent,
    /// The server or the network failed; the text says why. The typed text stays.
    Failed(String),
}

/// The form's state and sender, as a `Copy` handle.
#[derive(Clone, Copy)]
pub struct Contact {
    /// Where the form is.
    pub status: RwSignal<ContactStatus>,
    api: StoredValue<Rc<Api>, LocalStorage>,
}

impl Contact {
    /// A form sending through `api`. Must run under the view's owner.
    pub fn new(api: Rc<Api>) -> Contact {
        Contact {
            status: RwSignal::new(ContactStatus::Editing),
            api: StoredValue::new_local(api),
        }
    }

    /// The identified visitor's email, to fill the form in with; empty for anonymous ones.
    pub fn known_email(&self) -> String {
        self.api
            .try_with_value(|api| {
                api.owner_key()
                    .strip_prefix("email:")
                    .map(str::to_owned)
                    .unwrap_or_default()
            })
            .unwrap_or_default()
    }

    /// Sends the form, or says what to fix first. Does nothing while a send is in flight.
    pub fn submit(self, email: &str, message: &str) {
        if self.status.get_untracked() == ContactStatus::Sending {
            return;
        }
        let (email, message) = (email.trim(), message.trim());
        if let Err(problem) = check(email, message) {
            self.status.set(ContactStatus::Invalid(problem));
            return;
        }
        let Some(api) = self.api.try_get_value() else {
            return;
        };
        self.status.set(ContactStatus::Sending);
        let (email, message) = (email.to_owned(), message.to_owned());
        leptos::task::spawn_local(async move {
            let status = match api.contact(&email, &message).await {
                Ok(()) => ContactStatus::Sent,
                Err(e) => ContactStatus::Failed(format!(
                    "Your message couldn't be sent ({e}). Please try again."
                )),
            };
            self.status.set(status);
        });
    }

    /// A fresh form (it was opened again).
    pub fn reset(self) {
        self.status.set(ContactStatus::Editing);
    }
}

/// What the visitor must fix before the form can be sent, if anything.
pub fn check(email: &str, message: &str) -> Result<(), &'static str> {
    if !plausible_email(email) {
        Err("Enter a valid email address, like name@example.com.")
    } else if message.is_empty() {
        Err("Enter a message.")
    } else {
        Ok(())
    }
}

/// Something@domain.tld with no spaces: what the server will accept. (Whether the mailbox exists
/// only sending can tell.)
pub fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.contains(char::is_whitespace)
}
