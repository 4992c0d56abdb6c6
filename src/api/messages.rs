//! What the visitor does to a conversation besides writing in it: marking staff replies read,
//! and reacting to a reply (helper-api.md §1.5, §1.9). Part of the HTTP client: shapes, paths
//! and statuses only.

use super::{encode_path, Api, ApiError};
use crate::json;
use gloo_net::http::Method;
use serde_json::Value;
use std::rc::Rc;

/// A reaction to a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaction {
    /// "That solved it" / thumbs up.
    Up,
    /// Thumbs down, optionally with feedback.
    Down,
}

impl Reaction {
    /// Helper's `reactionType` value.
    pub fn api_name(self) -> &'static str {
        match self {
            Reaction::Up => "thumbs-up",
            Reaction::Down => "thumbs-down",
        }
    }
}

impl Api {
    /// `PATCH /api/chat/conversation/{slug}` `{"markRead": true}`: the visitor has seen its
    /// replies (the unread count drops).
    pub async fn mark_read(self: &Rc<Self>, slug: &str) -> Result<(), ApiError> {
        let path = format!("/api/chat/conversation/{}", encode_path(slug));
        let body = json::object(vec![("markRead", true.into())]);
        self.json_call(Method::PATCH, &path, Some(&body), None)
            .await
            .map(drop)
    }

    /// `POST /api/chat/conversation/{slug}/message/{id}`: sets `reaction` on a saved message.
    /// Helper's rules: the same reaction again clears it; a thumbs-down already set, sent again
    /// with `feedback`, adds the feedback. Helper's server answers only the "set" path with
    /// CORS headers, so the other two reach it but read as network errors here: callers treat a
    /// network error after sending as probably done.
    pub async fn react(
        self: &Rc<Self>,
        slug: &str,
        message_id: &str,
        reaction: Reaction,
        feedback: Option<&str>,
    ) -> Result<(), ApiError> {
        let path = format!(
            "/api/chat/conversation/{}/message/{}",
            encode_path(slug),
            encode_path(message_id)
        );
        let mut fields = vec![("type", reaction.api_name().into())];
        if let Some(text) = feedback {
            fields.push(("feedback", Value::from(text)));
        }
        let body = json::object(fields);
        self.json_call(Method::POST, &path, Some(&body), None)
            .await
            .map(drop)
    }
}
