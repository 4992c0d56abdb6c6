//! One streamed turn: create the conversation if needed, `POST /api/chat`, and read the body
//! as it arrives, applying each network chunk's events to the assistant row at once (so the
//! DOM updates once per chunk, at a cost proportional to the new text).

use super::{Chat, RetryTarget, Row, Status};
use crate::api::ApiError;
use crate::events;
use crate::json;
use futures::StreamExt;
use helper_widget_core::chat::{Reply, ReplyChange, TurnFailure};
use helper_widget_core::protocol::Decoder;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// How a turn ended.
pub enum Outcome {
    /// The body ended normally.
    Completed,
    /// The visitor (or a new prompt, or `destroy`) stopped it.
    Stopped,
    /// It failed; the row keeps whatever text arrived.
    Failed(TurnFailure),
}

/// Runs the turn for `user`'s message, streaming into `row`.
pub async fn run(
    chat: &Rc<Chat>,
    row: &Row,
    user: &RetryTarget,
    is_prompt: bool,
    abort: &web_sys::AbortSignal,
) -> Outcome {
    let slug = match chat.store.slug.get_untracked() {
        Some(slug) => slug,
        None => match chat.api.create_conversation(is_prompt).await {
            Ok(slug) => {
                if abort.aborted() || !chat.alive.get() {
                    return Outcome::Stopped;
                }
                chat.conversation_started(&slug);
                slug
            }
            Err(e) => return from_api_error(e, abort),
        },
    };
    if abort.aborted() {
        return Outcome::Stopped;
    }
    let reply = match chat
        .api
        .send_message(&slug, &user.client_id, &user.content, abort)
        .await
    {
        Ok(reply) => reply,
        Err(e) => return from_api_error(e, abort),
    };

    let mut decoder = Decoder::from_headers(reply.content_type.as_deref(), None, None);
    let mut rules = Reply::new();
    let mut events = Vec::new();
    let mut body =
        wasm_streams::ReadableStream::from_raw(reply.body.unchecked_into()).into_stream();
    let mut failure = None;
    while let Some(chunk) = body.next().await {
        if abort.aborted() || !chat.alive.get() {
            return Outcome::Stopped;
        }
        let bytes = match chunk {
            Ok(value) => js_sys::Uint8Array::new(&value).to_vec(),
            Err(_) if abort.aborted() => return Outcome::Stopped,
            Err(_) => {
                failure = Some(TurnFailure::Dropped);
                break;
            }
        };
        events.clear();
        decoder.push_into(&bytes, &mut events);
        if let Some(f) = apply(chat, row, &mut rules, events.drain(..)) {
            failure = Some(f);
            break;
        }
    }
    if failure.is_none() {
        events.clear();
        decoder.finish_into(&mut events);
        failure = apply(chat, row, &mut rules, events.drain(..));
    }
    match failure {
        Some(f) => Outcome::Failed(f),
        None => {
            if let Some(text) = rules.closing_text() {
                row.text.update(|t| t.push_str(text));
            }
            Outcome::Completed
        }
    }
}

/// Applies one chunk's events. Text deltas are joined so the row's text signal is written once
/// per chunk. Returns the failure that ends the turn, if one arrived.
fn apply(
    chat: &Chat,
    row: &Row,
    rules: &mut Reply,
    events: impl Iterator<Item = helper_widget_core::protocol::StreamEvent>,
) -> Option<TurnFailure> {
    let mut text = String::new();
    let mut failure = None;
    for event in events {
        match rules.apply(event) {
            Some(ReplyChange::Text(delta)) => text.push_str(&delta),
            Some(ReplyChange::Working { tool }) => row.working.set(Some(tool)),
            Some(ReplyChange::Source(source)) => row.sources.update(|s| s.push(source)),
            Some(ReplyChange::ServerId(id)) => row.server_id.set(Some(id)),
            Some(ReplyChange::Escalated) => {
                row.working
                    .set(Some(helper_widget_core::chat::ESCALATION_TOOL.to_owned()));
                chat.store.escalated.set(true);
                let slug = chat.store.slug.get_untracked();
                events::emit(
                    "escalated",
                    events::detail(json::object(vec![("conversationSlug", slug.into())])),
                );
            }
            Some(ReplyChange::Failed(message)) => {
                failure = Some(TurnFailure::Stream(message));
                break;
            }
            Some(ReplyChange::Log(line)) => {
                web_sys::console::warn_1(&format!("[Helper widget] {line}").into());
            }
            None => {}
        }
    }
    if !text.is_empty() {
        if row.working.with_untracked(Option::is_some) {
            row.working.set(None);
        }
        row.text.update(|t| t.push_str(&text));
        if chat.store.status.get_untracked() == Status::Submitted {
            chat.store.status.set(Status::Streaming);
        }
    }
    failure
}

fn from_api_error(e: ApiError, abort: &web_sys::AbortSignal) -> Outcome {
    if abort.aborted() {
        return Outcome::Stopped;
    }
    Outcome::Failed(match e {
        ApiError::Aborted => return Outcome::Stopped,
        ApiError::Http { status, message } => TurnFailure::Http {
            status,
            detail: message,
        },
        ApiError::Network(_) => TurnFailure::Network,
        ApiError::BadResponse(why) => TurnFailure::Stream(format!(
            "The support server sent a reply we couldn't read ({why})."
        )),
        ApiError::Session(message) => TurnFailure::Session(message),
    })
}
