//! Helper's widget routes (helper-api.md §1): request validation, statuses and response shapes,
//! and the reply logic of `POST /api/chat` (§1.3 short-circuits, prompt cache, escalation).
//!
//! Builds on [`crate::auth`], [`crate::store`], [`crate::kb`] and [`crate::stream`], and hands
//! what Helper publishes over realtime to `followup`; must not reach into the dev control
//! routes, which only act through the shared [`App`], nor into the websocket endpoint.

use crate::auth::{self, Claims, Owner};
use crate::error::{ApiResult, CorsMark, Error, Rejection};
use crate::faults::{Fault, FaultRoute};
use crate::followup::{self, After};
use crate::kb;
use crate::store::{now_ms, Attachment, NotificationMiss, NotificationStatus, Role, Status};
use crate::stream::{self, Chunking, Delivery, Format, Part, Usage};
use crate::App;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{AUTHORIZATION, HOST};
use axum::http::uri::Authority;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

type AppState = State<Arc<App>>;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/widget/session", post(session))
        .route("/api/chat/conversation", post(create_conversation))
        .route("/api/chat", post(chat))
        .route(
            "/api/chat/conversation/{slug}",
            get(get_conversation).patch(patch_conversation),
        )
        .route("/api/chat/conversations", get(list_conversations))
        .route("/api/chat/conversations/unread", get(unread))
        .route(
            "/api/chat/conversation/{slug}/message",
            post(create_message),
        )
        .route("/api/chat/conversation/{slug}/message/{id}", post(react))
        .route(
            "/api/chat/conversation/{slug}/message/{id}/event",
            post(message_event),
        )
        .route("/api/chat/contact", post(contact))
        .route("/api/widget/notification/{id}", patch(notification))
}

pub async fn not_found() -> Response {
    Rejection::from(Error::NotFound("Not found")).into_response()
}

fn ok(value: Value) -> ApiResult {
    Ok(Json(value).into_response())
}

/// `await request.json()`: a body that is not JSON throws, which Next.js turns into a bare 500.
fn parse_json(body: &Bytes) -> Result<Value, Rejection> {
    serde_json::from_slice(body)
        .map_err(|e| Error::Thrown(format!("Invalid JSON body: {e}")).into())
}

/// `withWidgetAuth` (401 with CORS).
fn claims(app: &App, headers: &HeaderMap) -> Result<Claims, Rejection> {
    let header = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    Ok(auth::bearer(&app.options.hmac_secret, header)?)
}

/// A verified token that names neither an email nor an anonymous id.
fn owner(claims: &Claims) -> Result<Owner, Rejection> {
    claims
        .owner()
        .ok_or_else(|| Error::Unauthorized("Not authorized - Invalid session").into())
}

fn query_pairs(q: Option<String>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(q.as_deref().unwrap_or("")).unwrap_or_default()
}

