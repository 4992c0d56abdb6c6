//! The fallback when no realtime socket can be had (no `supabaseUrl` in the session, a socket
//! that keeps failing): ask for the conversation now and then, at the modest, backing-off pace
//! of [`helper_widget_core::time::poll_delay_ms`].
//!
//! Knows the API client and the clock, not the store or the view: what a poll finds goes to the
//! caller.

use crate::api::{timeout, Api, ConversationDetails};
use helper_widget_core::time;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen_futures::JsFuture;

/// A running poll; dropping the handle (or a newer poll) stops it after its current request.
pub struct Poll {
    running: Rc<Cell<bool>>,
}

impl Drop for Poll {
    fn drop(&mut self) {
        self.running.set(false);
    }
}

/// Polls `slug` until the returned handle is dropped. `mark_read` says, before each request,
/// whether the visitor can see the conversation (then reading it marks it read); `found`
/// gets each answer and says whether it held anything new.
pub fn start(
    api: Rc<Api>,
    slug: String,
    mark_read: impl Fn() -> bool + 'static,
    found: impl Fn(ConversationDetails) -> bool + 'static,
) -> Poll {
    let running = Rc::new(Cell::new(true));
    let alive = Rc::clone(&running);
    leptos::task::spawn_local(async move {
        let mut delay = time::POLL_FIRST_MS;
        loop {
            let _ = JsFuture::from(timeout::sleep(delay)).await;
            if !alive.get() {
                return;
            }
            let changed = match api.conversation(&slug, mark_read(), None).await {
                Ok(details) if alive.get() => found(details),
                // Offline or a server hiccup: try again later, more slowly.
                _ => false,
            };
            if !alive.get() {
                return;
            }
            delay = time::poll_delay_ms(delay, changed);
        }
    });
    Poll { running }
}
