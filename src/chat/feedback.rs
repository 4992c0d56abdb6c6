//! What the visitor says about the answers: reactions to a reply (thumbs up or down, with
//! optional feedback text) and asking for a human, as Helper's SupportButtons do. Part of the
//! chat controller; the requests are the API client's.

use super::{Chat, Row};
use crate::api::{ApiError, Reaction};
use crate::i18n::tf;
use leptos::prelude::*;
use std::rc::Rc;

impl Chat {
    /// Sets (or, the same again, clears) the visitor's reaction to `row`, a saved reply; with
    /// `feedback`, adds that text to a thumbs-down. The button shows the new state at once and
    /// goes back if the server refuses.
    pub fn react(self: &Rc<Self>, row: &Row, reaction: Reaction, feedback: Option<String>) {
        let (Some(slug), Some(id)) = (
            self.store.slug.get_untracked(),
            row.server_id.get_untracked(),
        ) else {
            return;
        };
        let name = reaction.api_name();
        let before = row.reaction.get_untracked();
        let after = if feedback.is_none() && before.as_deref() == Some(name) {
            None
        } else {
            Some(name.to_owned())
        };
        row.reaction.set(after);
        let (this, row) = (Rc::clone(self), row.clone());
        leptos::task::spawn_local(async move {
            let result = this
                .api
                .react(&slug, &id, reaction, feedback.as_deref())
                .await;
            match result {
                // Helper answers clearing a reaction and adding feedback without CORS headers:
                // the request arrived, only its answer is unreadable here.
                Ok(()) | Err(ApiError::Network(_)) => {}
                Err(e) => {
                    if this.alive() {
                        row.reaction.set(before);
                        let detail = e.to_string();
                        let text = tf("feedback.failed", &[("detail", &detail)]);
                        this.store.notice.set(Some(text));
                    }
                }
            }
        });
    }

    /// "Talk to a human": sends Helper's request for a person ("I need to talk to a human", in
    /// the visitor's language: Helper's AI reads it and hands the conversation over); the
    /// conversation counts as escalated from now on (Helper's widget does the same, before its
    /// AI confirms).
    pub fn talk_to_human(self: &Rc<Self>) -> bool {
        let sent = self.send(crate::i18n::t("support.human_request"), Vec::new());
        if sent && self.alive() {
            self.store.escalated.set(true);
        }
        sent
    }
}
