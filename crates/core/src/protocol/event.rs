//! The typed events the stream decoder produces, and the one error type of the protocol layer.
//!
//! Pure data: depends on `serde_json` and `thiserror` only, never on anything of the browser.
//! Every wire format (v4 data stream, v5+ UI message stream, the seed docs' lines, plain text)
//! maps onto these same events, so the widget renders one vocabulary.

use serde_json::Value;

/// Token usage reported by v4 `d:`/`e:` parts. A count that is not a non-negative integer
/// (the AI SDK turns those into `NaN`) is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
}

/// One thing the chat UI may react to. Text is never merged or split differently depending on
/// how the network chunked the body, except in [`super::Format::PlainText`], where the body has
/// no framing and deltas follow the chunks (only the concatenation is meaningful there).
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// v5+ `start`: an assistant message begins (server message id, if any).
    MessageStart { id: Option<String> },
    /// v5+ `text-start`: text part `id` opens.
    TextStart { id: String },
    /// Text to append: v4 `0:`, seed `text`, v5+ `text-delta` (keyed by part id), or a plain
    /// text chunk. `id` is `None` where the format has no part ids; there a new part begins
    /// after a [`StreamEvent::StepFinish`] whose `is_continued` is false.
    TextDelta { id: Option<String>, delta: String },
    /// v5+ `text-end`: text part `id` is complete.
    TextEnd { id: String },
    /// v5+ `reasoning-start`.
    ReasoningStart { id: String },
    /// Reasoning text to append: v4 `g:`, v5+ `reasoning-delta` (and early 5.0 `reasoning`).
    ReasoningDelta { id: Option<String>, delta: String },
    /// v5+ `reasoning-end`.
    ReasoningEnd { id: String },
    /// v4 `i:`: a redacted reasoning block.
    RedactedReasoning { data: String },
    /// v4 `j:`: signature of the current reasoning block.
    ReasoningSignature { signature: String },
    /// A tool call starts streaming its arguments (v4 `b:`, v5+ `tool-input-start`).
    ToolCallStarted { id: String, name: String },
    /// A piece of the arguments' JSON text (v4 `c:`, v5+ `tool-input-delta`).
    ToolCallDelta { id: String, delta: String },
    /// A complete tool call (v4 `9:`, v5+ `tool-input-available`).
    ToolCall {
        id: String,
        name: String,
        args: Value,
    },
    /// A tool result (v4 `a:`, v5+ `tool-output-available`; `preliminary` = streaming result).
    ToolResult {
        id: String,
        result: Value,
        preliminary: bool,
    },
    /// A tool failed or got invalid input (v5+ `tool-output-error`, `tool-input-error`).
    ToolError {
        id: String,
        name: Option<String>,
        message: String,
    },
    /// v5+ `tool-output-denied`: the user refused a tool call.
    ToolDenied { id: String },
    /// v6+ `tool-approval-request`.
    ToolApprovalRequest {
        approval_id: String,
        tool_call_id: String,
    },
    /// v7+ `tool-approval-response`.
    ToolApprovalResponse {
        approval_id: String,
        approved: bool,
        reason: Option<String>,
    },
    /// A citation (v4 `h:`, v5+ `source-url` and `source-document`).
    Source {
        id: Option<String>,
        url: Option<String>,
        title: Option<String>,
    },
    /// A file (v4 `k:` becomes a `data:` URL; v5+ `file` and v7 `reasoning-file`).
    File { url: String, media_type: String },
    /// v4 `8:` / seed `messageAnnotation`: annotations appended to the message. Helper sends
    /// `[{"id":"48213"}]` here: see [`StreamEvent::saved_message_id`].
    Annotations(Vec<Value>),
    /// v5+ `message-metadata` (also the `messageMetadata` of `start` and `finish`).
    MessageMetadata(Value),
    /// App data: v4 `2:` (an array, `name` None) or v5+ `data-<name>`.
    Data {
        name: Option<String>,
        id: Option<String>,
        data: Value,
        transient: bool,
    },
    /// A step begins (v4 `f:` with its message id, v5+ `start-step`).
    StepStart { message_id: Option<String> },
    /// A step ends (v4 `e:`, v5+ `finish-step`).
    StepFinish {
        reason: Option<String>,
        usage: Option<Usage>,
        is_continued: bool,
    },
    /// v7 `reset-step`: drop the parts received since the last step start (a retry).
    StepReset,
    /// The message is complete (v4 `d:`, v5+ `finish`). Helper sends sources and the saved id
    /// *after* this, so keep reading until the body ends.
    Finish {
        reason: Option<String>,
        usage: Option<Usage>,
    },
    /// v5+ `abort`: the server aborted the stream.
    Abort { reason: Option<String> },
    /// v7 `custom`: a provider-specific part, passed through.
    Custom { kind: String, value: Value },
    /// An error part (v4 `3:`, v5+/seed `error`). The turn has failed; text received so far is
    /// kept by the UI.
    Error { message: String },
    /// A well-formed part of a code or type this decoder does not know (a newer server).
    Unknown { kind: String, raw: String },
    /// Input that could not be decoded: the offending line (or SSE event data) and why.
    Malformed { line: String, error: DecodeError },
}

impl StreamEvent {
    /// Helper's saved message id, if this event carries it: an `Annotations` element, or
    /// `MessageMetadata`, that is an object with `id` as a string or a number.
    pub fn saved_message_id(&self) -> Option<String> {
        match self {
            StreamEvent::Annotations(values) => values.iter().rev().find_map(saved_message_id),
            StreamEvent::MessageMetadata(value) => saved_message_id(value),
            _ => None,
        }
    }

    /// True for events that end the turn as a failure.
    pub fn is_error(&self) -> bool {
        matches!(self, StreamEvent::Error { .. })
    }
}

/// The `id` of one annotation object (`{"id":"48213"}` or `{"id":48213}`), as a string.
pub fn saved_message_id(value: &Value) -> Option<String> {
    match value.get("id")? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Why a line or event could not be decoded. Carried by [`StreamEvent::Malformed`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A v4 line without the `:` between code and payload.
    #[error("no separator found")]
    NoSeparator,
    /// A v4 line whose code is not a single known character (the SDK's "Invalid code").
    #[error("invalid code \"{0}\"")]
    InvalidCode(String),
    /// The payload is not valid JSON (message from the JSON parser).
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    /// Valid JSON of the wrong shape for its code or chunk type.
    #[error("invalid {kind} payload: {reason}")]
    InvalidPayload { kind: String, reason: String },
    /// An SSE line whose field is not `data`, `event`, `id` or `retry` (WHATWG ignores it).
    #[error("unknown SSE field \"{0}\"")]
    UnknownSseField(String),
    /// The body ended inside an SSE event whose data is not complete JSON.
    #[error("stream ended inside an event")]
    Truncated,
    /// A line (or an SSE event's data) longer than the decoder keeps was dropped.
    #[error("a line over 8 MB was dropped")]
    LineTooLong,
}
