//! The chat's domain rules, without the browser: how the events of one streamed reply change
//! the assistant message being built, and what a finished turn amounts to.
//!
//! [`Reply`] is fed every [`StreamEvent`] the decoder produces and answers with the
//! [`ReplyChange`] the UI must make, or nothing. It holds only what those rules need (sources
//! seen, whether the reply failed); the text itself lives in the UI's store. No `web_sys`,
//! `wasm_bindgen` or signals here.

use crate::protocol::StreamEvent;
use std::collections::HashSet;

/// Helper's escalation tool: when the model calls it, a human takes over the conversation.
pub const ESCALATION_TOOL: &str = "request_human_support";

/// What Helper's widget shows for a reply that escalated without text of its own
/// (helper-api.md §2, "Escalation").
pub const ESCALATION_TEXT: &str =
    "_Escalated to a human! You will be contacted soon here and by email._";

/// Who wrote a message. Helper's API also has `staff` (a human agent's reply), which the
/// transcript shows on the assistant side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The visitor.
    User,
    /// The AI.
    Assistant,
    /// A human support agent.
    Staff,
}

impl Role {
    /// Reads Helper's `role` field; anything unknown is shown as the support side.
    pub fn from_api(role: &str) -> Role {
        match role {
            "user" => Role::User,
            "staff" => Role::Staff,
            _ => Role::Assistant,
        }
    }

    /// The `data-message-role` value (embed-contract §7): `user` or `assistant`.
    pub fn dom_role(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant | Role::Staff => "assistant",
        }
    }
}

/// A citation listed under an assistant message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Where it points (not yet checked for a safe scheme: the renderer does that).
    pub url: String,
    /// Its title, if the server gave one.
    pub title: Option<String>,
}

/// One change to the streaming assistant message.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyChange {
    /// Append this markdown text.
    Text(String),
    /// A tool is running: show a "working" state until text arrives (Helper shows a blank gap).
    Working {
        /// The tool's name, e.g. `knowledge_base`.
        tool: String,
    },
    /// A new source to list under the message.
    Source(Source),
    /// Helper's id of the saved message (for reactions and the `message` event).
    ServerId(String),
    /// The model handed the conversation to a human.
    Escalated,
    /// The reply failed; the text received so far stays.
    Failed(String),
    /// Nothing for the visitor to see, but worth a console line for the site owner (a
    /// malformed or unknown part from a newer or broken server).
    Log(String),
}

/// The rules for one streamed reply.
#[derive(Debug, Default)]
pub struct Reply {
    has_text: bool,
    escalated: bool,
    failed: bool,
    finish_reason: Option<String>,
    source_urls: HashSet<String>,
}

impl Reply {
    /// A reply with nothing received yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies one decoded event.
    pub fn apply(&mut self, event: StreamEvent) -> Option<ReplyChange> {
        match event {
            StreamEvent::TextDelta { delta, .. } => {
                if delta.is_empty() {
                    return None;
                }
                self.has_text = true;
                Some(ReplyChange::Text(delta))
            }
            StreamEvent::ToolCallStarted { name, .. } | StreamEvent::ToolCall { name, .. } => {
                if name == ESCALATION_TOOL && !self.escalated {
                    self.escalated = true;
                    return Some(ReplyChange::Escalated);
                }
                Some(ReplyChange::Working { tool: name })
            }
            StreamEvent::Source {
                url: Some(url),
                title,
                ..
            } => {
                if url.is_empty() || !self.source_urls.insert(url.clone()) {
                    return None;
                }
                Some(ReplyChange::Source(Source { url, title }))
            }
            ev @ (StreamEvent::Annotations(_) | StreamEvent::MessageMetadata(_)) => {
                ev.saved_message_id().map(ReplyChange::ServerId)
            }
            StreamEvent::Error { message } => self.fail(message),
            StreamEvent::Abort { reason } => self.fail(reason.unwrap_or_default()),
            StreamEvent::Finish { reason, .. } => {
                self.finish_reason = reason;
                None
            }
            StreamEvent::Malformed { line, error } => Some(ReplyChange::Log(format!(
                "could not read a part of the reply ({error}): {}",
                clip(&line)
            ))),
            StreamEvent::Unknown { kind, raw } => Some(ReplyChange::Log(format!(
                "ignored a reply part of unknown kind \"{kind}\": {}",
                clip(&raw)
            ))),
            _ => None,
        }
    }

    fn fail(&mut self, message: String) -> Option<ReplyChange> {
        if self.failed {
            return None;
        }
        self.failed = true;
        // Empty when the server gave no reason: the widget says it in the visitor's language.
        Some(ReplyChange::Failed(message.trim().to_owned()))
    }

    /// Whether an error part or abort arrived.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Whether any text arrived.
    pub fn has_text(&self) -> bool {
        self.has_text
    }

    /// Whether the model escalated to a human.
    pub fn escalated(&self) -> bool {
        self.escalated
    }

    /// The finish reason, if the server sent one.
    pub fn finish_reason(&self) -> Option<&str> {
        self.finish_reason.as_deref()
    }

    /// Text to append when the body has ended: an escalated reply without text of its own
    /// shows Helper's escalation line, as Helper's widget does.
    pub fn closing_text(&self) -> Option<&'static str> {
        (self.escalated && !self.has_text && !self.failed).then_some(ESCALATION_TEXT)
    }
}

