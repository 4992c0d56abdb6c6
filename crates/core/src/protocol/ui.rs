//! JSON chunks carried by SSE events: the v5+ UI message stream (`{"type":"text-delta",…}`, every
//! type up to ai 7) and the seed docs' v4-style `{"type":"text","value":…}` objects.
//!
//! One event's data in, events out. Depends on `serde`/`serde_json` only. Like the AI SDK it
//! accepts extra fields; unlike it, an unknown `type` is reported as
//! [`StreamEvent::Unknown`] and reading goes on, and a delta for a part that was never started
//! is passed on (a support widget would rather show the text than fail the reply).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use super::event::{DecodeError, StreamEvent};
use super::v4;

/// Every field any chunk type uses; unknown fields are skipped, so newer servers' additions
/// pass. Parsing straight into this (instead of a `Value` tree) is the fast path.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Chunk<'a> {
    #[serde(rename = "type", borrow)]
    chunk_type: Cow<'a, str>,
    id: Option<String>,
    delta: Option<String>,
    /// Seed / v4-parsed shape.
    value: Option<Value>,
    message_id: Option<String>,
    message_metadata: Option<Value>,
    tool_call_id: Option<String>,
    tool_name: Option<String>,
    #[serde(default)]
    input: Value,
    input_text_delta: Option<String>,
    output: Option<Value>,
    error_text: Option<String>,
    preliminary: Option<bool>,
    source_id: Option<String>,
    url: Option<String>,
    title: Option<String>,
    media_type: Option<String>,
    finish_reason: Option<String>,
    data: Option<Value>,
    transient: Option<bool>,
    reason: Option<String>,
    approval_id: Option<String>,
    approved: Option<bool>,
    kind: Option<String>,
    /// Early 5.0 `reasoning` chunks.
    text: Option<String>,
}

/// Decodes the data of one SSE event. Returns true if it was seed-shaped (`{type, value}`).
pub(crate) fn decode_event(data: &str, out: &mut Vec<StreamEvent>) -> bool {
    let trimmed = data.trim();
    if trimmed.is_empty() || trimmed == "[DONE]" {
        return false;
    }
    let chunk: Chunk<'_> = match serde_json::from_str(trimmed) {
        Ok(chunk) => chunk,
        Err(e) => {
            let error =
                if e.is_data() && serde_json::from_str::<serde::de::IgnoredAny>(trimmed).is_ok() {
                    DecodeError::InvalidPayload {
                        kind: "chunk".to_owned(),
                        reason: e.to_string(),
                    }
                } else {
                    DecodeError::InvalidJson(e.to_string())
                };
            out.push(StreamEvent::Malformed {
                line: data.to_owned(),
                error,
            });
            return false;
        }
    };
    let mut seed = false;
    let result = if chunk.value.is_some()
        && (is_seed_only(&chunk.chunk_type) || v4::is_part_name(&chunk.chunk_type))
    {
        seed = true;
        map_seed(chunk, out)
    } else {
        map_chunk(chunk, data, out)
    };
    if let Err(error) = result {
        out.push(StreamEvent::Malformed {
            line: data.to_owned(),
            error,
        });
    }
    seed
}

fn is_seed_only(kind: &str) -> bool {
    matches!(kind, "messageAnnotation" | "messageAnnotations")
}

/// Seed docs: the *parsed* v4 part (`parseDataStreamPart` output) sent as SSE data. Mapped
/// exactly like the v4 line it stands for, so `text` = `0:` and `messageAnnotation` = `8:`.
fn map_seed(chunk: Chunk<'_>, out: &mut Vec<StreamEvent>) -> Result<(), DecodeError> {
    let value = chunk.value.unwrap_or(Value::Null);
    match &*chunk.chunk_type {
        "messageAnnotation" | "messageAnnotations" => {
            let items = match value {
                Value::Array(items) => items,
                other => vec![other],
            };
            out.push(StreamEvent::Annotations(items));
            Ok(())
        }
        name => v4::map_part(name, value, out),
    }
}

