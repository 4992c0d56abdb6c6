//! Dev-only control routes under `/__dev` (not part of Helper's API): health, fault queue,
//! runtime delivery settings, reset, staff replies and HMAC signing for demo pages.
//!
//! Acts on the shared [`App`] only; Helper's routes never call into this module.

use crate::auth;
use crate::error::{ApiResult, Error, Rejection};
use crate::faults::QueuedFault;
use crate::store::{now_ms, Role};
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
    *lock(&app.settings) = Settings::from_options(&app.options);
    Ok(Json(status(&app)).into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StaffReply {
    conversation_slug: String,
    content: String,
    staff_name: Option<String>,
}

async fn staff_reply(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let reply: StaffReply = serde_json::from_slice(&body).map_err(bad)?;
    let mut store = app.store();
    let owner = store
        .conversation_any_mut(&reply.conversation_slug)
        .map(|c| c.owner.clone())
        .ok_or(Error::NotFound("Conversation not found"))?;
    let name = reply.staff_name.unwrap_or_else(|| "Sam".into());
    let id = store.add_message(
        &owner,
        &reply.conversation_slug,
        Role::Staff,
        reply.content,
        Some(name),
        Vec::new(),
    );
    Ok(Json(json!({ "messageId": id })).into_response())
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
