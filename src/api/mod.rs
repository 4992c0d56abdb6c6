//! The HTTP client for Helper's widget API: the only module that knows URLs, headers, status
//! codes and response shapes (helper-api.md §1). Every `JsValue` error ends here as an
//! [`ApiError`].
//!
//! Sessions: the loader starts one at page load ([`session`]); the first call takes it over.
//! Every call goes through [`Api::authed`], which on a 401 starts a new session once
//! (anonymous: sending the stored token as `currentToken`; identified: through the page's
//! `refreshAuth`) and retries the call, unseen by the visitor. Concurrent callers share one
//! session request.

pub mod conversations;
mod messages;
mod session;
pub mod storage;
pub mod timeout;

pub use conversations::{ConversationPage, ConversationSummary};
pub use messages::Reaction;
pub use session::SessionSource;
pub use timeout::Deadline;

use crate::json;
use gloo_net::http::{Request, RequestBuilder, Response};
use send_wrapper::SendWrapper;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Why an API call failed. Its text is in the visitor's language: it goes into the messages
/// that say what went wrong (the browser's own words for a network error, `Network`'s field,
/// are English and only logged).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with a non-2xx status; `message` is Helper's `{"error": …}`.
    #[error("HTTP {status}{}", .message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Http {
        /// The status code.
        status: u16,
        /// The error text from the body, if any.
        message: Option<String>,
    },
    /// No response the page may read: offline, refused, or a cross-origin error without CORS.
    #[error("{}", crate::i18n::t("error.detail_network"))]
    Network(String),
    /// The request was aborted (Stop, a new prompt, or `destroy`).
    #[error("{}", crate::i18n::t("error.detail_aborted"))]
    Aborted,
    /// The server did not answer (or stopped sending) within the request's time limit.
    #[error("{}", crate::i18n::t("error.detail_timeout"))]
    TimedOut,
    /// A 2xx response whose body was not what Helper sends.
    #[error("{}: {why}", crate::i18n::t("error.detail_unexpected"), why = .0)]
    BadResponse(String),
    /// No session could be established; the text is for the visitor.
    #[error("{0}")]
    Session(String),
}

impl ApiError {
    fn from_gloo(e: gloo_net::Error) -> ApiError {
        match e {
            gloo_net::Error::JsError(js) if js.name == "AbortError" => ApiError::Aborted,
            gloo_net::Error::JsError(js) => ApiError::Network(js.message),
            gloo_net::Error::GlooError(e) => ApiError::Network(e),
        }
    }

    fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::Http { status: 401, .. })
    }

    /// An abort through `deadline` is a time-out if its time ran out.
    fn within(self, deadline: &Deadline) -> ApiError {
        match self {
            ApiError::Aborted => deadline.aborted_error(),
            other => other,
        }
    }
}

/// The session request in flight: a promise any number of callers can await, and the slot its
/// result lands in. (A promise rather than a shared Rust future: the widget already links the
/// promise machinery, and a `Shared` future costs its own kilobytes of wasm.)
type PendingSession = (js_sys::Promise, SessionSlot);
type SessionSlot = Rc<RefCell<Option<Result<Rc<str>, ApiError>>>>;

/// A client bound to one Helper deployment and one visitor.
pub struct Api {
    base: String,
    owner: String,
    sessions: SessionSource,
    refresh_auth: Option<js_sys::Function>,
    token: RefCell<Option<Rc<str>>>,
    /// The latest session's realtime socket address, if the deployment has realtime.
    socket_url: RefCell<Option<String>>,
    pending: RefCell<Option<PendingSession>>,
}

/// A conversation as `GET /api/chat/conversation/{slug}` returns it.
#[derive(Debug)]
pub struct ConversationDetails {
    /// The messages, oldest first.
    pub messages: Vec<StoredMessage>,
    /// Whether a human has taken over.
    pub is_escalated: bool,
}

impl ConversationDetails {
    fn from_fields(mut fields: Map<String, Value>) -> Result<Self, String> {
        let messages = match fields.remove("messages") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    StoredMessage::from_json(item).map_err(|why| format!("messages[{i}]: {why}"))
                })
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(wrong_type("messages", "an array", &other)),
        };
        let is_escalated = match fields.remove("isEscalated") {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(other) => return Err(wrong_type("isEscalated", "a boolean", &other)),
        };
        Ok(ConversationDetails {
            messages,
            is_escalated,
        })
    }
}

