//! Messages that reach the transcript without a turn: a human agent's replies and anything
//! else the server saved, pushed over realtime or found by a poll. Every message appears once,
//! however it arrived. Part of the chat controller; what to listen to is [`crate::live`]'s job.

use super::Chat;
use crate::api::StoredMessage;
use crate::events;
use crate::json;
use helper_widget_core::chat::Role;
use leptos::prelude::*;

/// What became of a message the server pushed or a poll found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// Already in the transcript (streamed, sent from here, or seen before), or not for the
    /// conversation shown.
    Known,
    /// Held until the streaming reply ends.
    Deferred,
    /// Appended; `staff` if a human wrote it.
    Shown {
        /// Written by a human agent.
        staff: bool,
    },
}

impl Chat {
    /// A saved message of conversation `slug` from realtime or polling. Every message appears
    /// once however it arrived: one already shown under its server id is skipped; one this
    /// visit sent or streamed before its id was known (same author, same text or the start of
    /// it for a stopped reply, no id yet) gets that id instead of a second copy.
    pub fn receive(&self, slug: &str, message: StoredMessage) -> Received {
        if !self.alive.get() || self.store.slug.get_untracked().as_deref() != Some(slug) {
            return Received::Known;
        }
        let role = Role::from_api(&message.role);
        let streaming = self.turn.borrow().is_some()
            || self
                .store
                .rows
                .with_untracked(|rows| rows.iter().any(|r| r.streaming.get_untracked()));
        if streaming && role != Role::Staff {
            self.deferred.borrow_mut().push((slug.to_owned(), message));
            return Received::Deferred;
        }
        let known = self.store.rows.with_untracked(|rows| {
            if rows.iter().any(|r| {
                r.server_id
                    .with_untracked(|id| id.as_deref() == Some(&message.id))
            }) {
                return true;
            }
            let saved = message.content.trim();
            let copy = rows.iter().rev().find(|r| {
                r.role == role
                    && r.server_id.with_untracked(Option::is_none)
                    && !r.streaming.get_untracked()
                    && r.text.with_untracked(|t| {
                        let shown = t.trim();
                        // A reply the visitor stopped is kept as far as it got, while the
                        // server may have saved all of it: the same message.
                        shown == saved
                            // Helper saves a message of files alone as "[Image]".
                            || (shown.is_empty() && !r.attachments.is_empty() && saved == "[Image]")
                            || (role == Role::Assistant
                                && !shown.is_empty()
                                && saved.starts_with(shown))
                    })
            });
            if let Some(row) = copy {
                row.server_id.set(Some(message.id.clone()));
                return true;
            }
            false
        });
        if known {
            return Received::Known;
        }
        let staff = role == Role::Staff;
        if staff {
            // A human has the conversation now, and has stopped typing.
            self.store.escalated.set(true);
            self.store.staff_typing.set(false);
        }
        let row = self.stored_row(message);
        let (content, id) = (row.text.get_untracked(), row.public_id());
        self.store.push(row);
        events::emit(
            "message",
            events::detail(json::object(vec![
                ("role", "assistant".into()),
                ("content", content.into()),
                ("id", id.into()),
            ])),
        );
        Received::Shown { staff }
    }

    /// Messages held back while a reply streamed, now that it has ended.
    pub(super) fn receive_deferred(&self) {
        let held = std::mem::take(&mut *self.deferred.borrow_mut());
        for (slug, message) in held {
            self.receive(&slug, message);
        }
    }
}
