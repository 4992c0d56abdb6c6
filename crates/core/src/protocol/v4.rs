//! The AI SDK v4 data stream (`ai` 4.x, what Helper's `/api/chat` sends): one `CODE:JSON` part
//! per line.
//!
//! Turns one complete line into events; line splitting lives in `lines`. Depends on
//! `serde_json` only. Payload shapes are checked as strictly as the SDK's
//! `parseDataStreamPart` (so B2's rejections hold), but a bad part becomes a
//! [`StreamEvent::Malformed`] event and reading goes on, where the SDK aborts the message.

use serde_json::{Map, Value};

use super::event::{DecodeError, StreamEvent, Usage};

/// Decodes one line (without its terminator) into `out`. Blank lines yield nothing.
pub(crate) fn decode_line(line: &[u8], out: &mut Vec<StreamEvent>) {
    if line.is_empty() {
        return;
    }
    // TextDecoder (what the SDK uses) replaces invalid UTF-8 rather than failing; so do we.
    let text = String::from_utf8_lossy(line);
    let text: &str = &text;
    if text.trim().is_empty() {
        return;
    }
    let Some((code, payload)) = text.split_once(':') else {
        out.push(malformed(text, DecodeError::NoSeparator));
        return;
    };
    let code = match code.as_bytes() {
        [c] => *c,
        _ => {
            out.push(malformed(text, DecodeError::InvalidCode(code.to_owned())));
            return;
        }
    };
    if let Err(error) = decode_part(code, payload, out) {
        out.push(malformed(text, error));
    }
}

/// Whether `code` is one of the v4 part codes (used by the format sniffer, too).
pub(crate) fn is_known_code(code: u8) -> bool {
    matches!(code, b'0' | b'2' | b'3' | b'8' | b'9' | b'a'..=b'k')
}

fn decode_part(code: u8, payload: &str, out: &mut Vec<StreamEvent>) -> Result<(), DecodeError> {
    // Hot path: text and reasoning deltas are JSON strings; decode them without a `Value`.
    match code {
        b'0' => {
            let delta = parse_string(payload, "text")?;
            out.push(StreamEvent::TextDelta { id: None, delta });
            return Ok(());
        }
        b'g' => {
            let delta = parse_string(payload, "reasoning")?;
            out.push(StreamEvent::ReasoningDelta { id: None, delta });
            return Ok(());
        }
        _ => {}
    }
    if !is_known_code(code) {
        // Well-formed but unknown (legacy 3.x codes 1, 4-7, or a newer server): report it.
        serde_json::from_str::<serde::de::IgnoredAny>(payload)
            .map_err(|e| DecodeError::InvalidCode(format!("{} ({e})", code as char)))?;
        out.push(StreamEvent::Unknown {
            kind: (code as char).to_string(),
            raw: payload.to_owned(),
        });
        return Ok(());
    }
    let value: Value =
        serde_json::from_str(payload).map_err(|e| DecodeError::InvalidJson(e.to_string()))?;
    let name = part_name(code);
    map_part(name, value, out)
}

/// The SDK's parsed `type` name of a code.
fn part_name(code: u8) -> &'static str {
    match code {
        b'0' => "text",
        b'2' => "data",
        b'3' => "error",
        b'8' => "message_annotations",
        b'9' => "tool_call",
        b'a' => "tool_result",
        b'b' => "tool_call_streaming_start",
        b'c' => "tool_call_delta",
        b'd' => "finish_message",
        b'e' => "finish_step",
        b'f' => "start_step",
        b'g' => "reasoning",
        b'h' => "source",
        b'i' => "redacted_reasoning",
        b'j' => "reasoning_signature",
        b'k' => "file",
        _ => "unknown",
    }
}

/// Whether `name` is a v4 parsed part `type` (the seed docs' `{"type":…,"value":…}` shape).
pub(crate) fn is_part_name(name: &str) -> bool {
    matches!(
        name,
        "text"
            | "data"
            | "error"
            | "message_annotations"
            | "tool_call"
            | "tool_result"
            | "tool_call_streaming_start"
            | "tool_call_delta"
            | "finish_message"
            | "finish_step"
            | "start_step"
            | "reasoning"
            | "source"
            | "redacted_reasoning"
            | "reasoning_signature"
            | "file"
    )
}