/// One message of a stored conversation.
#[derive(Debug)]
pub struct StoredMessage {
    /// Helper's id (a string of digits).
    pub id: String,
    /// The text (markdown for AI replies).
    pub content: String,
    /// `user`, `assistant` or `staff`.
    pub role: String,
    /// A staff member's name, for `staff` messages.
    pub staff_name: Option<String>,
    /// When it was saved (ISO 8601), if the server says.
    pub created_at: Option<String>,
    /// The visitor's saved reaction: `thumbs-up` or `thumbs-down`.
    pub reaction: Option<String>,
    /// Its public attachments.
    pub attachments: Vec<Attachment>,
}

/// A file sent with a message: one of ours (a data URL) or one the server lists.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// The file name, if known.
    pub name: Option<String>,
    /// Its MIME type, if known.
    pub content_type: Option<String>,
    /// A JavaScript string: a sent file's data URL is many megabytes, so it never enters wasm
    /// memory (wrapped to live in signals; the widget has one thread).
    pub url: SendWrapper<JsValue>,
}

impl Attachment {
    /// `{name, contentType, url}`, as Helper's widget sends it.
    fn to_js(&self) -> JsValue {
        let object = js_sys::Object::new();
        for (key, value) in [
            ("name", self.name.as_deref().map(JsValue::from_str)),
            (
                "contentType",
                self.content_type.as_deref().map(JsValue::from_str),
            ),
            ("url", Some((*self.url).clone())),
        ] {
            let _ = js_sys::Reflect::set(&object, &key.into(), &value.unwrap_or(JsValue::NULL));
        }
        object.into()
    }

    /// One of `publicAttachments`; `None` for an entry without a URL (nothing to show).
    fn from_json(value: Value) -> Option<Attachment> {
        let mut fields = object(value).ok()?;
        let url = required_string(&mut fields, "url").ok()?;
        Some(Attachment {
            name: optional_string(&mut fields, "name").ok().flatten(),
            content_type: optional_string(&mut fields, "contentType").ok().flatten(),
            url: SendWrapper::new(url.into()),
        })
    }
}

impl StoredMessage {
    /// Reads one of Helper's `Message` objects (a conversation's, or a realtime `agent-reply`).
    pub fn from_json(value: Value) -> Result<Self, String> {
        let mut fields = object(value)?;
        // A string, or a number (or anything else) as its JSON text.
        let id = match required(&mut fields, "id")? {
            Value::String(s) => s,
            other => json::stringify(&other),
        };
        let content = match fields.remove("content") {
            None => String::new(),
            Some(value) => string(value, "content")?,
        };
        let role = required_string(&mut fields, "role")?;
        let staff_name = optional_string(&mut fields, "staffName")?;
        let created_at = optional_string(&mut fields, "createdAt")?;
        let reaction = optional_string(&mut fields, "reactionType")?;
        // Lenient: a malformed attachment must not hide the message or its conversation.
        let attachments = match fields.remove("publicAttachments") {
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(Attachment::from_json)
                .collect(),
            _ => Vec::new(),
        };
        Ok(StoredMessage {
            id,
            content,
            role,
            staff_name,
            created_at,
            reaction,
            attachments,
        })
    }
}

/// The body of a streamed reply, ready to be read.
pub struct ReplyBody {
    /// The response's `Content-Type` (the one header readable cross-origin).
    pub content_type: Option<String>,
    /// The body stream.
    pub body: web_sys::ReadableStream,
}

impl Api {
    /// A client for `base` (e.g. `https://help.example.com`) on behalf of `owner` (see
    /// [`Api::owner_key`]), with sessions from `sessions`.
    pub fn new(
        base: String,
        owner: String,
        sessions: SessionSource,
        refresh_auth: Option<js_sys::Function>,
    ) -> Rc<Api> {
        Rc::new(Api {
            base,
            owner,
            sessions,
            refresh_auth,
            token: RefCell::new(None),
            socket_url: RefCell::new(None),
            pending: RefCell::new(None),
        })
    }

