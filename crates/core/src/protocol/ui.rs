//! JSON chunks carried by SSE events: the v5+ UI message stream (`{"type":"text-delta",…}`, every
//! type up to ai 7) and the seed docs' v4-style `{"type":"text","value":…}` objects.
//!
//! One event's data in, events out. Depends on `serde`/`serde_json` only. Like the AI SDK it
//! accepts extra fields; unlike it, an unknown `type` is reported as
//! [`StreamEvent::Unknown`] and reading goes on, and a delta for a part that was never started
//! is passed on (a support widget would rather show the text than fail the reply).
//!
//! A chunk is read by a hand-written serde visitor ([`Chunk`]'s `Deserialize`), not a derived
//! one: serde's typed deserializers report a wrong type through `Unexpected`, whose float
//! formatting links core's whole `f64` formatter into the wasm (about 10 KB gzipped). The
//! visitor keeps the derive's rules: unknown fields are skipped unparsed, a known field given
//! twice is an error, `null` counts as absent (except for `type`), and a field of the wrong type
//! is rejected whatever the chunk type, now with a reason that names the field. (One rule is
//! dropped: the derive also read a JSON array as the fields in order.)

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::event::{DecodeError, StreamEvent};
use super::v4;

/// Every field any chunk type uses; unknown fields are skipped, so newer servers' additions
/// pass. Parsing straight into this (instead of a `Value` tree) is the fast path.
#[derive(Default)]
struct Chunk<'a> {
    chunk_type: Cow<'a, str>,
    id: Option<String>,
    delta: Option<String>,
    /// Seed / v4-parsed shape.
    value: Option<Value>,
    message_id: Option<String>,
    message_metadata: Option<Value>,
    tool_call_id: Option<String>,
    tool_name: Option<String>,
    /// `Null` when absent.
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

/// Declares [`Field`]: the [`Chunk`] fields, each with its name on the wire (one list, so a
/// name and its field cannot drift apart).
macro_rules! fields {
    ($($field:ident = $name:literal,)*) => {
        #[derive(Clone, Copy)]
        enum Field {
            $($field,)*
        }

        impl Field {
            /// How many there are.
            const COUNT: u32 = [$(Field::$field),*].len() as u32;

            fn from_name(name: &str) -> Option<Field> {
                match name {
                    $($name => Some(Field::$field),)*
                    _ => None,
                }
            }

            fn name(self) -> &'static str {
                match self {
                    $(Field::$field => $name,)*
                }
            }
        }
    };
}

fields! {
    Type = "type",
    Id = "id",
    Delta = "delta",
    Value = "value",
    MessageId = "messageId",
    MessageMetadata = "messageMetadata",
    ToolCallId = "toolCallId",
    ToolName = "toolName",
    Input = "input",
    InputTextDelta = "inputTextDelta",
    Output = "output",
    ErrorText = "errorText",
    Preliminary = "preliminary",
    SourceId = "sourceId",
    Url = "url",
    Title = "title",
    MediaType = "mediaType",
    FinishReason = "finishReason",
    Data = "data",
    Transient = "transient",
    Reason = "reason",
    ApprovalId = "approvalId",
    Approved = "approved",
    Kind = "kind",
    Text = "text",
}

// Each field has a bit in a `u32` (see `Field::bit`).
const _: () = assert!(Field::COUNT <= u32::BITS);

impl Field {
    /// This field's bit in the set of fields seen so far.
    fn bit(self) -> u32 {
        1 << self as u32
    }
}

impl<'de> Deserialize<'de> for Chunk<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `deserialize_any`, not `deserialize_map`: serde_json's typed entry points build an
        // `Unexpected` for the wrong type; here `ChunkVisitor` names the type itself.
        deserializer.deserialize_any(ChunkVisitor)
    }
}

/// Reads the chunk object. Every other JSON type is rejected; each `visit_*` that
/// `deserialize_any` can call is written out, because serde's defaults would build an
/// `Unexpected` (see the module docs).
struct ChunkVisitor;

impl ChunkVisitor {
    fn not_object<E: de::Error>(got: &str) -> E {
        E::custom(format_args!("a chunk must be an object, not {got}"))
    }
}