fn map_chunk(c: Chunk<'_>, raw: &str, out: &mut Vec<StreamEvent>) -> Result<(), DecodeError> {
    let kind: &str = &c.chunk_type;
    let missing = |field: &str| DecodeError::InvalidPayload {
        kind: kind.to_owned(),
        reason: format!("{field} must be a string"),
    };
    match kind {
        "text-delta" => {
            let delta = c.delta.ok_or_else(|| missing("delta"))?;
            out.push(StreamEvent::TextDelta { id: c.id, delta });
        }
        "text-start" => out.push(StreamEvent::TextStart {
            id: c.id.ok_or_else(|| missing("id"))?,
        }),
        "text-end" => out.push(StreamEvent::TextEnd {
            id: c.id.ok_or_else(|| missing("id"))?,
        }),
        "reasoning-delta" => {
            let delta = c.delta.ok_or_else(|| missing("delta"))?;
            out.push(StreamEvent::ReasoningDelta { id: c.id, delta });
        }
        "reasoning-start" => out.push(StreamEvent::ReasoningStart {
            id: c.id.ok_or_else(|| missing("id"))?,
        }),
        "reasoning-end" => out.push(StreamEvent::ReasoningEnd {
            id: c.id.ok_or_else(|| missing("id"))?,
        }),
        // Early 5.0.x only.
        "reasoning" => {
            let delta = c.text.ok_or_else(|| missing("text"))?;
            out.push(StreamEvent::ReasoningDelta { id: None, delta });
        }
        "reasoning-part-finish" => {}
        "start" => {
            out.push(StreamEvent::MessageStart { id: c.message_id });
            if let Some(meta) = c.message_metadata {
                out.push(StreamEvent::MessageMetadata(meta));
            }
        }
        "start-step" => out.push(StreamEvent::StepStart { message_id: None }),
        "finish-step" => out.push(StreamEvent::StepFinish {
            reason: None,
            usage: None,
            is_continued: false,
        }),
        "reset-step" => out.push(StreamEvent::StepReset),
        "message-metadata" => {
            let meta = c
                .message_metadata
                .ok_or_else(|| missing("messageMetadata"))?;
            out.push(StreamEvent::MessageMetadata(meta));
        }
        "finish" => {
            if let Some(meta) = c.message_metadata {
                out.push(StreamEvent::MessageMetadata(meta));
            }
            out.push(StreamEvent::Finish {
                reason: c.finish_reason,
                usage: None,
            });
        }
        "abort" => out.push(StreamEvent::Abort { reason: c.reason }),
        "error" => {
            let message = c.error_text.ok_or_else(|| missing("errorText"))?;
            out.push(StreamEvent::Error { message });
        }
        "tool-input-start" => {
            let id = c.tool_call_id.ok_or_else(|| missing("toolCallId"))?;
            let name = c.tool_name.ok_or_else(|| missing("toolName"))?;
            out.push(StreamEvent::ToolCallStarted { id, name });
        }
        "tool-input-delta" => {
            let id = c.tool_call_id.ok_or_else(|| missing("toolCallId"))?;
            let delta = c
                .input_text_delta
                .ok_or_else(|| missing("inputTextDelta"))?;
            out.push(StreamEvent::ToolCallDelta { id, delta });
        }
        "tool-input-available" => {
            let id = c.tool_call_id.ok_or_else(|| missing("toolCallId"))?;
            let name = c.tool_name.ok_or_else(|| missing("toolName"))?;
            out.push(StreamEvent::ToolCall {
                id,
                name,
                args: c.input,
            });
        }
        "tool-input-error" | "tool-output-error" => {
            let id = c.tool_call_id.ok_or_else(|| missing("toolCallId"))?;
            let message = c.error_text.ok_or_else(|| missing("errorText"))?;
            out.push(StreamEvent::ToolError {
                id,
                name: c.tool_name,
                message,
            });
        }
        "tool-output-available" => {
            let id = c.tool_call_id.ok_or_else(|| missing("toolCallId"))?;
            let result = c.output.unwrap_or(Value::Null);
            out.push(StreamEvent::ToolResult {
                id,
                result,
                preliminary: c.preliminary == Some(true),
            });
        }
        "tool-output-denied" => out.push(StreamEvent::ToolDenied {
            id: c.tool_call_id.ok_or_else(|| missing("toolCallId"))?,
        }),
        "tool-approval-request" => {
            let approval_id = c.approval_id.ok_or_else(|| missing("approvalId"))?;
            let tool_call_id = c.tool_call_id.ok_or_else(|| missing("toolCallId"))?;
            out.push(StreamEvent::ToolApprovalRequest {
                approval_id,
                tool_call_id,
            });
        }
        "tool-approval-response" => {
            let approval_id = c.approval_id.ok_or_else(|| missing("approvalId"))?;
            let approved = c.approved.ok_or_else(|| DecodeError::InvalidPayload {
                kind: kind.to_owned(),
                reason: "approved must be a boolean".to_owned(),
            })?;
            out.push(StreamEvent::ToolApprovalResponse {
                approval_id,
                approved,
                reason: c.reason,
            });
        }
        "source-url" => {
            let url = c.url.ok_or_else(|| missing("url"))?;
            out.push(StreamEvent::Source {
                id: c.source_id,
                url: Some(url),
                title: c.title,
            });
        }
        "source-document" => {
            out.push(StreamEvent::Source {
                id: c.source_id,
                url: None,
                title: c.title,
            });
        }
        "file" | "reasoning-file" => {
            let url = c.url.ok_or_else(|| missing("url"))?;
            let media_type = c.media_type.ok_or_else(|| missing("mediaType"))?;
            out.push(StreamEvent::File { url, media_type });
        }
        "custom" => {
            let custom_kind = c.kind.ok_or_else(|| missing("kind"))?;
            let value = serde_json::from_str(raw).unwrap_or(Value::Null);
            out.push(StreamEvent::Custom {
                kind: custom_kind,
                value,
            });
        }
        _ => {
            if let Some(name) = kind.strip_prefix("data-") {
                out.push(StreamEvent::Data {
                    name: Some(name.to_owned()),
                    id: c.id,
                    data: c.data.unwrap_or(Value::Null),
                    transient: c.transient == Some(true),
                });
            } else {
                out.push(StreamEvent::Unknown {
                    kind: kind.to_owned(),
                    raw: raw.to_owned(),
                });
            }
        }
    }
    Ok(())
}
