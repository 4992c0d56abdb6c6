//! Dev-only control routes under `/__dev` (not part of Helper's API): health, fault queue,
//! runtime delivery settings, reset, the human side of support (staff replies and typing,
//! notifications), realtime socket drops, and HMAC signing for demo pages.
//!
//! Acts on the shared [`App`] (and publishes through [`crate::followup`]); Helper's routes
//! never call into this module.

use crate::auth;
use crate::error::{ApiResult, Error, Rejection};
use crate::faults::QueuedFault;
use crate::store::{now_ms, Attachment, Role};
use crate::stream::{Chunking, Format};
use crate::{lock, App, Settings};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/__dev/health", get(health))
        .route("/__dev/fault", post(fault))
        .route("/__dev/settings", post(settings))
        .route("/__dev/reset", post(reset))
        .route("/__dev/reply", post(scripted_reply))
        .route("/__dev/staff-reply", post(staff_reply))
        .route("/__dev/staff-typing", post(staff_typing))
        .route("/__dev/notify", post(notify))
        .route("/__dev/realtime-drop", post(realtime_drop))
        .route("/__dev/hmac", get(hmac))
}

fn bad(e: impl std::fmt::Display) -> Rejection {
    Error::BadRequest(e.to_string()).into()
}

fn status(app: &App) -> serde_json::Value {
    let s = app.settings();
    json!({
        "ok": true,
        "format": s.format,
        "chunking": s.chunking,
        "paceMs": s.pace_ms,
        "chunkChars": s.chunk_chars,
        "corsGaps": s.cors_gaps,
        "pendingFaults": app.faults().pending(),
        "realtime": app.options.realtime,
        "realtimeConnections": app.hub.connections(),
    })
}

async fn health(State(app): State<Arc<App>>) -> ApiResult {
    Ok(Json(status(&app)).into_response())
}

