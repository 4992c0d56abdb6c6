//! What the chat remembers in the host page's `localStorage`: the open conversation, that this
//! browser ever started one, and whether the panel was minimized. (The anonymous session token
//! and the panel's open state are the loader's, in `sdk.js`; the chat only removes that token,
//! when an anonymous visitor clears their history.) Storage can be missing or throw (privacy modes, sandboxed frames,
//! quota): then the widget simply forgets, it never fails.

use crate::json;
use serde_json::Value;

const CONVERSATION: &str = "helper_widget_rs_conversation";
/// Read by `sdk.js` (same key there): only a visitor who ever had a conversation can have
/// unread replies, so only their page views spend a request on the unread count.
const HAS_CONVERSATIONS: &str = "helper_widget_rs_has_conversations";
/// Minimized is the chat's alone: only the panel has a size, and the loader never draws it.
/// "1" or absent, as the loader stores the open state (`helper_widget_rs_open`).
const MINIMIZED: &str = "helper_widget_rs_minimized";
/// The loader's key for the anonymous session token (Helper's own, helper-api.md §3.6).
const ANONYMOUS_TOKEN: &str = "helper_widget_anonymous_session_token";

fn storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

/// The conversation `owner` had open, if any. Keyed by owner so an identified visitor never
/// reopens an anonymous visitor's conversation on a shared computer, or the other way round.
pub fn conversation(owner: &str) -> Option<String> {
    let raw = storage()?.get_item(CONVERSATION).ok().flatten()?;
    let value: Value = serde_json::from_str(&raw).ok()?;
    if value.get("owner")?.as_str()? != owner {
        return None;
    }
    value.get("slug")?.as_str().map(str::to_owned)
}

/// Remembers (or with `None` forgets) `owner`'s open conversation.
pub fn set_conversation(owner: &str, slug: Option<&str>) {
    if let Some(s) = storage() {
        let _ = match slug {
            Some(slug) => s.set_item(
                CONVERSATION,
                &json::stringify(&json::object(vec![
                    ("owner", owner.into()),
                    ("slug", slug.into()),
                ])),
            ),
            None => s.remove_item(CONVERSATION),
        };
    }
}

/// Whether the visitor left the panel minimized on an earlier page.
pub fn minimized() -> bool {
    storage()
        .and_then(|s| s.get_item(MINIMIZED).ok().flatten())
        .is_some_and(|v| v == "1")
}

/// Remembers the panel's size for the next page.
pub fn set_minimized(minimized: bool) {
    if let Some(s) = storage() {
        let _ = if minimized {
            s.set_item(MINIMIZED, "1")
        } else {
            s.remove_item(MINIMIZED)
        };
    }
}

/// Remembers that this browser started a conversation, so later page views fetch the unread
/// count (anonymous visitors; identified ones always do). Never forgotten: a conversation stays
/// on the server after the widget forgets which one was open.
pub fn remember_has_conversations() {
    if let Some(s) = storage() {
        let _ = s.set_item(HAS_CONVERSATIONS, "1");
    }
}

/// Forgets the anonymous visitor's session token, so the next session is a new visitor's and
/// the earlier conversations are out of reach ("Clear history", as Helper does it). The new
/// visitor has no conversations yet, so page views stop asking for an unread count.
pub fn forget_anonymous_token() {
    if let Some(s) = storage() {
        let _ = s.remove_item(ANONYMOUS_TOKEN);
        let _ = s.remove_item(HAS_CONVERSATIONS);
    }
}