/// A Zod-style optional field: absent or null is `None`, the wrong type is an error.
fn opt<'a, T>(
    obj: &'a Map<String, Value>,
    key: &str,
    pick: impl Fn(&'a Value) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => pick(v)
            .map(Some)
            .ok_or_else(|| format!("{key}: Expected {expected}, received {}", type_name(v))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

// ---------------------------------------------------------------------------------------------
// POST /api/widget/session (§1.1)

/// This server's own origin as the browser named it, for the session's `supabaseUrl`
/// (realtime-js connects to `<supabaseUrl>/realtime/v1/websocket`). Behind a proxy (Trunk's
/// for the demo) that is the proxy's `X-Forwarded-Host` and `-Proto`, not the `Host` the proxy
/// rewrote. Either must be a plain authority, so nothing else can be injected.
fn own_origin(headers: &HeaderMap) -> Option<String> {
    let authority = |name: &str| headers.get(name)?.to_str().ok()?.parse::<Authority>().ok();
    let host = authority("x-forwarded-host").or_else(|| authority(HOST.as_str()))?;
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    Some(format!("{}://{host}", if https { "https" } else { "http" }))
}

async fn session(State(app): AppState, headers: HeaderMap, body: Bytes) -> ApiResult {
    let body = parse_json(&body)?;
    let invalid = || Rejection::from(Error::BadRequest("Invalid request parameters".into()));
    let obj = body.as_object().ok_or_else(invalid)?;
    let email = opt(obj, "email", Value::as_str, "string").map_err(|_| invalid())?;
    let email_hash = opt(obj, "emailHash", Value::as_str, "string").map_err(|_| invalid())?;
    let timestamp = opt(obj, "timestamp", Value::as_number, "number").map_err(|_| invalid())?;
    let current = opt(obj, "currentToken", Value::as_str, "string").map_err(|_| invalid())?;
    let secret = &app.options.hmac_secret;

    // JavaScript truthiness: "" and 0 count as missing.
    let email = email.filter(|e| !e.is_empty());
    let (email, anonymous_id) = match email {
        Some(email) => {
            let (Some(hash), Some(ts)) = (
                email_hash.filter(|h| !h.is_empty()),
                timestamp.filter(|t| t.as_f64() != Some(0.0)),
            ) else {
                return Err(Error::BadRequest("Email authentication fields missing".into()).into());
            };
            let skew = ts.as_f64().unwrap_or(0.0) - now_ms() as f64;
            if skew.abs() > auth::TIMESTAMP_WINDOW_MS as f64 {
                return Err(Error::SessionRejected("Timestamp is too far in the past").into());
            }
            if !auth::email_hash_matches(secret, email, &auth::js_number_text(ts), hash) {
                return Err(Error::SessionRejected("Invalid HMAC signature").into());
            }
            (Some(email.to_string()), None)
        }
        None => {
            // Continuity: a still-valid anonymous token keeps its id, and so its conversations.
            let kept = current
                .and_then(|t| auth::verify(secret, t))
                .and_then(|c| c.anonymous_session_id);
            let id = kept.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            (None, Some(id))
        }
    };

    let identified = email.is_some();
    let ttl = app.options.token_ttl.unwrap_or(if identified {
        auth::IDENTIFIED_TTL
    } else {
        auth::ANONYMOUS_TTL
    });
    let iat = (now_ms() / 1000) as u64;
    let claims = Claims {
        email,
        show_widget: app.options.show_widget,
        is_whitelabel: false,
        title: app.options.mailbox_name.clone(),
        is_anonymous: !identified,
        anonymous_session_id: anonymous_id,
        iat,
        // A lifetime past the end of time (`--token-ttl-secs` is any u64) never expires.
        exp: iat.saturating_add(ttl.as_secs()),
    };
    let notifications = claims
        .email
        .as_deref()
        .map(|email| app.store().notifications.take_for_session(email));
    let token = auth::mint(secret, &claims)?;
    let mut out = json!({
        "valid": true,
        "token": token,
        "showWidget": app.options.show_widget,
    });
    // Without realtime (or without a `Host` to name) the session has no `supabaseUrl`, and a
    // client has to poll for staff replies.
    let origin = app
        .options
        .supabase_url
        .clone()
        .or_else(|| own_origin(&headers));
    if let Some(origin) = origin.filter(|_| app.options.realtime) {
        out["supabaseUrl"] = json!(origin);
        out["supabaseAnonKey"] = json!(crate::ANON_KEY);
    }
    if let Some(list) = notifications {
        out["notifications"] = json!(list);
    }
    if let Some(v) = obj.get("experimentalReadPage") {
        out["experimentalReadPage"] = v.clone();
    }
    ok(out)
}

// ---------------------------------------------------------------------------------------------
// POST /api/chat/conversation (§1.2)

async fn create_conversation(State(app): AppState, headers: HeaderMap, body: Bytes) -> ApiResult {
    let claims = claims(&app, &headers)?;
    let owner = owner(&claims)?;
    let body = parse_json(&body)?;
    let obj = body.as_object().ok_or_else(|| {
        Error::BadRequest(format!("Expected object, received {}", type_name(&body)))
    })?;
    let is_prompt = opt(obj, "isPrompt", Value::as_bool, "boolean").map_err(Error::BadRequest)?;
    let subject = opt(obj, "subject", Value::as_str, "string").map_err(Error::BadRequest)?;
    let slug = app.store().create_conversation(
        owner,
        Some(subject.unwrap_or("Chat").to_string()),
        is_prompt.unwrap_or(false),
        Status::Closed,
    );
    ok(json!({ "conversationSlug": slug }))
}

// ---------------------------------------------------------------------------------------------
// Attachments (lib/shared/attachmentValidation.ts)

pub(crate) const MAX_FILES: usize = 5;
const MAX_FILE_BYTES: usize = 25 << 20;
pub(crate) const MAX_TOTAL_BYTES: usize = 50 << 20;
const ALLOWED_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
];

fn attachments(value: Option<&Value>) -> Result<Vec<Attachment>, Error> {
    let items = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(Error::BadRequest("Invalid attachments".into())),
    };
    let mut errors = Vec::new();
    if items.len() > MAX_FILES {
        errors.push(format!("Too many files: at most {MAX_FILES} allowed"));
    }
    let mut total: usize = 0;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let name = item["name"].as_str().map(str::to_string);
        let label = name
            .clone()
            .unwrap_or_else(|| format!("attachment {}", i + 1));
        let url = item["url"].as_str().unwrap_or("");
        let content_type = item["contentType"].as_str().map(str::to_string);
        let data_type = url
            .strip_prefix("data:")
            .and_then(|r| r.split_once(";base64,"))
            .filter(|(t, _)| ALLOWED_TYPES.contains(t));
        let Some((_, payload)) = data_type else {
            errors.push(format!("{label}: Invalid data URL format"));
            continue;
        };
        if let Some(ct) = &content_type {
            if !ALLOWED_TYPES.contains(&ct.as_str()) {
                errors.push(format!("{label}: File type {ct} is not allowed"));
            }
        }
        let size = payload.len() / 4 * 3;
        if size > MAX_FILE_BYTES {
            errors.push(format!("{label}: File exceeds 25MB"));
        }
        total = total.saturating_add(size);
        out.push(Attachment {
            name,
            content_type,
            url: url.to_string(),
        });
    }
    if total > MAX_TOTAL_BYTES {
        errors.push("Total size exceeds 50MB".into());
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::BadRequest(errors.join(", ")))
    }
}

