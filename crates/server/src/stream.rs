//! Reply parts, their byte encodings in the three stream formats, and paced delivery.
//!
//! Knows nothing of HTTP routes, sessions or the store: it turns a list of [`Part`]s into a
//! timed sequence of byte chunks and then into a response body. Faults that act on bytes
//! (drop after N bytes) are applied here; faults that change the parts are applied by the caller.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;
use std::time::Duration;

/// Wire format of `POST /api/chat`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// AI SDK v4 data stream (`CODE:JSON\n`), what Helper sends.
    #[default]
    V4,
    /// AI SDK v5+ UI message stream (SSE `data: {"type":"text-delta",…}`).
    V5,
    /// The seed docs' `data: {"type":"text","value":…}` lines, one per part, no blank lines.
    Seed,
}

/// How the encoded bytes are cut into writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Chunking {
    /// One write per part (one text token per write).
    #[default]
    Token,
    /// One write per byte: exercises split JSON and split UTF-8 in the reader.
    Byte,
    /// The whole reply in one write, sent at once.
    Whole,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <Self as clap::ValueEnum>::from_str(s, true)
    }
}

impl std::str::FromStr for Chunking {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <Self as clap::ValueEnum>::from_str(s, true)
    }
}

/// Token usage as the AI SDK reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub prompt: u64,
    pub completion: u64,
}

/// One logical piece of a reply, in Helper's (v4) vocabulary.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    StartStep {
        message_id: String,
    },
    ToolCall {
        id: String,
        name: String,
        args: Value,
    },
    FinishStep {
        reason: &'static str,
        usage: Usage,
    },
    Text(String),
    Finish {
        reason: &'static str,
        usage: Usage,
    },
    Source {
        id: String,
        url: String,
        title: String,
    },
    Annotation(Vec<Value>),
    Error(String),
}

impl Part {
    fn is_text(&self) -> bool {
        matches!(self, Part::Text(_))
    }
}

/// Response headers for a format (CORS is added by the CORS layer).
pub fn headers(format: Format) -> &'static [(&'static str, &'static str)] {
    match format {
        Format::V4 => &[
            ("content-type", "text/plain; charset=utf-8"),
            ("x-vercel-ai-data-stream", "v1"),
        ],
        Format::V5 => &[
            ("content-type", "text/event-stream"),
            ("cache-control", "no-cache"),
            ("x-vercel-ai-ui-message-stream", "v1"),
            ("x-accel-buffering", "no"),
        ],
        Format::Seed => &[
            ("content-type", "text/event-stream"),
            ("cache-control", "no-cache"),
        ],
    }
}

// Payload structs rather than `json!`: serde_json's map sorts keys, and the bytes should match
// Helper's `JSON.stringify` field order.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UsageJson {
    prompt_tokens: u64,
    completion_tokens: u64,
}

impl From<Usage> for UsageJson {
    fn from(u: Usage) -> Self {
        UsageJson {
            prompt_tokens: u.prompt,
            completion_tokens: u.completion,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StartStepJson<'a> {
    message_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ToolCallJson<'a> {
    tool_call_id: &'a str,
    tool_name: &'a str,
    args: &'a Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FinishStepJson {
    finish_reason: &'static str,
    usage: UsageJson,
    is_continued: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FinishJson {
    finish_reason: &'static str,
    usage: UsageJson,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SourceJson<'a> {
    source_type: &'static str,
    id: &'a str,
    url: &'a str,
    title: &'a str,
}

/// One v5+ UI message chunk; the internal tag puts `type` first, as the AI SDK does.
#[derive(Serialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
enum UiChunk<'a> {
    Start {
        #[serde(skip_serializing_if = "Option::is_none")]
        message_id: Option<&'a str>,
    },
    StartStep,
    FinishStep,
    TextStart {
        id: &'a str,
    },
    TextDelta {
        id: &'a str,
        delta: &'a str,
    },
    TextEnd {
        id: &'a str,
    },
    ToolInputAvailable {
        tool_call_id: &'a str,
        tool_name: &'a str,
        input: &'a Value,
    },
    SourceUrl {
        source_id: &'a str,
        url: &'a str,
        title: &'a str,
    },
    MessageMetadata {
        message_metadata: Value,
    },
    Error {
        error_text: &'a str,
    },
    Finish {
        finish_reason: &'static str,
    },
}

/// The seed docs' line: `{"type":…,"value":…}`.
#[derive(Serialize)]
struct SeedLine<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    value: T,
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Serializing these plain structs cannot fail (no maps with non-string keys).
    serde_json::to_string(value).unwrap_or_default()
}

fn sse(chunk: &UiChunk<'_>) -> String {
    format!("data: {}\n\n", to_json(chunk))
}

/// Stateful encoder: v5 needs to open and close text parts and to end with `finish`/`[DONE]`.
#[derive(Debug)]
pub struct Encoder {
    format: Format,
    started: bool,
    text_open: Option<String>,
    texts: u32,
    finish_reason: &'static str,
}

impl Encoder {
    pub fn new(format: Format) -> Self {
        Encoder {
            format,
            started: false,
            text_open: None,
            texts: 0,
            finish_reason: "stop",
        }
    }

