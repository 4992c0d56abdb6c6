//! The visitor's earlier conversations (`GET /api/chat/conversations`, helper-api.md §1.6), the
//! contact form (`POST /api/chat/contact`, §1.12), and starting over as a new anonymous
//! visitor. Part of the HTTP layer: it knows URLs and response shapes, nothing of the views or
//! of paging state (that is [`crate::history`]'s).

use super::{
    bearer, checked, encode_path, object, optional_string, read_object, required, required_string,
    send_json, timeout, Api, ApiError, Deadline,
};
use crate::json;
use gloo_net::http::{Method, RequestBuilder};
use serde_json::{Map, Value};
use std::rc::Rc;

/// Conversations asked for per page (Helper's own widget asks for 20).
pub const PAGE_SIZE: u32 = 20;

/// One entry of the conversation list.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    /// Its slug, to reopen it.
    pub slug: String,
    /// Its subject (Helper sends "(no subject)" when there is none).
    pub subject: String,
    /// The latest message from the visitor or staff (AI text is left out by Helper).
    pub latest_message: Option<String>,
    /// When that message was written, else when the conversation started (ISO 8601).
    pub updated_at: Option<String>,
    /// Whether a reply came that the visitor has not opened.
    pub is_unread: bool,
}

impl ConversationSummary {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut fields = object(value)?;
        let slug = required_string(&mut fields, "slug")?;
        let subject =
            optional_string(&mut fields, "subject")?.unwrap_or_else(|| "(no subject)".into());
        let latest_message = optional_string(&mut fields, "latestMessage")?;
        let latest_at = optional_string(&mut fields, "latestMessageAt")?;
        let updated_at = match latest_at {
            Some(at) => Some(at),
            None => optional_string(&mut fields, "createdAt")?,
        };
        let is_unread = matches!(fields.remove("isUnread"), Some(Value::Bool(true)));
        Ok(ConversationSummary {
            slug,
            subject,
            latest_message,
            updated_at,
            is_unread,
        })
    }
}

/// One page of the list.
#[derive(Debug)]
pub struct ConversationPage {
    /// The conversations on it, newest first. May hold fewer than [`PAGE_SIZE`] even when more
    /// follow: Helper drops empty conversations after paging.
    pub conversations: Vec<ConversationSummary>,
    /// The cursor of the next page; `None` on the last.
    pub next_cursor: Option<String>,
}

impl ConversationPage {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut fields = object(value)?;
        let Value::Array(items) = required(&mut fields, "conversations")? else {
            return Err("conversations must be an array".into());
        };
        // A loop rather than `collect::<Result<..>>()`: the same, in fewer bytes of wasm.
        let mut conversations = Vec::with_capacity(items.len());
        for item in items {
            conversations.push(ConversationSummary::from_json(item)?);
        }
        // A string (Helper's stringified offset); a number is taken as its text.
        let next_cursor = match fields.remove("nextCursor") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => Some(json::stringify(&other)),
        };
        Ok(ConversationPage {
            conversations,
            next_cursor,
        })
    }
}

impl Api {
    /// `GET /api/chat/conversations`: the page after `cursor` (the first without one). `abort`
    /// ends it early (the visitor left the list).
    pub async fn conversations(
        self: &Rc<Self>,
        cursor: Option<&str>,
        abort: Option<&web_sys::AbortSignal>,
    ) -> Result<ConversationPage, ApiError> {
        let mut path = format!("/api/chat/conversations?limit={PAGE_SIZE}");
        if let Some(cursor) = cursor {
            path.push_str("&cursor=");
            path.push_str(&encode_path(cursor));
        }
        let fields = self.json_call(Method::GET, &path, None, abort).await?;
        ConversationPage::from_json(Value::Object(fields)).map_err(ApiError::BadResponse)
    }

    /// `POST /api/chat/contact`: sends the contact form. Helper opens a conversation for
    /// `email` and answers by email.
    pub async fn contact(self: &Rc<Self>, email: &str, message: &str) -> Result<(), ApiError> {
        let body = json::object(vec![("email", email.into()), ("message", message.into())]);
        self.json_call(Method::POST, "/api/chat/contact", Some(&body), None)
            .await
            .map(drop)
    }

    /// One authenticated call with a JSON answer, within [`timeout::REQUEST_MS`]: `method` with
    /// `body` as JSON, or without a body. (One function for every such call: each use of
    /// [`Api::authed`] compiles its own copy of the session handling.)
    pub(super) async fn json_call(
        self: &Rc<Self>,
        method: Method,
        path: &str,
        body: Option<&Value>,
        abort: Option<&web_sys::AbortSignal>,
    ) -> Result<Map<String, Value>, ApiError> {
        let deadline = Deadline::new(timeout::REQUEST_MS, abort)?;
        self.authed(|token| {
            let request = RequestBuilder::new(&self.url(path))
                .method(method.clone())
                .header("Authorization", &bearer(&token))
                .abort_signal(Some(&deadline.signal()));
            async move {
                let response = match body {
                    Some(body) => send_json(request, body).await?,
                    None => checked(request.send().await.map_err(ApiError::from_gloo)?).await?,
                };
                read_object(response).await
            }
        })
        .await
        .map_err(|e| e.within(&deadline))
    }

    /// Forgets the session and starts a new one, as a visitor the server has never seen when
    /// the stored anonymous token is gone (the loader sends that token as `currentToken`;
    /// the caller removes it first). Later calls use the new session. A session request in
    /// flight is let finish first, so its token cannot land after the new one.
    pub async fn restart_session(self: &Rc<Self>) -> Result<(), ApiError> {
        // This also takes over the loader's start-up session if no call has yet: it is the old
        // identity, and must not be used after this.
        let _ = self.token().await;
        self.token.borrow_mut().take();
        self.session().await.map(drop)
    }
}