    /// Who the visitor is (`anonymous` or `email:<address>`); conversations are remembered per
    /// owner, so an identified visitor never reopens an anonymous one's on a shared computer.
    pub fn owner_key(&self) -> String {
        self.owner.clone()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Where the session's realtime broadcasts are heard; `None` before a session, or when the
    /// deployment gives no `supabaseUrl` (then the widget polls).
    pub fn socket_url(&self) -> Option<String> {
        self.socket_url.borrow().clone()
    }

    /// Starts the session (or joins the one starting) and returns its token.
    pub async fn token(self: &Rc<Self>) -> Result<Rc<str>, ApiError> {
        let current = self.token.borrow().clone();
        match current {
            Some(token) => Ok(token),
            None => self.session().await,
        }
    }

    /// Starts a session request, or joins the one in flight, and returns its result.
    async fn session(self: &Rc<Self>) -> Result<Rc<str>, ApiError> {
        let in_flight = self.pending.borrow().clone();
        let (promise, slot) = match in_flight {
            Some(pending) => pending,
            None => {
                let slot = SessionSlot::default();
                let this = Rc::clone(self);
                let result_slot = Rc::clone(&slot);
                let promise = wasm_bindgen_futures::future_to_promise(async move {
                    let result = session::create(&this).await.map(|granted| {
                        *this.token.borrow_mut() = Some(Rc::clone(&granted.token));
                        *this.socket_url.borrow_mut() = granted.socket_url;
                        granted.token
                    });
                    *result_slot.borrow_mut() = Some(result);
                    this.pending.borrow_mut().take();
                    Ok(wasm_bindgen::JsValue::UNDEFINED)
                });
                *self.pending.borrow_mut() = Some((promise.clone(), Rc::clone(&slot)));
                (promise, slot)
            }
        };
        // It never rejects: the result is in the slot.
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        let result = slot.borrow().clone();
        result.unwrap_or_else(|| {
            Err(ApiError::Network(
                "the session request did not finish".into(),
            ))
        })
    }

    /// Replaces a token the server rejected. If another caller already replaced it, that new
    /// token is used rather than starting a second session.
    async fn renew(self: &Rc<Self>, rejected: &Rc<str>) -> Result<Rc<str>, ApiError> {
        let current = self.token.borrow().clone();
        if let Some(token) = current {
            if token != *rejected {
                return Ok(token);
            }
        }
        self.token.borrow_mut().take();
        self.session().await
    }

    /// Runs `call` with a session token; on a 401 starts a new session once and retries.
    pub async fn authed<T, F, Fut>(self: &Rc<Self>, call: F) -> Result<T, ApiError>
    where
        F: Fn(Rc<str>) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let token = self.token().await?;
        match call(Rc::clone(&token)).await {
            Err(e) if e.is_unauthorized() => {
                let fresh = self.renew(&token).await?;
                call(fresh).await
            }
            other => other,
        }
    }

    /// `POST /api/chat/conversation`: a new conversation's slug. `abort` is the turn's.
    pub async fn create_conversation(
        self: &Rc<Self>,
        is_prompt: bool,
        abort: &web_sys::AbortSignal,
    ) -> Result<String, ApiError> {
        let deadline = Deadline::new(timeout::REQUEST_MS, Some(abort))?;
        let body = json::object(vec![("isPrompt", is_prompt.into())]);
        self.authed(|token| {
            let request = self
                .post("/api/chat/conversation", &token)
                .abort_signal(Some(&deadline.signal()));
            let body = body.clone();
            async move {
                let response = send_json(request, &body).await?;
                let mut fields = read_object(response).await?;
                required_string(&mut fields, "conversationSlug").map_err(ApiError::BadResponse)
            }
        })
        .await
        .map_err(|e| e.within(&deadline))
    }

    /// `GET /api/chat/conversation/{slug}`, marking it read if `mark_read` (the visitor sees
    /// it). `abort` ends it early (`destroy()`).
    pub async fn conversation(
        self: &Rc<Self>,
        slug: &str,
        mark_read: bool,
        abort: Option<&web_sys::AbortSignal>,
    ) -> Result<ConversationDetails, ApiError> {
        let deadline = Deadline::new(timeout::REQUEST_MS, abort)?;
        let path = format!(
            "/api/chat/conversation/{}?markRead={mark_read}",
            encode_path(slug)
        );
        self.authed(|token| {
            let request = Request::get(&self.url(&path))
                .header("Authorization", &bearer(&token))
                .abort_signal(Some(&deadline.signal()));
            async move {
                let response = request.send().await.map_err(ApiError::from_gloo)?;
                let fields = read_object(checked(response).await?).await?;
                ConversationDetails::from_fields(fields).map_err(ApiError::BadResponse)
            }
        })
        .await
        .map_err(|e| e.within(&deadline))
    }