impl<'de> Visitor<'de> for ChunkVisitor {
    type Value = Chunk<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a chunk object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Chunk<'de>, A::Error> {
        let mut c = Chunk::default();
        let mut seen = 0u32;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let Some(field) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if seen & field.bit() != 0 {
                return Err(de::Error::duplicate_field(field.name()));
            }
            seen |= field.bit();
            match field {
                Field::Type => match map.next_value_seed(Scalar::string(field))? {
                    Read::Str(s) => c.chunk_type = s,
                    _ => return Err(wrong_type(field, Want::Str, "null")),
                },
                Field::Id => c.id = string(&mut map, field)?,
                Field::Delta => c.delta = string(&mut map, field)?,
                Field::Value => c.value = json(&mut map)?,
                Field::MessageId => c.message_id = string(&mut map, field)?,
                Field::MessageMetadata => c.message_metadata = json(&mut map)?,
                Field::ToolCallId => c.tool_call_id = string(&mut map, field)?,
                Field::ToolName => c.tool_name = string(&mut map, field)?,
                Field::Input => c.input = map.next_value()?,
                Field::InputTextDelta => c.input_text_delta = string(&mut map, field)?,
                Field::Output => c.output = json(&mut map)?,
                Field::ErrorText => c.error_text = string(&mut map, field)?,
                Field::Preliminary => c.preliminary = boolean(&mut map, field)?,
                Field::SourceId => c.source_id = string(&mut map, field)?,
                Field::Url => c.url = string(&mut map, field)?,
                Field::Title => c.title = string(&mut map, field)?,
                Field::MediaType => c.media_type = string(&mut map, field)?,
                Field::FinishReason => c.finish_reason = string(&mut map, field)?,
                Field::Data => c.data = json(&mut map)?,
                Field::Transient => c.transient = boolean(&mut map, field)?,
                Field::Reason => c.reason = string(&mut map, field)?,
                Field::ApprovalId => c.approval_id = string(&mut map, field)?,
                Field::Approved => c.approved = boolean(&mut map, field)?,
                Field::Kind => c.kind = string(&mut map, field)?,
                Field::Text => c.text = string(&mut map, field)?,
            }
        }
        if seen & Field::Type.bit() == 0 {
            return Err(de::Error::missing_field(Field::Type.name()));
        }
        Ok(c)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Chunk<'de>, E> {
        Err(Self::not_object("null"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Chunk<'de>, E> {
        Err(Self::not_object("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Chunk<'de>, E> {
        Err(Self::not_object("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Chunk<'de>, E> {
        Err(Self::not_object("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Chunk<'de>, E> {
        Err(Self::not_object("a number"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Chunk<'de>, E> {
        Err(Self::not_object("a string"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Chunk<'de>, A::Error> {
        Err(Self::not_object("an array"))
    }
}

/// A map key: the [`Field`] it names, or `None` for a field the decoder does not read.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Option<Field>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Option<Field>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    // JSON keys are always strings, so serde_json calls only this (borrowed strings come here
    // through the default `visit_borrowed_str`).
    fn visit_str<E: de::Error>(self, name: &str) -> Result<Option<Field>, E> {
        Ok(Field::from_name(name))
    }
}

/// The JSON type a string or boolean field must have.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Str,
    Bool,
}

impl Want {
    fn describe(self) -> &'static str {
        match self {
            Want::Str => "a string",
            Want::Bool => "a boolean",
        }
    }
}

/// What a string or boolean field held; `null` is [`Read::Null`].
enum Read<'de> {
    Null,
    Str(Cow<'de, str>),
    Bool(bool),
}

/// Reads one string or boolean field. Like the derive's `Option<String>` it stops at the first
/// token of any other type (an array's contents are not parsed), so what is reported for bad
/// input is unchanged; only the reason names the field.
#[derive(Clone, Copy)]
struct Scalar {
    field: Field,
    want: Want,
}

impl Scalar {
    fn string(field: Field) -> Scalar {
        Scalar {
            field,
            want: Want::Str,
        }
    }

    fn boolean(field: Field) -> Scalar {
        Scalar {
            field,
            want: Want::Bool,
        }
    }

    fn wrong<E: de::Error>(self, got: &str) -> E {
        wrong_type(self.field, self.want, got)
    }
}

fn wrong_type<E: de::Error>(field: Field, want: Want, got: &str) -> E {
    E::custom(format_args!(
        "{} must be {}, not {got}",
        field.name(),
        want.describe()
    ))
}

impl<'de> DeserializeSeed<'de> for Scalar {
    type Value = Read<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Read<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// Every `visit_*` that serde_json's `deserialize_any` can call is written out (see
/// [`ChunkVisitor`]).
impl<'de> Visitor<'de> for Scalar {
    type Value = Read<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.want.describe())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Read<'de>, E> {
        Ok(Read::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Read<'de>, E> {
        match self.want {
            Want::Bool => Ok(Read::Bool(v)),
            Want::Str => Err(self.wrong("a boolean")),
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Read<'de>, E> {
        match self.want {
            Want::Str => Ok(Read::Str(Cow::Borrowed(v))),
            Want::Bool => Err(self.wrong("a string")),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Read<'de>, E> {
        match self.want {
            Want::Str => Ok(Read::Str(Cow::Owned(v.to_owned()))),
            Want::Bool => Err(self.wrong("a string")),
        }
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Read<'de>, E> {
        Err(self.wrong("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Read<'de>, E> {
        Err(self.wrong("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Read<'de>, E> {
        Err(self.wrong("a number"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Read<'de>, A::Error> {
        Err(self.wrong("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Read<'de>, A::Error> {
        Err(self.wrong("an object"))
    }
}

/// The next value as an optional string (`null` is `None`).
fn string<'de, A: MapAccess<'de>>(map: &mut A, field: Field) -> Result<Option<String>, A::Error> {
    Ok(match map.next_value_seed(Scalar::string(field))? {
        Read::Str(s) => Some(s.into_owned()),
        _ => None,
    })
}

/// The next value as an optional boolean (`null` is `None`).
fn boolean<'de, A: MapAccess<'de>>(map: &mut A, field: Field) -> Result<Option<bool>, A::Error> {
    Ok(match map.next_value_seed(Scalar::boolean(field))? {
        Read::Bool(b) => Some(b),
        _ => None,
    })
}

/// The next value as any JSON (`null` is `None`, as it was for the derive's `Option<Value>`).
fn json<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Value>, A::Error> {
    Ok(match map.next_value()? {
        Value::Null => None,
        value => Some(value),
    })
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
            // A wrong type is reported where it is met, before a syntax error further on; tell
            // "valid JSON of the wrong shape" from "not JSON", and give the latter the parser's
            // own reason (only on this rare path).
            let error = if !e.is_data() {
                DecodeError::InvalidJson(e.to_string())
            } else if let Err(syntax) = serde_json::from_str::<IgnoredAny>(trimmed) {
                DecodeError::InvalidJson(syntax.to_string())
            } else {
                DecodeError::InvalidPayload {
                    kind: "chunk".to_owned(),
                    reason: e.to_string(),
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(data: &str) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        decode_event(data, &mut out);
        out
    }

    /// The `InvalidPayload` reason of the one event `data` gives, for chunk-level rejections.
    fn chunk_rejection(data: &str) -> String {
        match &decode(data)[..] {
            [StreamEvent::Malformed {
                error: DecodeError::InvalidPayload { kind, reason },
                ..
            }] if kind == "chunk" => reason.clone(),
            other => panic!("{data}: {other:?}"),
        }
    }

    #[test]
    fn a_field_of_the_wrong_type_is_rejected_whatever_the_chunk_type() {
        let reason = chunk_rejection(r#"{"type":"start","delta":5}"#);
        assert!(
            reason.starts_with("delta must be a string, not a number"),
            "{reason}"
        );
        let reason = chunk_rejection(r#"{"type":"start","approved":"yes"}"#);
        assert!(
            reason.starts_with("approved must be a boolean, not a string"),
            "{reason}"
        );
        let reason = chunk_rejection(r#"{"type":null}"#);
        assert!(
            reason.starts_with("type must be a string, not null"),
            "{reason}"
        );
        let reason = chunk_rejection(r#"{"delta":"x"}"#);
        assert!(reason.starts_with("missing field `type`"), "{reason}");
        let reason = chunk_rejection("42");
        assert!(
            reason.starts_with("a chunk must be an object, not a number"),
            "{reason}"
        );
    }

    #[test]
    fn null_counts_as_absent() {
        assert_eq!(
            decode(r#"{"type":"start","messageId":null,"messageMetadata":null}"#),
            vec![StreamEvent::MessageStart { id: None }]
        );
        assert_eq!(
            decode(r#"{"type":"text-delta","delta":null}"#),
            vec![StreamEvent::Malformed {
                line: r#"{"type":"text-delta","delta":null}"#.into(),
                error: DecodeError::InvalidPayload {
                    kind: "text-delta".into(),
                    reason: "delta must be a string".into()
                }
            }]
        );
    }

    #[test]
    fn a_known_field_twice_is_rejected_an_unknown_one_is_not() {
        let reason = chunk_rejection(r#"{"type":"text-delta","delta":"a","delta":"b"}"#);
        assert!(reason.starts_with("duplicate field `delta`"), "{reason}");
        assert_eq!(
            decode(r#"{"type":"text-delta","x":1,"x":2,"delta":"a"}"#),
            vec![StreamEvent::TextDelta {
                id: None,
                delta: "a".into()
            }]
        );
    }

    #[test]
    fn unknown_fields_are_skipped_unparsed_and_keys_are_unescaped() {
        // Out of f64's range and deeper than serde_json's value limit: fine when skipped.
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let data = format!(r#"{{"type":"text-delta","del\u0074a":"a","x":1e400,"y":{deep}}}"#);
        assert_eq!(
            decode(&data),
            vec![StreamEvent::TextDelta {
                id: None,
                delta: "a".into()
            }]
        );
    }

    #[test]
    fn wrong_shape_and_invalid_json_are_told_apart() {
        // A string field holding an array is the wrong type, whatever the array holds.
        let reason = chunk_rejection(r#"{"type":"text-delta","delta":[1e400]}"#);
        assert!(
            reason.starts_with("delta must be a string, not an array"),
            "{reason}"
        );
        // Not JSON: the parser's own reason, not the wrong type met before it.
        match &decode(r#"{"type":5,"#)[..] {
            [StreamEvent::Malformed {
                error: DecodeError::InvalidJson(reason),
                ..
            }] => assert!(reason.starts_with("EOF while parsing"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }
}