    /// The bytes for one part (possibly empty: not every part exists in every format).
    pub fn part(&mut self, part: &Part) -> String {
        match self.format {
            Format::V4 => v4(part),
            Format::Seed => seed(part),
            Format::V5 => self.v5(part),
        }
    }

    /// Bytes that close the stream.
    pub fn end(&mut self) -> String {
        if self.format != Format::V5 {
            return String::new();
        }
        let mut out = self.start_if_needed(None);
        out += &self.close_text();
        out += &sse(&UiChunk::Finish {
            finish_reason: self.finish_reason,
        });
        out += "data: [DONE]\n\n";
        out
    }

    fn start_if_needed(&mut self, message_id: Option<&str>) -> String {
        if std::mem::replace(&mut self.started, true) {
            String::new()
        } else {
            sse(&UiChunk::Start { message_id })
        }
    }

    fn close_text(&mut self) -> String {
        self.text_open
            .take()
            .map(|id| sse(&UiChunk::TextEnd { id: &id }))
            .unwrap_or_default()
    }

    fn v5(&mut self, part: &Part) -> String {
        match part {
            Part::StartStep { message_id } => {
                self.start_if_needed(Some(message_id)) + &sse(&UiChunk::StartStep)
            }
            Part::ToolCall { id, name, args } => {
                self.start_if_needed(None)
                    + &sse(&UiChunk::ToolInputAvailable {
                        tool_call_id: id,
                        tool_name: name,
                        input: args,
                    })
            }
            Part::FinishStep { .. } => self.close_text() + &sse(&UiChunk::FinishStep),
            Part::Text(t) => {
                let mut out = self.start_if_needed(None);
                let id = match &self.text_open {
                    Some(id) => id.clone(),
                    None => {
                        self.texts += 1;
                        let id = format!("text-{}", self.texts);
                        out += &sse(&UiChunk::TextStart { id: &id });
                        self.text_open = Some(id.clone());
                        id
                    }
                };
                out + &sse(&UiChunk::TextDelta { id: &id, delta: t })
            }
            Part::Finish { reason, .. } => {
                // v5 ends with `finish`; it is written by `end` so sources and metadata, which
                // Helper writes after `d:`, still come before it.
                self.finish_reason = reason;
                self.close_text()
            }
            Part::Source { id, url, title } => {
                self.start_if_needed(None)
                    + &sse(&UiChunk::SourceUrl {
                        source_id: id,
                        url,
                        title,
                    })
            }
            Part::Annotation(values) => {
                let mut merged = serde_json::Map::new();
                for v in values {
                    if let Value::Object(o) = v {
                        merged.extend(o.clone());
                    }
                }
                self.start_if_needed(None)
                    + &sse(&UiChunk::MessageMetadata {
                        message_metadata: Value::Object(merged),
                    })
            }
            Part::Error(text) => {
                self.finish_reason = "error";
                self.start_if_needed(None)
                    + &self.close_text()
                    + &sse(&UiChunk::Error { error_text: text })
            }
        }
    }
}

fn v4(part: &Part) -> String {
    let (code, value) = match part {
        Part::StartStep { message_id } => ('f', to_json(&StartStepJson { message_id })),
        Part::ToolCall { id, name, args } => (
            '9',
            to_json(&ToolCallJson {
                tool_call_id: id,
                tool_name: name,
                args,
            }),
        ),
        Part::FinishStep { reason, usage } => (
            'e',
            to_json(&FinishStepJson {
                finish_reason: reason,
                usage: (*usage).into(),
                is_continued: false,
            }),
        ),
        Part::Text(t) => ('0', to_json(t)),
        Part::Finish { reason, usage } => (
            'd',
            to_json(&FinishJson {
                finish_reason: reason,
                usage: (*usage).into(),
            }),
        ),
        Part::Source { id, url, title } => (
            'h',
            to_json(&SourceJson {
                source_type: "url",
                id,
                url,
                title,
            }),
        ),
        Part::Annotation(values) => ('8', to_json(values)),
        Part::Error(text) => ('3', to_json(text)),
    };
    format!("{code}:{value}\n")
}

fn seed(part: &Part) -> String {
    fn line<T: Serialize>(kind: &str, value: T) -> String {
        format!("data: {}\n", to_json(&SeedLine { kind, value }))
    }
    match part {
        Part::Text(t) => line("text", t),
        Part::ToolCall { id, name, args } => line(
            "tool_call",
            ToolCallJson {
                tool_call_id: id,
                tool_name: name,
                args,
            },
        ),
        Part::Source { id, url, title } => line(
            "source",
            SourceJson {
                source_type: "url",
                id,
                url,
                title,
            },
        ),
        // The seed docs show one object per `messageAnnotation` line, not an array.
        Part::Annotation(values) => values
            .iter()
            .map(|v| line("messageAnnotation", v))
            .collect(),
        Part::Error(text) => line("error", text),
        Part::StartStep { .. } | Part::FinishStep { .. } | Part::Finish { .. } => String::new(),
    }
}

/// Encodes a whole reply at once (used by tests and by `whole` chunking).
pub fn encode_all(format: Format, parts: &[Part]) -> String {
    let mut enc = Encoder::new(format);
    let mut out: String = parts.iter().map(|p| enc.part(p)).collect();
    out += &enc.end();
    out
}

/// Delivery settings for one reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub format: Format,
    pub chunking: Chunking,
    /// Pause before each text token.
    pub pace: Duration,
    /// Close the connection abruptly once this many body bytes are sent.
    pub drop_after: Option<usize>,
    /// Re-cut the reply's text into parts of this many characters (the last one may be
    /// shorter) instead of word tokens, so a benchmark controls the number of parts exactly.
    pub chunk_chars: Option<usize>,
}

