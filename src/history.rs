//! The visitor's earlier conversations: the list, fetched a page at a time as it scrolls, and
//! what can be done with it (reopen one, clear them all). A controller: it holds the paging
//! state and makes the requests through [`crate::api`], and reopens conversations through the
//! [`Chat`] controller. It renders nothing and must not depend on the DOM or on
//! [`crate::widget`]; the view decides when more is needed.

use crate::api::{storage, Api, ConversationSummary};
use crate::chat::Chat;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Where the list's loading is.
#[derive(Clone, Debug, PartialEq)]
pub enum ListStatus {
    /// A page is being fetched.
    Loading,
    /// What is fetched is shown and more pages follow.
    More,
    /// Every page is shown.
    Complete,
    /// The last page could not be fetched (the text says why); [`History::retry`] asks again.
    Failed(String),
}

/// The list and its controller, as a `Copy` handle components can capture (the requests'
/// state holds browser objects, so it lives in local arena storage, owned by the view).
#[derive(Clone, Copy)]
pub struct History {
    /// The conversations fetched so far, newest first, each once.
    pub items: RwSignal<Vec<ConversationSummary>>,
    /// Where the loading is.
    pub status: RwSignal<ListStatus>,
    pager: StoredValue<Rc<Pager>, LocalStorage>,
}

struct Pager {
    api: Rc<Api>,
    chat: Rc<Chat>,
    /// Where the next page starts; `None` before the first.
    cursor: RefCell<Option<String>>,
    /// The page request in flight: at most one, so scrolling never asks for a page twice.
    request: RefCell<Option<web_sys::AbortController>>,
}

impl History {
    /// An empty list over `api`, reopening conversations through `chat`. Must run under the
    /// view's owner.
    pub fn new(api: Rc<Api>, chat: Rc<Chat>) -> History {
        History {
            items: RwSignal::new(Vec::new()),
            status: RwSignal::new(ListStatus::More),
            pager: StoredValue::new_local(Rc::new(Pager {
                api,
                chat,
                cursor: RefCell::new(None),
                request: RefCell::new(None),
            })),
        }
    }

    /// Whether the visitor may clear the history: only an anonymous one. An identified
    /// visitor's conversations belong to their account (Helper offers no clearing either).
    pub fn can_clear(&self) -> bool {
        self.pager
            .try_with_value(|p| !p.api.owner_key().starts_with("email:"))
            .unwrap_or(false)
    }

    /// Fetches the list again from its first page (it is shown anew, and conversations may
    /// have changed since it was last seen).
    pub fn reload(self) {
        self.cancel();
        if let Some(pager) = self.pager.try_get_value() {
            pager.cursor.borrow_mut().take();
        }
        self.items.set(Vec::new());
        self.status.set(ListStatus::More);
        self.load_more();
    }

    /// Fetches the next page, unless one is in flight, none is left, or the last failed (then
    /// only [`History::retry`] asks again, so a failing server is not asked at every scroll).
    pub fn load_more(self) {
        let Some(pager) = self.pager.try_get_value() else {
            return;
        };
        if self.status.get_untracked() != ListStatus::More || pager.request.borrow().is_some() {
            return;
        }
        let Ok(controller) = web_sys::AbortController::new() else {
            return;
        };
        let abort = controller.signal();
        *pager.request.borrow_mut() = Some(controller);
        self.status.set(ListStatus::Loading);
        let cursor = pager.cursor.borrow().clone();
        leptos::task::spawn_local(async move {
            let result = pager
                .api
                .conversations(cursor.as_deref(), Some(&abort))
                .await;
            if abort.aborted() {
                // Reloaded, cleared or left meanwhile: this page is not the list's any more.
                return;
            }
            pager.request.borrow_mut().take();
            match result {
                Ok(page) => {
                    let more = page.next_cursor.is_some();
                    *pager.cursor.borrow_mut() = page.next_cursor;
                    self.items
                        .update(|items| append_new(items, page.conversations));
                    self.status.set(if more {
                        ListStatus::More
                    } else {
                        ListStatus::Complete
                    });
                }
                Err(e) => self.status.set(ListStatus::Failed(e.to_string())),
            }
        });
    }

    /// Asks again for the page that failed.
    pub fn retry(self) {
        if matches!(self.status.get_untracked(), ListStatus::Failed(_)) {
            self.status.set(ListStatus::More);
            self.load_more();
        }
    }

    /// Ends the page request in flight (the list is left); its answer is dropped.
    pub fn cancel(self) {
        if let Some(pager) = self.pager.try_get_value() {
            if let Some(request) = pager.request.borrow_mut().take() {
                request.abort();
            }
        }
    }

    /// Reopens conversation `slug` in the chat.
    pub fn open(self, slug: &str) {
        if let Some(pager) = self.pager.try_get_value() {
            pager.chat.open_conversation(slug);
        }
    }

    /// "Clear history" for an anonymous visitor, as Helper does it: the stored session token is
    /// forgotten and a new session started, so the server sees a new visitor and the earlier
    /// conversations are out of reach from this browser. The open one is left too.
    pub fn clear(self) {
        let Some(pager) = self.pager.try_get_value() else {
            return;
        };
        self.cancel();
        storage::forget_anonymous_token();
        pager.chat.new_conversation();
        pager.cursor.borrow_mut().take();
        self.items.set(Vec::new());
        self.status.set(ListStatus::Complete);
        leptos::task::spawn_local(async move {
            // A failure needs no handling here: the token is gone, so whichever call comes
            // next starts the new visitor's session.
            let _ = pager.api.restart_session().await;
        });
    }
}

/// Adds a page's conversations that are not already listed: the cursor is an offset, so a
/// conversation started between two pages shifts the next one by one.
fn append_new(items: &mut Vec<ConversationSummary>, page: Vec<ConversationSummary>) {
    for conversation in page {
        if !items.iter().any(|c| c.slug == conversation.slug) {
            items.push(conversation);
        }
    }
}
