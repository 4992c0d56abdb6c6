//! The visitor's earlier conversations: the list, fetched a page at a time as it scrolls, and
//! what can be done with it (reopen one, clear them all). A controller: it holds the paging
//! state and makes the requests through [`crate::api`], and reopens conversations through the
//! [`Chat`] controller. It renders nothing and must not depend on the DOM or on
//! [`crate::widget`]; the view watches its [`List`] and decides when more is needed.

use crate::api::{storage, Api, ConversationSummary};
use crate::chat::Chat;
use crate::watch::{Watched, Watcher};
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

/// What the history view shows.
pub struct List {
    /// The conversations fetched so far, newest first, each once.
    pub items: Vec<ConversationSummary>,
    /// Where the loading is.
    pub status: ListStatus,
    /// Where the next page starts; `None` before the first.
    cursor: Option<String>,
}

/// The controller. One per mounted widget, shared by `Rc`.
pub struct History {
    api: Rc<Api>,
    chat: Rc<Chat>,
    list: Watched<List>,
    /// The page request in flight: at most one, so scrolling never asks for a page twice.
    request: RefCell<Option<web_sys::AbortController>>,
}

impl History {
    /// An empty list over `api`, reopening conversations through `chat`.
    pub fn new(api: Rc<Api>, chat: Rc<Chat>) -> Rc<History> {
        Rc::new(History {
            api,
            chat,
            list: Watched::new(List {
                items: Vec::new(),
                status: ListStatus::More,
                cursor: None,
            }),
            request: RefCell::new(None),
        })
    }

    /// Sets the function told of every change to the list (and at once), or with `None`
    /// forgets it. It must not call back into the controller while it is told.
    pub fn watch(&self, watcher: Option<Watcher<List>>) {
        self.list.watch(watcher);
    }

    /// Whether the visitor may clear the history: only an anonymous one. An identified
    /// visitor's conversations belong to their account (Helper offers no clearing either).
    pub fn can_clear(&self) -> bool {
        !self.api.owner_key().starts_with("email:")
    }

    /// Fetches the list again from its first page (it is shown anew, and conversations may
    /// have changed since it was last seen).
    pub fn reload(self: &Rc<Self>) {
        self.cancel();
        self.list.update(|list| {
            list.items.clear();
            list.cursor = None;
            list.status = ListStatus::More;
        });
        self.load_more();
    }

    /// Fetches the next page, unless one is in flight, none is left, or the last failed (then
    /// only [`History::retry`] asks again, so a failing server is not asked at every scroll).
    pub fn load_more(self: &Rc<Self>) {
        let idle = self.list.with(|list| list.status == ListStatus::More);
        if !idle || self.request.borrow().is_some() {
            return;
        }
        let Ok(controller) = web_sys::AbortController::new() else {
            return;
        };
        let abort = controller.signal();
        *self.request.borrow_mut() = Some(controller);
        let mut cursor = None;
        self.list.update(|list| {
            list.status = ListStatus::Loading;
            cursor = list.cursor.clone();
        });
        let this = Rc::clone(self);
        leptos::task::spawn_local(async move {
            let result = this
                .api
                .conversations(cursor.as_deref(), Some(&abort))
                .await;
            if abort.aborted() {
                // Reloaded, cleared, left or destroyed meanwhile: this page is not the list's.
                return;
            }
            this.request.borrow_mut().take();
            this.list.update(|list| match result {
                Ok(page) => {
                    list.status = if page.next_cursor.is_some() {
                        ListStatus::More
                    } else {
                        ListStatus::Complete
                    };
                    list.cursor = page.next_cursor;
                    append_new(&mut list.items, page.conversations);
                }
                Err(e) => list.status = ListStatus::Failed(e.to_string()),
            });
        });
    }

    /// Asks again for the page that failed.
    pub fn retry(self: &Rc<Self>) {
        let failed = self
            .list
            .with(|list| matches!(list.status, ListStatus::Failed(_)));
        if failed {
            self.list.update(|list| list.status = ListStatus::More);
            self.load_more();
        }
    }

    /// Ends the page request in flight (the list is left); its answer is dropped.
    pub fn cancel(&self) {
        if let Some(request) = self.request.borrow_mut().take() {
            request.abort();
        }
    }

    /// Reopens conversation `slug` in the chat.
    pub fn open(&self, slug: &str) {
        self.chat.open_conversation(slug);
    }

    /// "Clear history" for an anonymous visitor, as Helper does it: the stored session token is
    /// forgotten and a new session started, so the server sees a new visitor and the earlier
    /// conversations are out of reach from this browser. The open one is left too.
    pub fn clear(self: &Rc<Self>) {
        self.cancel();
        storage::forget_anonymous_token();
        self.chat.new_conversation();
        self.list.update(|list| {
            list.items.clear();
            list.cursor = None;
            list.status = ListStatus::Complete;
        });
        let this = Rc::clone(self);
        leptos::task::spawn_local(async move {
            // A failure needs no handling here: the token is gone, so whichever call comes
            // next starts the new visitor's session.
            let _ = this.api.restart_session().await;
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