    /// `POST /api/chat`: sends the visitor's message and its `attachments` and returns the
    /// reply's body stream. `deadline` limits the wait for the reply to start; the caller keeps it, restarting it
    /// as chunks arrive, since it also aborts the body.
    pub async fn send_message(
        self: &Rc<Self>,
        slug: &str,
        message_id: &str,
        content: &str,
        attachments: &[Attachment],
        deadline: &Deadline,
    ) -> Result<ReplyBody, ApiError> {
        // The shape Helper's own widget sends (helper-api.md §1.3).
        let text_part = json::object(vec![("type", "text".into()), ("text", content.into())]);
        let message = json::object(vec![
            ("id", message_id.into()),
            ("role", "user".into()),
            ("content", content.into()),
            ("parts", Value::Array(vec![text_part])),
        ]);
        let body = json::object(vec![
            ("id", slug.into()),
            ("message", message),
            ("conversationSlug", slug.into()),
            ("readPageTool", Value::Null),
            ("guideEnabled", false.into()),
            ("isToolResult", false.into()),
        ]);
        // Built as a JavaScript object so the data URLs go from the browser's strings straight
        // into the request text, never copied through wasm memory.
        let body = json::to_js(&body);
        if !attachments.is_empty() {
            let files: js_sys::Array = attachments.iter().map(Attachment::to_js).collect();
            if let Ok(message) = js_sys::Reflect::get(&body, &"message".into()) {
                let _ = js_sys::Reflect::set(&message, &"experimental_attachments".into(), &files);
            }
        }
        let body = js_sys::JSON::stringify(&body)
            .map_err(|_| ApiError::BadResponse("unsendable message".into()))?;
        self.authed(|token| {
            let request = self
                .post("/api/chat", &token)
                .abort_signal(Some(&deadline.signal()));
            let body = body.clone();
            async move {
                let response = checked(send_body(request, body.into()).await?).await?;
                let content_type = response.headers().get("content-type");
                let body = response
                    .body()
                    .ok_or_else(|| ApiError::BadResponse("the reply has no body".into()))?;
                Ok(ReplyBody { content_type, body })
            }
        })
        .await
        .map_err(|e| e.within(deadline))
    }

    fn post(&self, path: &str, token: &str) -> RequestBuilder {
        Request::post(&self.url(path)).header("Authorization", &bearer(token))
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn send_json(request: RequestBuilder, body: &Value) -> Result<Response, ApiError> {
    // What gloo-net's `.json(body)` sends, without serde_json's writer in the wasm.
    send_body(request, json::stringify(body).into()).await
}

/// Posts the JSON text `body`.
async fn send_body(request: RequestBuilder, body: JsValue) -> Result<Response, ApiError> {
    let request = request
        .header("Content-Type", "application/json")
        .body(body)
        .map_err(ApiError::from_gloo)?;
    let response = request.send().await.map_err(ApiError::from_gloo)?;
    checked(response).await
}

/// Turns a non-2xx response into [`ApiError::Http`] with Helper's error text.
async fn checked(response: Response) -> Result<Response, ApiError> {
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let message = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
        .or_else(|| (!text.trim().is_empty()).then(|| text.trim().chars().take(200).collect()));
    Err(ApiError::Http { status, message })
}

/// The body, which must be a JSON object. Callers take their fields out by hand
/// ([`required_string`], …) rather than deserializing into typed structs: serde's typed
/// deserializers report a wrong type through `Unexpected`, whose float formatting links core's
/// whole f64 formatter into the wasm (about 10 KB gzipped).
async fn read_object(response: Response) -> Result<Map<String, Value>, ApiError> {
    let text = response.text().await.map_err(ApiError::from_gloo)?;
    let value = serde_json::from_str(&text).map_err(|e| ApiError::BadResponse(e.to_string()))?;
    object(value).map_err(ApiError::BadResponse)
}

/// The members of a JSON object, or why `value` is not one.
fn object(value: Value) -> Result<Map<String, Value>, String> {
    match value {
        Value::Object(fields) => Ok(fields),
        other => Err(format!("expected an object, not {}", type_name(&other))),
    }
}

/// Takes out the member `key`, which must be present (it may be `null`).
fn required(fields: &mut Map<String, Value>, key: &str) -> Result<Value, String> {
    fields
        .remove(key)
        .ok_or_else(|| format!("missing field `{key}`"))
}

/// Takes out the member `key`, which must be a string.
fn required_string(fields: &mut Map<String, Value>, key: &str) -> Result<String, String> {
    string(required(fields, key)?, key)
}

/// Takes out the member `key`, which may be absent or `null`, else must be a string.
fn optional_string(fields: &mut Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match fields.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => string(value, key).map(Some),
    }
}

/// `value` as a string; `key` names it in the error.
fn string(value: Value, key: &str) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(wrong_type(key, "a string", &other)),
    }
}

fn wrong_type(key: &str, expected: &str, got: &Value) -> String {
    format!("{key} must be {expected}, not {}", type_name(got))
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Percent-encodes a path segment (slugs are normally URL-safe; a stored value may not be).
fn encode_path(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}
