//! The contact form's behaviour (`data-helper-contact-form`): checks what the visitor typed and
//! sends it through [`crate::api`]. A controller: no view code, nothing of the DOM; the form
//! itself is `widget::contact_form`, which watches the [`ContactStatus`].

use crate::api::Api;
use crate::i18n::tf;
use crate::watch::{Watched, Watcher};
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

/// The form's state and sender. One per mounted widget, shared by `Rc`.
pub struct Contact {
    api: Rc<Api>,
    status: Watched<ContactStatus>,
}

impl Contact {
    /// A form sending through `api`.
    pub fn new(api: Rc<Api>) -> Rc<Contact> {
        Rc::new(Contact {
            api,
            status: Watched::new(ContactStatus::Editing),
        })
    }

    /// Sets the function told of every change of status (and at once), or with `None`
    /// forgets it.
    pub fn watch(&self, watcher: Option<Watcher<ContactStatus>>) {
        self.status.watch(watcher);
    }

    /// The identified visitor's email, to fill the form in with; empty for anonymous ones.
    pub fn known_email(&self) -> String {
        self.api
            .owner_key()
            .strip_prefix("email:")
            .map(str::to_owned)
            .unwrap_or_default()
    }

    /// Sends the form, or says what to fix first. Does nothing while a send is in flight.
    pub fn submit(self: &Rc<Self>, email: &str, message: &str) {
        if self.status.with(|s| *s == ContactStatus::Sending) {
            return;
        }
        let (email, message) = (email.trim().to_owned(), message.trim().to_owned());
        if let Err(problem) = check(&email, &message) {
            self.set(ContactStatus::Invalid(problem));
            return;
        }
        self.set(ContactStatus::Sending);
        let this = Rc::clone(self);
        leptos::task::spawn_local(async move {
            let status = match this.api.contact(&email, &message).await {
                Ok(()) => ContactStatus::Sent,
                Err(e) => {
                    ContactStatus::Failed(tf("contact.failed", &[("detail", &e.to_string())]))
                }
            };
            this.set(status);
        });
    }

    /// A fresh form (it was opened again).
    pub fn reset(&self) {
        self.set(ContactStatus::Editing);
    }

    fn set(&self, status: ContactStatus) {
        self.status.update(|s| *s = status);
    }
}

/// What the visitor must fix before the form can be sent, if anything.
/// The problem is a key of the message catalogue.
pub fn check(email: &str, message: &str) -> Result<(), &'static str> {
    if !plausible_email(email) {
        Err("contact.bad_email")
    } else if message.is_empty() {
        Err("contact.no_message")
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
