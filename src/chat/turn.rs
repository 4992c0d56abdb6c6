//! One streamed turn: create the conversation if needed, `POST /api/chat`, and read the body
//! as it arrives, applying each network chunk's events to the assistant row at once (so the
//! DOM updates once per chunk, at a cost proportional to the new text).

use super::{Chat, RetryTarget, Row, Status};
use crate::api::{timeout, ApiError, Deadline};
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
    /// Stopped before the message was sent: the visitor gets it back with Retry.
    StoppedUnsent,
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
    // The task starts after the code that spawned it has emitted events.
    if !chat.alive() {
        return Outcome::Stopped;
    }
    // A message typed while the previous conversation is being restored belongs to it.
    chat.restored().await;
    if !chat.alive() {
        return Outcome::Stopped;
    }
    let slug = match chat.store.slug.get_untracked() {
        Some(slug) => slug,
        None => match chat.api.create_conversation(is_prompt, abort).await {
            Ok(slug) => {
                if !chat.alive() {
                    return Outcome::Stopped;
                }
                chat.conversation_started(&slug);
                slug
            }
            Err(e) => return from_api_error(e, abort, false),
        },
    };
    if abort.aborted() || !chat.alive() {
        return Outcome::StoppedUnsent;
    }
    let deadline = match Deadline::new(timeout::REPLY_START_MS, Some(abort)) {
        Ok(deadline) => deadline,
        Err(e) => return from_api_error(e, abort, false),
    };
    let reply = match chat
        .api
        .send_message(
            &slug,
            &user.client_id,
            &user.content,
            &user.attachments,
            &deadline,
        )
        .await
    {
        Ok(reply) => reply,
        Err(e) => return from_api_error(e, abort, true),
    };
    // From here the limit is on silence: each chunk restarts it.
    deadline.restart(timeout::REPLY_IDLE_MS);

    let mut decoder = Decoder::from_headers(reply.content_type.as_deref(), None, None);
    let mut rules = Reply::new();
    let mut events = Vec::new();
    let mut body =
        wasm_streams::ReadableStream::from_raw(reply.body.unchecked_into()).into_stream();
    let mut failure = None;
    let mut logged = 0;
    while let Some(chunk) = body.next().await {
        if abort.aborted() || !chat.alive.get() {
            return Outcome::Stopped;
        }
        let bytes = match chunk {
            Ok(value) => js_sys::Uint8Array::new(&value).to_vec(),
            Err(_) if deadline.timed_out() => {
                failure = Some(TurnFailure::TimedOut);
                break;
            }
            Err(_) if abort.aborted() => return Outcome::Stopped,
            Err(_) => {
                failure = Some(TurnFailure::Dropped);
                break;
            }
        };
        deadline.touch();
        events.clear();
        decoder.push_into(&bytes, &mut events);
        match apply(chat, row, &mut rules, events.drain(..), &mut logged) {
            Applied::Continue => {}
            Applied::Failed(f) => {
                failure = Some(f);
                break;
            }
            Applied::Destroyed => return Outcome::Stopped,
        }
    }
    if failure.is_none() {
        events.clear();
        decoder.finish_into(&mut events);
        match apply(chat, row, &mut rules, events.drain(..), &mut logged) {
            Applied::Continue => {}
            Applied::Failed(f) => failure = Some(f),
            Applied::Destroyed => return Outcome::Stopped,
        }
    }
    match failure {
        Some(f) => Outcome::Failed(f),
        None => {
            if rules.closing_text().is_some() {
                let text = crate::i18n::t("transcript.escalated");
                row.text.update(|t| t.push_str(text));
            }
            Outcome::Completed
        }
    }
}

/// What applying a chunk's events left the turn to do.
enum Applied {
    /// Read on.
    Continue,
    /// A failure arrived in the stream.
    Failed(TurnFailure),
    /// An `escalated` listener destroyed the widget.
    Destroyed,
}

/// Applies one chunk's events. Text deltas are joined so the row's text signal is written once
/// per chunk.
fn apply(
    chat: &Chat,
    row: &Row,
    rules: &mut Reply,
    events: impl Iterator<Item = helper_widget_core::protocol::StreamEvent>,
    logged: &mut u32,
) -> Applied {
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
                if !chat.alive() {
                    return Applied::Destroyed;
                }
            }
            Some(ReplyChange::Failed(message)) => {
                failure = Some(TurnFailure::Stream(message));
                break;
            }
            Some(ReplyChange::Log(line)) => log_once_in_a_while(&line, logged),
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
    match failure {
        Some(f) => Applied::Failed(f),
        None => Applied::Continue,
    }
}

/// `sent`: whether the message may have reached the server (a Stop before that gives it back).
fn from_api_error(e: ApiError, abort: &web_sys::AbortSignal, sent: bool) -> Outcome {
    let stopped = if sent {
        Outcome::Stopped
    } else {
        Outcome::StoppedUnsent
    };
    if abort.aborted() && !matches!(e, ApiError::TimedOut) {
        return stopped;
    }
    Outcome::Failed(match e {
        ApiError::Aborted => return stopped,
        ApiError::TimedOut => TurnFailure::TimedOut,
        ApiError::Http { status, message } => TurnFailure::Http {
            status,
            detail: message,
        },
        ApiError::Network(_) => TurnFailure::Network,
        ApiError::BadResponse(why) => {
            TurnFailure::Stream(crate::i18n::tf("error.unreadable", &[("detail", &why)]))
        }
        ApiError::Session(message) => TurnFailure::Session(message),
    })
}

/// A few malformed lines are worth a warning each; a stream of them is one warning, not a
/// console flood (and a string built per line) for the rest of the reply.
const LOGGED_PER_REPLY: u32 = 5;

fn log_once_in_a_while(line: &str, logged: &mut u32) {
    *logged = logged.saturating_add(1);
    if *logged < LOGGED_PER_REPLY {
        web_sys::console::warn_1(&format!("[Helper widget] {line}").into());
    } else if *logged == LOGGED_PER_REPLY {
        web_sys::console::warn_1(
            &format!("[Helper widget] {line} (further problems in this reply are not logged)")
                .into(),
        );
    }
}