async fn fault(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let queued: QueuedFault = serde_json::from_slice(&body).map_err(bad)?;
    app.faults().push(queued)?;
    Ok(Json(status(&app)).into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SettingsPatch {
    format: Option<Format>,
    chunking: Option<Chunking>,
    pace_ms: Option<u64>,
    /// `0` turns the re-cut off (word tokens again).
    chunk_chars: Option<usize>,
    cors_gaps: Option<bool>,
}

async fn settings(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let patch: SettingsPatch = serde_json::from_slice(&body).map_err(bad)?;
    {
        let mut s = lock(&app.settings);
        s.format = patch.format.unwrap_or(s.format);
        s.chunking = patch.chunking.unwrap_or(s.chunking);
        s.pace_ms = patch.pace_ms.unwrap_or(s.pace_ms);
        s.cors_gaps = patch.cors_gaps.unwrap_or(s.cors_gaps);
        if let Some(n) = patch.chunk_chars {
            s.chunk_chars = (n > 0).then_some(n);
        }
    }
    Ok(Json(status(&app)).into_response())
}

#[derive(Deserialize)]
struct ScriptedReply {
    text: String,
}

/// `{"text": "…"}`: the next model answer is this markdown instead of a knowledge-base article
/// (same tool call, sources from its `[(n)](url)` citations, same format and pacing). For
/// tests of how the widget renders arbitrary (including hostile) replies.
async fn scripted_reply(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let reply: ScriptedReply = serde_json::from_slice(&body).map_err(bad)?;
    lock(&app.scripted).push(reply.text)?;
    Ok(Json(status(&app)).into_response())
}

async fn reset(State(app): State<Arc<App>>) -> ApiResult {
    *app.store() = Default::default();
    *lock(&app.scripted) = Default::default();
    app.faults().clear();
    app.hub.reset();
    *lock(&app.settings) = Settings::from_options(&app.options);
    Ok(Json(status(&app)).into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StaffReply {
    conversation_slug: String,
    content: String,
    staff_name: Option<String>,
    /// Files as the dashboard stores them: any URL (Helper's are presigned `https` links), so
    /// tests can also check how the widget treats URLs it must not follow.
    #[serde(default)]
    attachments: Vec<StaffAttachment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StaffAttachment {
    name: Option<String>,
    content_type: Option<String>,
    url: String,
}

async fn staff_reply(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let reply: StaffReply = serde_json::from_slice(&body).map_err(bad)?;
    let mut store = app.store();
    let owner = store
        .conversation_any_mut(&reply.conversation_slug)
        .map(|c| c.owner.clone())
        .ok_or(Error::NotFound("Conversation not found"))?;
    let name = reply
        .staff_name
        .unwrap_or_else(|| app.options.staff_name.clone());
    let id = store.add_message(
        &owner,
        &reply.conversation_slug,
        Role::Staff,
        reply.content,
        Some(name),
        reply
            .attachments
            .into_iter()
            .map(|a| Attachment {
                name: a.name,
                content_type: a.content_type,
                url: a.url,
            })
            .collect(),
    );
    drop(store);
    if let Some(id) = id {
        crate::followup::publish_message(&app, &reply.conversation_slug, id);
    }
    Ok(Json(json!({ "messageId": id })).into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StaffTyping {
    conversation_slug: String,
}

/// `agent-typing` on the conversation's channel, as the dashboard sends while an agent types.
async fn staff_typing(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let typing: StaffTyping = serde_json::from_slice(&body).map_err(bad)?;
    if app
        .store()
        .conversation_any(&typing.conversation_slug)
        .is_none()
    {
        return Err(Error::NotFound("Conversation not found").into());
    }
    app.hub.publish_typing(&typing.conversation_slug, now_ms());
    Ok(Json(json!({ "ok": true })).into_response())
}

/// Longest notification text accepted, so the notification store stays bounded in bytes too.
const MAX_NOTIFICATION_TEXT: usize = 4096;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notify {
    email: String,
    text: Option<String>,
    conversation_slug: String,
}

/// A pending notification for an identified visitor; their next session lists it.
async fn notify(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let notify: Notify = serde_json::from_slice(&body).map_err(bad)?;
    // Helper's default text.
    let text = notify
        .text
        .unwrap_or_else(|| "You have a new message".into());
    if text.len() > MAX_NOTIFICATION_TEXT || notify.email.len() > MAX_NOTIFICATION_TEXT {
        return Err(bad("text or email too long"));
    }
    let mut store = app.store();
    if store.conversation_any(&notify.conversation_slug).is_none() {
        return Err(Error::NotFound("Conversation not found").into());
    }
    let id = store
        .notifications
        .add(notify.email, text, notify.conversation_slug);
    Ok(Json(json!({ "id": id })).into_response())
}

/// Longest refusal window `/__dev/realtime-drop` accepts (a test that wants more is wrong).
const MAX_REFUSE_MS: u64 = 10 * 60 * 1000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RealtimeDrop {
    /// Only sockets joined to this conversation's channel.
    conversation_slug: Option<String>,
    /// Close with this code instead of cutting the connection.
    close_code: Option<u16>,
    /// Refuse new connections (503) for this long.
    refuse_ms: Option<u64>,
}

/// Drops realtime sockets, so tests can watch a client reconnect or fall back to polling.
async fn realtime_drop(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let drop: RealtimeDrop = if body.is_empty() {
        RealtimeDrop {
            conversation_slug: None,
            close_code: None,
            refuse_ms: None,
        }
    } else {
        serde_json::from_slice(&body).map_err(bad)?
    };
    // Codes a server may send (RFC 6455 §7.4): 1000–1003, 1007–1014, 3000–4999.
    if let Some(code) = drop.close_code {
        let sendable = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
        if !sendable {
            return Err(bad(format!(
                "closeCode {code} cannot be sent in a close frame"
            )));
        }
    }
    let refuse = drop.refuse_ms.unwrap_or(0).min(MAX_REFUSE_MS);
    let connections = app.hub.connections();
    app.hub.drop_connections(
        drop.conversation_slug
            .as_deref()
            .map(crate::realtime::conversation_topic),
        drop.close_code,
        std::time::Duration::from_millis(refuse),
    );
    Ok(Json(json!({ "ok": true, "connections": connections })).into_response())
}

async fn hmac(State(app): State<Arc<App>>, RawQuery(q): RawQuery) -> ApiResult {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(q.as_deref().unwrap_or("")).map_err(bad)?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let email = get("email").ok_or_else(|| bad("email is required"))?;
    let timestamp: i64 = match get("timestamp") {
        Some(t) => t
            .parse()
            .map_err(|_| bad("timestamp must be milliseconds"))?,
        None => now_ms(),
    };
    let hash = auth::email_hash(&app.options.hmac_secret, &email, &timestamp.to_string());
    Ok(Json(json!({ "email": email, "timestamp": timestamp, "emailHash": hash })).into_response())
}