/// Keeps console lines short: a malformed 1 MB line should not flood the site owner's console.
fn clip(s: &str) -> String {
    const MAX: usize = 160;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// The user-facing text for a failed turn, by cause. One place, so every failure path reads
/// the same way to the visitor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TurnFailure {
    /// The server answered with an HTTP error status.
    #[error("The support server answered with an error ({status}){}", detail_suffix(.detail))]
    Http {
        /// The status code.
        status: u16,
        /// Helper's `{"error": …}` text, if any.
        detail: Option<String>,
    },
    /// The request never got an answer the browser may show us: offline, DNS, refused, or a
    /// cross-origin error response without CORS headers (reported by browsers as a network error).
    #[error("We couldn't reach the support server. Check your connection and try again.")]
    Network,
    /// The connection broke while the reply was streaming.
    #[error("The connection was lost before the reply finished.")]
    Dropped,
    /// The server did not answer, or stopped sending, within the time limit.
    #[error("The support server stopped answering. Please try again.")]
    TimedOut,
    /// The visitor stopped before the message went out.
    #[error("Your message was not sent.")]
    NotSent,
    /// The server put an error into the stream.
    #[error("{0}")]
    Stream(String),
    /// The session could not be (re)established.
    #[error("{0}")]
    Session(String),
}

fn detail_suffix(detail: &Option<String>) -> String {
    match detail {
        Some(d) if !d.trim().is_empty() => format!(": {}", d.trim()),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Decoder;
    use serde_json::json;

    fn run(body: &str) -> (Vec<ReplyChange>, Reply) {
        let mut decoder = Decoder::new();
        let mut reply = Reply::new();
        let mut events = decoder.push(body.as_bytes());
        events.extend(decoder.finish());
        let changes = events.into_iter().filter_map(|e| reply.apply(e)).collect();
        (changes, reply)
    }

    #[test]
    fn helper_v4_reply_after_a_tool_call() {
        let body = concat!(
            "f:{\"messageId\":\"msg-1\"}\n",
            "9:{\"toolCallId\":\"c1\",\"toolName\":\"knowledge_base\",\"args\":{\"query\":\"plan\"}}\n",
            "e:{\"finishReason\":\"tool-calls\",\"isContinued\":false}\n",
            "f:{\"messageId\":\"msg-2\"}\n",
            "0:\"You can change \"\n0:\"your plan [(1)](https://x.io/plans).\"\n",
            "e:{\"finishReason\":\"stop\",\"isContinued\":false}\n",
            "d:{\"finishReason\":\"stop\"}\n",
            "h:{\"sourceType\":\"url\",\"id\":\"1\",\"url\":\"https://x.io/plans\",\"title\":\"Plans\"}\n",
            "h:{\"sourceType\":\"url\",\"id\":\"1\",\"url\":\"https://x.io/plans\",\"title\":\"Plans\"}\n",
            "8:[{\"id\":\"48213\",\"traceId\":\"t\"}]\n",
        );
        let (changes, reply) = run(body);
        assert_eq!(
            changes,
            vec![
                ReplyChange::Working {
                    tool: "knowledge_base".into()
                },
                ReplyChange::Text("You can change ".into()),
                ReplyChange::Text("your plan [(1)](https://x.io/plans).".into()),
                ReplyChange::Source(Source {
                    url: "https://x.io/plans".into(),
                    title: Some("Plans".into())
                }),
                ReplyChange::ServerId("48213".into()),
            ]
        );
        assert_eq!(reply.finish_reason(), Some("stop"));
        assert!(!reply.failed());
        assert_eq!(reply.closing_text(), None);
    }

    #[test]
    fn error_part_fails_once_and_keeps_text() {
        let (changes, reply) = run("0:\"Part\"\n3:\"Error generating AI response\"\n3:\"again\"\n");
        assert_eq!(
            changes,
            vec![
                ReplyChange::Text("Part".into()),
                ReplyChange::Failed("Error generating AI response".into())
            ]
        );
        assert!(reply.failed() && reply.has_text());
    }

    #[test]
    fn escalation_without_text_gets_helpers_line() {
        let (changes, reply) = run(
            "9:{\"toolCallId\":\"c\",\"toolName\":\"request_human_support\",\"args\":{}}\n8:[{\"id\":7}]\n",
        );
        assert_eq!(
            changes,
            vec![ReplyChange::Escalated, ReplyChange::ServerId("7".into())]
        );
        assert_eq!(reply.closing_text(), Some(ESCALATION_TEXT));
    }

    #[test]
    fn malformed_and_unknown_parts_are_logged_not_lost() {
        let (changes, _) = run("0:\"a\"\n0:{broken\nz:\"?\"\n");
        assert_eq!(changes.len(), 3, "{changes:?}");
        assert!(matches!(&changes[1], ReplyChange::Log(l) if l.contains("{broken")));
        assert!(matches!(&changes[2], ReplyChange::Log(_)));
    }

    #[test]
    fn v5_metadata_id_and_abort() {
        let mut reply = Reply::new();
        assert_eq!(
            reply.apply(StreamEvent::MessageMetadata(json!({"id": "9"}))),
            Some(ReplyChange::ServerId("9".into()))
        );
        assert!(matches!(
            reply.apply(StreamEvent::Abort { reason: None }),
            Some(ReplyChange::Failed(_))
        ));
    }

    #[test]
    fn failure_messages_read_well() {
        let http = TurnFailure::Http {
            status: 400,
            detail: Some("Invalid request".into()),
        };
        assert_eq!(
            http.to_string(),
            "The support server answered with an error (400): Invalid request"
        );
        let bare = TurnFailure::Http {
            status: 502,
            detail: None,
        };
        assert_eq!(
            bare.to_string(),
            "The support server answered with an error (502)"
        );
        assert_eq!(clip(&"é".repeat(200)).chars().count(), 161);
    }

    #[test]
    fn roles() {
        assert_eq!(Role::from_api("staff").dom_role(), "assistant");
        assert_eq!(Role::from_api("user").dom_role(), "user");
        assert_eq!(Role::from_api("weird"), Role::Assistant);
    }
}