/// Maps a parsed v4 part (`type` name and JSON value) to events, validating its shape.
pub(crate) fn map_part(
    name: &str,
    value: Value,
    out: &mut Vec<StreamEvent>,
) -> Result<(), DecodeError> {
    let bad = |reason: &str| DecodeError::InvalidPayload {
        kind: name.to_owned(),
        reason: reason.to_owned(),
    };
    match name {
        "text" => match value {
            Value::String(delta) => out.push(StreamEvent::TextDelta { id: None, delta }),
            _ => return Err(bad("expected a string")),
        },
        "reasoning" => match value {
            Value::String(delta) => out.push(StreamEvent::ReasoningDelta { id: None, delta }),
            _ => return Err(bad("expected a string")),
        },
        "error" => match value {
            Value::String(message) => out.push(StreamEvent::Error { message }),
            _ => return Err(bad("expected a string")),
        },
        "data" => match value {
            Value::Array(_) => out.push(StreamEvent::Data {
                name: None,
                id: None,
                data: value,
                transient: false,
            }),
            _ => return Err(bad("expected an array")),
        },
        "message_annotations" => match value {
            Value::Array(items) => out.push(StreamEvent::Annotations(items)),
            _ => return Err(bad("expected an array")),
        },
        "tool_call" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            let id = take_str(&mut obj, "toolCallId")
                .ok_or_else(|| bad("toolCallId must be a string"))?;
            let name =
                take_str(&mut obj, "toolName").ok_or_else(|| bad("toolName must be a string"))?;
            let args = match obj.remove("args") {
                Some(args @ Value::Object(_)) => args,
                _ => return Err(bad("args must be an object")),
            };
            out.push(StreamEvent::ToolCall { id, name, args });
        }
        "tool_result" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            let id = take_str(&mut obj, "toolCallId")
                .ok_or_else(|| bad("toolCallId must be a string"))?;
            let result = obj
                .remove("result")
                .ok_or_else(|| bad("result is missing"))?;
            out.push(StreamEvent::ToolResult {
                id,
                result,
                preliminary: false,
            });
        }
        "tool_call_streaming_start" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            let id = take_str(&mut obj, "toolCallId")
                .ok_or_else(|| bad("toolCallId must be a string"))?;
            let name =
                take_str(&mut obj, "toolName").ok_or_else(|| bad("toolName must be a string"))?;
            out.push(StreamEvent::ToolCallStarted { id, name });
        }
        "tool_call_delta" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            let id = take_str(&mut obj, "toolCallId")
                .ok_or_else(|| bad("toolCallId must be a string"))?;
            let delta = take_str(&mut obj, "argsTextDelta")
                .ok_or_else(|| bad("argsTextDelta must be a string"))?;
            out.push(StreamEvent::ToolCallDelta { id, delta });
        }
        "finish_message" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            let reason = take_str(&mut obj, "finishReason")
                .ok_or_else(|| bad("finishReason must be a string"))?;
            let usage = usage(obj.get("usage"));
            out.push(StreamEvent::Finish {
                reason: Some(reason),
                usage,
            });
        }
        "finish_step" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            let reason = take_str(&mut obj, "finishReason")
                .ok_or_else(|| bad("finishReason must be a string"))?;
            let usage = usage(obj.get("usage"));
            let is_continued = matches!(obj.get("isContinued"), Some(Value::Bool(true)));
            out.push(StreamEvent::StepFinish {
                reason: Some(reason),
                usage,
                is_continued,
            });
        }
        "start_step" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            let id =
                take_str(&mut obj, "messageId").ok_or_else(|| bad("messageId must be a string"))?;
            out.push(StreamEvent::StepStart {
                message_id: Some(id),
            });
        }
        "source" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            out.push(StreamEvent::Source {
                id: take_str(&mut obj, "id"),
                url: take_str(&mut obj, "url"),
                title: take_str(&mut obj, "title"),
            });
        }
        "redacted_reasoning" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            let data = take_str(&mut obj, "data").ok_or_else(|| bad("data must be a string"))?;
            out.push(StreamEvent::RedactedReasoning { data });
        }
        "reasoning_signature" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            let signature =
                take_str(&mut obj, "signature").ok_or_else(|| bad("signature must be a string"))?;
            out.push(StreamEvent::ReasoningSignature { signature });
        }
        "file" => {
            let mut obj = object(value).ok_or_else(|| bad("expected an object"))?;
            let data = take_str(&mut obj, "data").ok_or_else(|| bad("data must be a string"))?;
            let media_type =
                take_str(&mut obj, "mimeType").ok_or_else(|| bad("mimeType must be a string"))?;
            // The same shape v5+ uses, so the UI handles one kind of file.
            let url = format!("data:{media_type};base64,{data}");
            out.push(StreamEvent::File { url, media_type });
        }
        _ => return Err(bad("unknown part type")),
    }
    Ok(())
}