// ---------------------------------------------------------------------------------------------
// POST /api/chat (§1.3, §2)

/// Per-request overrides from the query string (dev-only; Helper ignores its query).
#[derive(Default)]
struct ChatQuery {
    format: Option<Format>,
    chunking: Option<Chunking>,
    pace_ms: Option<u64>,
    chunk_chars: Option<usize>,
    fault: Option<Fault>,
}

impl ChatQuery {
    fn parse(q: Option<String>) -> Result<Self, Error> {
        let mut out = ChatQuery::default();
        for (k, v) in query_pairs(q) {
            let bad = |e: String| Error::BadRequest(format!("{k}: {e}"));
            match k.as_str() {
                "format" => out.format = Some(v.parse().map_err(bad)?),
                "chunking" => out.chunking = Some(v.parse().map_err(bad)?),
                "pace_ms" => out.pace_ms = Some(v.parse().map_err(|_| bad("not a number".into()))?),
                "chunk_chars" => {
                    out.chunk_chars = Some(v.parse().map_err(|_| bad("not a number".into()))?)
                }
                "fault" => out.fault = Some(v.parse().map_err(bad)?),
                _ => {}
            }
        }
        Ok(out)
    }
}

/// What the reply is, decided under the store lock.
enum Reply {
    /// `createTextResponse`: `8:[{"id"}]` then the whole text (cached, canned or empty).
    Text { id: String, text: String },
    /// The model path: a tool call, then the text token by token, sources and the saved id.
    Model {
        tool: &'static str,
        args: Value,
        text: String,
        sources: Vec<kb::Source>,
        saved: Option<u64>,
    },
}