/// One write: wait `delay`, then send `bytes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub delay: Duration,
    pub bytes: Bytes,
}

/// What a model "thinks" between a tool call and its first token, in tokens' worth of pace.
const TOOL_PAUSE_TOKENS: u32 = 8;

/// Turns parts into timed writes. Returns the writes and whether the connection is cut after
/// them (drop fault).
pub fn schedule(parts: &[Part], d: Delivery) -> (Vec<Chunk>, bool) {
    let recut;
    let parts = match d.chunk_chars {
        Some(n) if n > 0 => {
            recut = recut_text(parts, n);
            &recut[..]
        }
        _ => parts,
    };
    let mut enc = Encoder::new(d.format);
    let mut pieces: Vec<(Duration, String)> = Vec::new();
    let mut after_tool = false;
    for p in parts {
        let delay = if p.is_text() {
            // `pace` may be anything a caller chose; past `Duration::MAX` is forever anyway.
            let extra = if std::mem::take(&mut after_tool) {
                d.pace.saturating_mul(TOOL_PAUSE_TOKENS)
            } else {
                Duration::ZERO
            };
            d.pace.saturating_add(extra)
        } else {
            Duration::ZERO
        };
        if matches!(p, Part::ToolCall { .. }) {
            after_tool = true;
        }
        let s = enc.part(p);
        if !s.is_empty() {
            pieces.push((delay, s));
        }
    }
    let end = enc.end();
    if !end.is_empty() {
        pieces.push((Duration::ZERO, end));
    }

    let mut chunks: Vec<Chunk> = match d.chunking {
        Chunking::Whole => vec![Chunk {
            delay: Duration::ZERO,
            bytes: Bytes::from(pieces.into_iter().map(|(_, s)| s).collect::<String>()),
        }],
        Chunking::Token => pieces
            .into_iter()
            .map(|(delay, s)| Chunk {
                delay,
                bytes: Bytes::from(s),
            })
            .collect(),
        Chunking::Byte => pieces
            .into_iter()
            .flat_map(|(delay, s)| {
                let bytes = Bytes::from(s);
                (0..bytes.len())
                    .map(move |i| Chunk {
                        delay: if i == 0 { delay } else { Duration::ZERO },
                        bytes: bytes.slice(i..i + 1),
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
    };

    let Some(limit) = d.drop_after else {
        return (chunks, false);
    };
    let mut sent = 0usize;
    let mut kept = Vec::new();
    for mut c in chunks.drain(..) {
        if sent >= limit {
            break;
        }
        // `sent < limit` here, and `limit` may be `usize::MAX`: compare without adding.
        let room = limit.saturating_sub(sent);
        if c.bytes.len() > room {
            c.bytes = c.bytes.slice(..room);
        }
        sent = sent.saturating_add(c.bytes.len());
        kept.push(c);
    }
    (kept, true)
}

/// Joins each run of consecutive text parts and cuts it again into parts of `n` characters
/// (not bytes, so no part splits a UTF-8 sequence); other parts stay where they were.
fn recut_text(parts: &[Part], n: usize) -> Vec<Part> {
    fn flush(run: &mut String, n: usize, out: &mut Vec<Part>) {
        let chars: Vec<char> = run.chars().collect();
        out.extend(chars.chunks(n).map(|c| Part::Text(c.iter().collect())));
        run.clear();
    }
    let mut out = Vec::with_capacity(parts.len());
    let mut run = String::new();
    for p in parts {
        match p {
            Part::Text(t) => run.push_str(t),
            other => {
                flush(&mut run, n, &mut out);
                out.push(other.clone());
            }
        }
    }
    flush(&mut run, n, &mut out);
    out
}

/// The error a dropped stream ends with; hyper then closes the socket without the final chunk.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by fault injection")]
pub struct Dropped;

/// A response body that plays a schedule: sleeps, then writes, and yields to the executor
/// between writes so each one is flushed on its own rather than coalesced.
pub fn body(chunks: Vec<Chunk>, drop_at_end: bool) -> axum::body::Body {
    let state = (VecDeque::from(chunks), drop_at_end, true);
    let stream =
        futures_util::stream::unfold(state, |(mut queue, drop_at_end, first)| async move {
            match queue.pop_front() {
                Some(chunk) => {
                    if !chunk.delay.is_zero() {
                        tokio::time::sleep(chunk.delay).await;
                    } else if !first {
                        tokio::task::yield_now().await;
                    }
                    Some((
                        Ok::<Bytes, Dropped>(chunk.bytes),
                        (queue, drop_at_end, false),
                    ))
                }
                None if drop_at_end => {
                    // Give the last partial write a chance to leave before the socket is cut.
                    tokio::task::yield_now().await;
                    Some((Err(Dropped), (queue, false, false)))
                }
                None => None,
            }
        });
    axum::body::Body::from_stream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reply() -> Vec<Part> {
        let usage = Usage {
            prompt: 1,
            completion: 2,
        };
        vec![
            Part::StartStep {
                message_id: "msg-a".into(),
            },
            Part::Text("Hi".into()),
            Part::Text(" there".into()),
            Part::FinishStep {
                reason: "stop",
                usage,
            },
            Part::Finish {
                reason: "stop",
                usage,
            },
            Part::Annotation(vec![json!({ "id": "7" })]),
        ]
    }

    #[test]
    fn v5_opens_and_closes_text_and_ends_with_done() {
        let s = encode_all(Format::V5, &reply());
        let types: Vec<String> = s
            .split("\n\n")
            .filter(|l| !l.is_empty())
            .map(|l| {
                let data = l.trim_start_matches("data: ");
                serde_json::from_str::<Value>(data)
                    .map(|v| v["type"].as_str().unwrap_or("").to_string())
                    .unwrap_or_else(|_| data.to_string())
            })
            .collect();
        assert_eq!(
            types,
            [
                "start",
                "start-step",
                "text-start",
                "text-delta",
                "text-delta",
                "text-end",
                "finish-step",
                "message-metadata",
                "finish",
                "[DONE]"
            ]
        );
    }

    #[test]
    fn drop_after_cuts_exactly() {
        let d = Delivery {
            format: Format::V4,
            chunking: Chunking::Token,
            pace: Duration::ZERO,
            drop_after: Some(10),
            chunk_chars: None,
        };
        let (chunks, dropped) = schedule(&reply(), d);
        assert!(dropped);
        assert_eq!(chunks.iter().map(|c| c.bytes.len()).sum::<usize>(), 10);
    }

    #[test]
    fn any_pace_schedules_without_overflow() {
        let d = Delivery {
            format: Format::V4,
            chunking: Chunking::Token,
            pace: Duration::MAX,
            drop_after: Some(usize::MAX),
            chunk_chars: None,
        };
        let mut parts = reply();
        parts.insert(
            1,
            Part::ToolCall {
                id: "call_1".into(),
                name: "knowledge_base".into(),
                args: json!({}),
            },
        );
        let (chunks, _) = schedule(&parts, d);
        let first_text = chunks.iter().find(|c| !c.delay.is_zero());
        assert_eq!(first_text.map(|c| c.delay), Some(Duration::MAX));
    }

    #[test]
    fn byte_chunking_keeps_the_bytes() {
        let d = Delivery {
            format: Format::Seed,
            chunking: Chunking::Byte,
            pace: Duration::ZERO,
            drop_after: None,
            chunk_chars: None,
        };
        let (chunks, _) = schedule(&reply(), d);
        let all: Vec<u8> = chunks.iter().flat_map(|c| c.bytes.to_vec()).collect();
        assert!(chunks.iter().all(|c| c.bytes.len() == 1));
        assert_eq!(all, encode_all(Format::Seed, &reply()).into_bytes());
    }
}