fn parse_string(payload: &str, kind: &str) -> Result<String, DecodeError> {
    if let Some(plain) = plain_json_string(payload) {
        return Ok(plain.to_owned());
    }
    let wrong_type = || DecodeError::InvalidPayload {
        kind: kind.to_owned(),
        reason: "expected a string".to_owned(),
    };
    // Into a `Value`, not a `String`: serde's typed `String` reports a wrong type through
    // `Unexpected`, whose float formatting links core's whole f64 formatter into the wasm.
    match serde_json::from_str::<Value>(payload) {
        Ok(Value::String(s)) => Ok(s),
        Ok(_) => Err(wrong_type()),
        // The `String` parser stopped at an opening bracket and called it the wrong type; a
        // `Value` parses on and can fail where skipping does not (numbers beyond f64, nesting
        // deeper than 128), so an array or object is judged as before: well-formed JSON of the
        // wrong type, or not JSON (only on this rare path).
        Err(_)
            if payload
                .trim_start_matches(JSON_WHITESPACE)
                .starts_with(['[', '{'])
                && serde_json::from_str::<serde::de::IgnoredAny>(payload).is_ok() =>
        {
            Err(wrong_type())
        }
        Err(e) => Err(DecodeError::InvalidJson(e.to_string())),
    }
}

/// What JSON counts as whitespace between tokens.
const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// The contents of a JSON string literal that needs no unescaping (the common token delta),
/// or `None` to leave it to the full parser. Sound because a literal without `\\`, `"` or
/// control characters inside its quotes is exactly its contents.
fn plain_json_string(payload: &str) -> Option<&str> {
    let inner = payload.strip_prefix('"')?.strip_suffix('"')?;
    let bytes = inner.as_bytes();
    if memchr::memchr2(b'"', b'\\', bytes).is_some() || bytes.iter().any(|&b| b < 0x20) {
        return None;
    }
    Some(inner)
}

fn object(value: Value) -> Option<Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

fn take_str(obj: &mut Map<String, Value>, key: &str) -> Option<String> {
    match obj.remove(key) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn usage(value: Option<&Value>) -> Option<Usage> {
    let obj = value?.as_object()?;
    Some(Usage {
        prompt_tokens: obj.get("promptTokens").and_then(Value::as_u64),
        completion_tokens: obj.get("completionTokens").and_then(Value::as_u64),
    })
}

fn malformed(line: &str, error: DecodeError) -> StreamEvent {
    StreamEvent::Malformed {
        line: line.to_owned(),
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(line: &str) -> DecodeError {
        let mut out = Vec::new();
        decode_line(line.as_bytes(), &mut out);
        match out.pop() {
            Some(StreamEvent::Malformed { error, .. }) if out.is_empty() => error,
            other => panic!("{line}: {other:?} after {out:?}"),
        }
    }

    #[test]
    fn text_of_the_wrong_type_is_told_from_invalid_json() {
        let wrong_type = DecodeError::InvalidPayload {
            kind: "text".into(),
            reason: "expected a string".into(),
        };
        // Nested deeper than serde_json's value limit: still well-formed JSON.
        let deep = format!("0:{}{}", "[".repeat(200), "]".repeat(200));
        for line in ["0:5", "0:null", "0:{}", "0: [1e400]", &deep] {
            assert_eq!(error(line), wrong_type, "{line}");
        }
        for line in ["0:1e400", "0:[1] x", "0:\"a\\q\"", "0:\"a", "0:"] {
            assert!(matches!(error(line), DecodeError::InvalidJson(_)), "{line}");
        }
    }
}