/// Text of an AI SDK message: `content`, or its text parts (v5 clients send only parts).
fn message_text(message: &Value) -> String {
    if let Some(c) = message["content"].as_str() {
        return c.to_string();
    }
    message["parts"]
        .as_array()
        .map(|parts| {
            parts
                .iter()
                .filter(|p| p["type"] == "text")
                .filter_map(|p| p["text"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

/// The response an error-status fault stands for, if `fault` is one.
fn refuse_if_faulted(fault: Option<&Fault>) -> Result<(), Rejection> {
    match fault {
        Some(Fault::Unauthorized) => Err(Error::Unauthorized("Invalid session token").into()),
        Some(Fault::ServerError) => Err(Rejection {
            error: Error::Internal("Internal Server Error".into()),
            cors: Some(CorsMark::Never),
        }),
        Some(Fault::HttpError { status }) => Err(Error::Injected(*status).into()),
        _ => Ok(()),
    }
}

async fn chat(
    State(app): AppState,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let query = ChatQuery::parse(q)?;
    let fault = query
        .fault
        .clone()
        .or_else(|| app.faults().take(FaultRoute::Chat))
        .or_else(|| app.options.fault.clone());
    refuse_if_faulted(fault.as_ref())?;
    let claims = claims(&app, &headers)?;
    let owner = owner(&claims)?;
    let body = parse_json(&body)?;
    let Some(slug) = body["conversationSlug"].as_str() else {
        return Err(Error::Thrown("Conversation not found".into()).into());
    };
    // Helper reads `message`; a v5 client sends the whole `messages` list instead.
    let message = match &body["message"] {
        Value::Null => body["messages"]
            .as_array()
            .and_then(|m| m.last())
            .unwrap_or(&Value::Null),
        m => m,
    };
    // Nothing to answer: a malformed body like any other, so a readable 400 rather than a
    // reply to an empty question (Helper's own route would throw on it).
    if !message.is_object() {
        return Err(Error::BadRequest("Message is required".into()).into());
    }
    let content = message_text(message);
    let files = attachments(message.get("experimental_attachments"))?;
    let error_fault = match fault {
        Some(Fault::ErrorPart { after_tokens }) => Some(after_tokens),
        _ => None,
    };

    let mut after = After::default();
    let reply = {
        let mut store = app.store();
        let stored = if content.is_empty() && !files.is_empty() {
            "[Image]".to_string()
        } else {
            content.clone()
        };
        store
            .add_message(&owner, slug, Role::User, stored, None, files)
            .ok_or_else(|| Rejection::from(Error::Thrown("Conversation not found".into())))?;
        decide_reply(
            &app,
            &mut store,
            &owner,
            slug,
            &content,
            error_fault.is_some(),
            &mut after,
        )
        .ok_or_else(|| Rejection::from(Error::Thrown("Conversation not found".into())))?
    };

    let mut parts = reply_parts(reply, &content);
    if let Some(after) = error_fault {
        parts = inject_error(parts, after);
    }

    let settings = app.settings();
    let mut delivery = Delivery {
        format: query.format.unwrap_or(settings.format),
        chunking: query.chunking.unwrap_or(settings.chunking),
        pace: Duration::from_millis(query.pace_ms.unwrap_or(settings.pace_ms)),
        drop_after: None,
        chunk_chars: query.chunk_chars.or(settings.chunk_chars),
    };
    match fault {
        Some(Fault::DropAfter { bytes }) => delivery.drop_after = Some(bytes),
        Some(Fault::Slow { pace_ms }) => delivery.pace = Duration::from_millis(pace_ms),
        Some(Fault::OneByte) => delivery.chunking = Chunking::Byte,
        _ => {}
    }
    let (chunks, dropped) = stream::schedule(&parts, delivery);
    let sent = followup::WhenSent::new(app.clone(), slug.to_string(), after);
    let body = http_body_util::BodyExt::map_frame(stream::body(chunks, dropped), move |frame| {
        sent.hold();
        frame
    });
    let mut response = axum::body::Body::new(body).into_response();
    for (name, value) in stream::headers(delivery.format) {
        response
            .headers_mut()
            .insert(*name, axum::http::HeaderValue::from_static(value));
    }
    Ok(response)
}

fn decide_reply(
    app: &App,
    store: &mut crate::store::Store,
    owner: &Owner,
    slug: &str,
    content: &str,
    failing: bool,
    after: &mut After,
) -> Option<Reply> {
    let escalated_reply;
    let first_of_prompt;
    {
        let conv = store.conversation_mut(owner, slug)?;
        let users = conv.user_messages();
        first_of_prompt = conv.is_prompt && users == 1;
        escalated_reply = if !conv.assigned_to_ai && !first_of_prompt {
            conv.status = Status::Open;
            // Canned text for the first message after escalation, silence after that.
            Some(conv.messages.len() == 1 || (conv.is_prompt && users == 2))
        } else {
            None
        };
        if first_of_prompt {
            conv.subject = Some(content.to_string());
        } else if users == 1 && conv.subject.as_deref() == Some("Chat") {
            // Helper generates a subject in the background, and publishes it; the first
            // question stands in for it.
            let subject: String = content.chars().take(60).collect();
            after.subject = Some(subject.clone());
            conv.subject = Some(subject);
        }
    }
    store.settle(slug);
    let save = |store: &mut crate::store::Store, after: &mut After, text: &str| {
        let id = store.add_message(
            owner,
            slug,
            Role::Assistant,
            text.to_string(),
            None,
            Vec::new(),
        )?;
        // Helper publishes every saved message that is not the visitor's, AI replies included.
        after.messages.push(id);
        Some(id)
    };

    match escalated_reply {
        Some(true) => {
            let text = kb::HUMAN_WILL_RESPOND.to_string();
            let id = save(store, after, &text)?;
            return Some(Reply::Text {
                id: id.to_string(),
                text,
            });
        }
        // Humans answer later; Helper's id here is a timestamp, not a message id.
        Some(false) => {
            return Some(Reply::Text {
                id: now_ms().to_string(),
                text: String::new(),
            })
        }
        None => {}
    }

    if first_of_prompt && app.options.prompt_cache {
        if let Some(text) = store.prompt_cache.get(content).cloned() {
            let id = save(store, after, &text)?;
            return Some(Reply::Text {
                id: id.to_string(),
                text,
            });
        }
    }

    let (tool, args, text, sources) = if kb::wants_human(content) {
        let conv = store.conversation_mut(owner, slug)?;
        conv.assigned_to_ai = false;
        conv.status = Status::Open;
        after.escalated = true;
        // Helper regenerates the subject when a human is asked for.
        after.subject = conv.subject.clone();
        (
            "request_human_support",
            json!({ "reason": content }),
            kb::ESCALATION_TEXT.to_string(),
            Vec::new(),
        )
    } else if let Some(text) = app.take_scripted_reply() {
        let sources = kb::sources(&text, None);
        ("knowledge_base", json!({ "query": content }), text, sources)
    } else {
        let article = kb::lookup(content);
        (
            "knowledge_base",
            json!({ "query": content }),
            article.answer.to_string(),
            kb::sources(article.answer, Some(article)),
        )
    };
    // A failed generation is not saved (Helper stores the reply in `onFinish`).
    let saved = if failing {
        None
    } else {
        let id = save(store, after, &text)?;
        if first_of_prompt && tool == "knowledge_base" {
            store.prompt_cache.insert(content.to_string(), text.clone());
        }
        Some(id)
    };
    Some(Reply::Model {
        tool,
        args,
        text,
        sources,
        saved,
    })
}

fn short_id(prefix: &str) -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}{}", hex.get(..24).unwrap_or(&hex))
}

/// Helper's part order (§2): `f 9 e f 0… e d h… 8` for the model, `8 0` for a text response.
fn reply_parts(reply: Reply, question: &str) -> Vec<Part> {
    match reply {
        Reply::Text { id, text } => vec![
            Part::Annotation(vec![json!({ "id": id })]),
            Part::Text(text),
        ],
        Reply::Model {
            tool,
            args,
            text,
            sources,
            saved,
        } => {
            let tokens = kb::tokens(&text);
            let question_len = u64::try_from(question.len()).unwrap_or(u64::MAX);
            let first = Usage {
                prompt: question_len.saturating_add(2400),
                completion: 21,
            };
            let second = Usage {
                prompt: first.prompt.saturating_add(538),
                completion: u64::try_from(tokens.len()).unwrap_or(u64::MAX),
            };
            let total = Usage {
                prompt: first.prompt.saturating_add(second.prompt),
                completion: first.completion.saturating_add(second.completion),
            };
            let mut parts = vec![
                Part::StartStep {
                    message_id: short_id("msg-"),
                },
                Part::ToolCall {
                    id: short_id("call_"),
                    name: tool.to_string(),
                    args,
                },
                Part::FinishStep {
                    reason: "tool-calls",
                    usage: first,
                },
                Part::StartStep {
                    message_id: short_id("msg-"),
                },
            ];
            parts.extend(tokens.into_iter().map(|t| Part::Text(t.to_string())));
            parts.push(Part::FinishStep {
                reason: "stop",
                usage: second,
            });
            parts.push(Part::Finish {
                reason: "stop",
                usage: total,
            });
            parts.extend(sources.into_iter().map(|s| Part::Source {
                id: s.id,
                url: s.url,
                title: s.title,
            }));
            if let Some(id) = saved {
                parts.push(Part::Annotation(vec![json!({
                    "id": id.to_string(),
                    "traceId": uuid::Uuid::new_v4().to_string(),
                })]));
            }
            parts
        }
    }
}

/// Cuts the reply after `after` text tokens (or its last one) with Helper's masked error.
fn inject_error(mut parts: Vec<Part>, after: usize) -> Vec<Part> {
    let mut seen = 0;
    let mut cut = None;
    for (i, p) in parts.iter().enumerate() {
        if matches!(p, Part::Text(_)) {
            seen += 1;
            cut = Some(i + 1);
            if seen >= after {
                break;
            }
        }
    }
    parts.truncate(cut.unwrap_or(parts.len()));
    parts.push(Part::Error(kb::GENERATION_ERROR.into()));
    parts
}

// ---------------------------------------------------------------------------------------------
// GET / PATCH /api/chat/conversation/{slug} (§1.4, §1.5)

async fn get_conversation(
    State(app): AppState,
    Path(slug): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> ApiResult {
    let claims = claims(&app, &headers)?;
    let owner = owner(&claims).map_err(Rejection::helper_gap)?;
    let mark_read = !query_pairs(q)
        .iter()
        .any(|(k, v)| k == "markRead" && v == "false");
    let mut store = app.store();
    let conv = store
        .conversation_mut(&owner, &slug)
        .ok_or_else(|| Rejection::from(Error::NotFound("Conversation not found")).helper_gap())?;
    if mark_read {
        conv.mark_read();
    }
    ok(conv.details_json())
}

async fn patch_conversation(
    State(app): AppState,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let claims = claims(&app, &headers)?;
    let owner = owner(&claims).map_err(Rejection::helper_gap)?;
    let body = parse_json(&body)?;
    if body["markRead"] != Value::Bool(true) {
        return Err(Error::BadRequest("markRead parameter is required".into()).into());
    }
    let mut store = app.store();
    let conv = store
        .conversation_mut(&owner, &slug)
        .ok_or(Error::NotFound("Conversation not found"))?;
    conv.mark_read();
    ok(json!({ "success": true }))
}

// ---------------------------------------------------------------------------------------------
// GET /api/chat/conversations (§1.6) and /unread (§1.7)

async fn list_conversations(
    State(app): AppState,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> ApiResult {
    let claims = claims(&app, &headers)?;
    let owner = owner(&claims).map_err(Rejection::helper_gap)?;
    let mut details = Vec::new();
    let mut issue =
        |path: &str, message: &str| details.push(json!({ "path": [path], "message": message }));
    let (mut offset, mut limit) = (0usize, 20usize);
    let mut search: Option<String> = None;
    let mut statuses: Option<Vec<String>> = None;
    for (k, v) in query_pairs(q) {
        match k.as_str() {
            "cursor" => match v.parse() {
                Ok(n) => offset = n,
                Err(_) => issue("cursor", "Invalid cursor"),
            },
            "limit" => match v.parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => limit = n,
                Ok(_) => issue("limit", "Number must be between 1 and 100"),
                Err(_) => issue("limit", "Expected number, received nan"),
            },
            "isPrompt" => issue("isPrompt", "Expected boolean, received string"),
            "search" => search = Some(v.to_lowercase()),
            "status" => {
                let list: Vec<String> = v.split(',').map(str::to_string).collect();
                if list
                    .iter()
                    .any(|s| !["open", "closed", "spam"].contains(&s.as_str()))
                {
                    issue(
                        "status",
                        "Invalid enum value. Expected 'open' | 'closed' | 'spam'",
                    );
                }
                statuses = Some(list);
            }
            // Accepted and ignored: nothing here has reactions or dates worth filtering by.
            _ => {}
        }
    }
    if !details.is_empty() {
        return Err(Rejection::from(Error::InvalidSearch(details)).helper_gap());
    }
    let store = app.store();
    let all: Vec<_> = store
        .conversations_of(&owner)
        .into_iter()
        .filter(|c| {
            statuses.as_ref().is_none_or(|s| {
                let st = if c.status == Status::Open {
                    "open"
                } else {
                    "closed"
                };
                s.iter().any(|x| x == st)
            })
        })
        .filter(|c| {
            search.as_ref().is_none_or(|s| {
                c.subject
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(s)
                    || c.messages
                        .iter()
                        .any(|m| m.content.to_lowercase().contains(s))
            })
        })
        .collect();
    // The cursor is whatever the client sent back: any usize, so the sum may not fit.
    let past = offset.saturating_add(limit);
    let end = past.min(all.len());
    let next = (past < all.len()).then(|| past.to_string());
    // Helper drops empty conversations after paginating, so a page may be short.
    let page: Vec<Value> = all
        .get(offset.min(all.len())..end)
        .unwrap_or_default()
        .iter()
        .filter(|c| !c.messages.is_empty())
        .map(|c| c.summary_json())
        .collect();
    ok(json!({ "conversations": page, "nextCursor": next }))
}

async fn unread(State(app): AppState, headers: HeaderMap) -> ApiResult {
    let claims = claims(&app, &headers)?;
    let owner = owner(&claims).map_err(Rejection::helper_gap)?;
    let count = app
        .store()
        .conversations_of(&owner)
        .iter()
        .filter(|c| c.is_unread())
        .count();
    ok(json!({ "count": count }))
}

// ---------------------------------------------------------------------------------------------
// POST /api/chat/conversation/{slug}/message (§1.8)

async fn create_message(
    State(app): AppState,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let claims = claims(&app, &headers)?;
    let owner = owner(&claims)?;
    let body = parse_json(&body)?;
    let content = body["content"].as_str().filter(|c| !c.is_empty());
    let Some(content) = content else {
        return Err(Error::BadRequest("Content is required".into()).into());
    };
    let files = attachments(body.get("attachments"))?;
    let mut store = app.store();
    let message_id = store
        .add_message(&owner, &slug, Role::User, content.to_string(), None, files)
        .ok_or(Error::NotFound("Conversation not found"))?;
    // Helper answers through a background job and realtime; here the answer is stored at once
    // (a later GET shows it) and published like Helper's job would.
    let mut after = After::default();
    let answer = if kb::wants_human(content) {
        if let Some(conv) = store.conversation_mut(&owner, &slug) {
            conv.assigned_to_ai = false;
            conv.status = Status::Open;
            after.escalated = true;
        }
        kb::ESCALATION_TEXT
    } else {
        kb::lookup(content).answer
    };
    let answer_id = store.add_message(
        &owner,
        &slug,
        Role::Assistant,
        answer.to_string(),
        None,
        Vec::new(),
    );
    drop(store);
    // The answer reaches a headless client only over realtime, as in Helper.
    after.messages.extend(answer_id);
    followup::spawn(app.clone(), slug.clone(), after);
    ok(json!({ "messageId": message_id, "conversationSlug": slug }))
}

// ---------------------------------------------------------------------------------------------
// POST /api/chat/conversation/{slug}/message/{id} (§1.9)

async fn react(
    State(app): AppState,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let gap = |e: Error| Rejection::from(e).helper_gap();
    let claims = claims(&app, &headers)?;
    let owner = owner(&claims).map_err(Rejection::helper_gap)?;
    let id: u64 = id
        .parse()
        .map_err(|_| gap(Error::BadRequest("Invalid message ID".into())))?;
    let body: Value = serde_json::from_slice(&body)
        .map_err(|_| gap(Error::BadRequest("Invalid JSON body".into())))?;
    let kind = body["type"]
        .as_str()
        .filter(|t| *t == "thumbs-up" || *t == "thumbs-down");
    let feedback = match body.get("feedback") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(()),
    };
    let (Some(kind), Ok(feedback)) = (kind, feedback) else {
        return Err(gap(Error::BadRequest("Invalid reaction".into())));
    };
    // Only thumbs-down carries feedback in Helper's schema.
    let feedback = feedback.filter(|_| kind == "thumbs-down");

    let mut store = app.store();
    let conv = store
        .conversation_mut(&owner, &slug)
        .ok_or_else(|| gap(Error::NotFound("Conversation not found")))?;
    let message = conv
        .messages
        .iter_mut()
        .find(|m| m.id == id)
        .ok_or_else(|| gap(Error::NotFound("Message not found")))?;
    let same_kind = message.reaction.as_ref().filter(|r| r.kind == kind);
    let mut response = match same_kind {
        Some(r) if kind == "thumbs-down" && r.feedback.is_none() && feedback.is_some() => {
            let reaction = message.reaction.as_mut().map(|r| {
                r.feedback = feedback;
                r.to_json()
            });
            Json(json!({ "reaction": reaction })).into_response()
        }
        Some(_) => {
            message.reaction = None;
            Json(json!({ "reaction": null })).into_response()
        }
        None => {
            let reaction = crate::store::Reaction {
                kind: kind.to_string(),
                feedback,
                created_at: now_ms(),
            };
            let out = reaction.to_json();
            message.reaction = Some(reaction);
            // Feedback is text of any length: count it against the store's bound.
            store.settle(&slug);
            // The only path of this route that Helper answers with CORS headers.
            return ok(json!({ "reaction": out }));
        }
    };
    store.settle(&slug);
    response.extensions_mut().insert(CorsMark::HelperGap);
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// POST /api/chat/conversation/{slug}/message/{id}/event (§1.10)

/// Analytics only (`reasoning_toggled`). Helper's route sets no CORS headers anywhere, and its
/// lookup throws (a bare 500) for an unknown conversation or message.
async fn message_event(
    State(app): AppState,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let gap = |e: Error| Rejection::from(e).helper_gap();
    let claims = claims(&app, &headers).map_err(Rejection::helper_gap)?;
    let owner = owner(&claims).map_err(Rejection::helper_gap)?;
    let id: u64 = id
        .parse()
        .map_err(|_| gap(Error::BadRequest("Invalid message ID".into())))?;
    let known = {
        let mut store = app.store();
        let conv = store
            .conversation_mut(&owner, &slug)
            .ok_or_else(|| gap(Error::Thrown("Conversation not found".into())))?;
        conv.messages.iter().any(|m| m.id == id)
    };
    if !known {
        return Err(gap(Error::Thrown("Expected exactly one result".into())));
    }
    let body: Value = serde_json::from_slice(&body)
        .map_err(|_| gap(Error::BadRequest("Invalid JSON body".into())))?;
    let valid = body["type"] == "reasoning_toggled" && body["changes"]["isVisible"].is_boolean();
    if !valid {
        return Err(gap(Error::BadRequest("Invalid event payload".into())));
    }
    let mut response = Json(json!({ "success": true })).into_response();
    response.extensions_mut().insert(CorsMark::HelperGap);
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// PATCH /api/widget/notification/{id} (§1.11)

async fn notification(
    State(app): AppState,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let claims = claims(&app, &headers)?;
    let Some(email) = claims.email.filter(|e| !e.is_empty()) else {
        return Err(Error::Unauthorized("Not authorized - Anonymous session").into());
    };
    let body = parse_json(&body)?;
    // `z.enum([...]).parse` throws: a bare 500, like any uncaught error.
    let status = match body["status"].as_str() {
        Some("read") => NotificationStatus::Read,
        Some("dismissed") => NotificationStatus::Dismissed,
        _ => {
            return Err(
                Error::Thrown("Invalid enum value. Expected 'read' | 'dismissed'".into()).into(),
            )
        }
    };
    // `parseInt` of anything else matches no row.
    let id: u64 = id.parse().unwrap_or(0);
    match app.store().notifications.set_status(&email, id, status) {
        Ok(()) => ok(json!({ "success": true })),
        Err(NotificationMiss::NoCustomer) => Err(Error::Forbidden("Unauthorized").into()),
        Err(NotificationMiss::NotFound) => Err(Error::NotFound("Notification not found").into()),
    }
}

// ---------------------------------------------------------------------------------------------
// POST /api/chat/contact (§1.12)

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

async fn contact(State(app): AppState, headers: HeaderMap, body: Bytes) -> ApiResult {
    refuse_if_faulted(app.faults().take(FaultRoute::Contact).as_ref())?;
    claims(&app, &headers)?;
    let invalid = || Rejection::from(Error::BadRequest("Invalid request parameters".into()));
    let body: Value = serde_json::from_slice(&body).map_err(|_| invalid())?;
    let email = body["email"]
        .as_str()
        .filter(|e| looks_like_email(e))
        .ok_or_else(invalid)?;
    let message = body["message"]
        .as_str()
        .filter(|m| !m.is_empty())
        .ok_or_else(invalid)?;
    let owner = Owner::Email(email.to_string());
    let mut store = app.store();
    let slug = store.create_conversation(
        owner.clone(),
        Some("Contact Form Submission".into()),
        false,
        Status::Open,
    );
    store.add_message(
        &owner,
        &slug,
        Role::User,
        message.to_string(),
        None,
        Vec::new(),
    );
    // Helper then answers the form by AI (its auto-response job) and, for a known customer,
    // leaves a notification the widget shows on their next page view.
    let answer = kb::lookup(message).answer.to_string();
    store.add_message(&owner, &slug, Role::Assistant, answer, None, Vec::new());
    store.notifications.add(
        email.to_string(),
        "You have a new reply for Contact Form Submission".into(),
        slug.clone(),
    );
    ok(json!({ "success": true, "conversationSlug": slug }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_injected_after_n_tokens() {
        let parts = reply_parts(
            Reply::Model {
                tool: "knowledge_base",
                args: json!({}),
                text: "a b c d".into(),
                sources: vec![],
                saved: Some(1),
            },
            "q",
        );
        let cut = inject_error(parts, 2);
        let texts: Vec<_> = cut.iter().filter(|p| matches!(p, Part::Text(_))).collect();
        assert_eq!(texts.len(), 2);
        assert_eq!(cut.last(), Some(&Part::Error(kb::GENERATION_ERROR.into())));
    }

    #[test]
    fn attachment_rules() {
        let ok = json!([{ "name": "a.png", "contentType": "image/png", "url": "data:image/png;base64,AAAA" }]);
        assert_eq!(attachments(Some(&ok)).map(|v| v.len()).ok(), Some(1));
        let bad = json!([{ "name": "a.png", "url": "https://x.test/a.png" }]);
        let err = attachments(Some(&bad)).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("a.png: Invalid data URL format"));
        let many = json!(vec![ok[0].clone(); 6]);
        assert!(attachments(Some(&many)).is_err());
    }
}
