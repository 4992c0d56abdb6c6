//! Genuine byte fixtures produced by the real AI SDK (`fixtures/generate/gen.mjs`: ai@4.3.19
//! and ai@5). Each is decoded from its recorded headers, from its content type alone (the
//! cross-origin case) and by sniffing; all three must agree, must not depend on chunking, and
//! must match what the SDK's own client parser made of the same bytes (recorded beside them).

mod protocol_support;

use std::path::PathBuf;

use helper_widget_core::protocol::{Decoder, Format, StreamEvent};
use protocol_support::*;
use serde_json::Value;

const FIXTURES: [&str; 6] = [
    "v4_stream_text",
    "v4_error",
    "v4_all_codes",
    "v5_stream_text",
    "v5_error",
    "v5_all_chunks",
];

fn load(name: &str) -> (Vec<u8>, Value) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let bytes = std::fs::read(dir.join(format!("{name}.bin"))).expect("fixture bytes");
    let meta = std::fs::read_to_string(dir.join(format!("{name}.json"))).expect("fixture meta");
    (
        bytes,
        serde_json::from_str(&meta).expect("fixture meta JSON"),
    )
}

type Norm = (String, String);

fn n(label: &str, key: impl Into<String>) -> Norm {
    (label.to_owned(), key.into())
}

fn s(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn j(v: Option<&Value>) -> String {
    v.map(Value::to_string).unwrap_or_default()
}

/// The SDK's view (v4 parts or v5 chunks) reduced to (label, key) pairs.
fn normalize_sdk(format: &str, sdk: &[Value]) -> Vec<Norm> {
    let mut out = Vec::new();
    for part in sdk {
        if format == "v4" {
            let v = &part["value"];
            let t = part["type"].as_str().unwrap();
            out.push(match t {
                "text" => n("text", v.as_str().unwrap()),
                "reasoning" => n("reasoning", v.as_str().unwrap()),
                "reasoning_signature" => n("signature", s(v, "signature")),
                "redacted_reasoning" => n("redacted", s(v, "data")),
                "source" => n("source", s(v, "url")),
                "file" => n("file", s(v, "mimeType")),
                "data" => n("data", v.to_string()),
                "error" => n("error", v.as_str().unwrap()),
                "tool_call_streaming_start" => n("tool-start", s(v, "toolCallId")),
                "tool_call_delta" => n("tool-delta", s(v, "argsTextDelta")),
                "tool_call" => n(
                    "tool-call",
                    format!("{} {}", s(v, "toolCallId"), j(v.get("args"))),
                ),
                "tool_result" => n(
                    "tool-result",
                    format!("{} {}", s(v, "toolCallId"), j(v.get("result"))),
                ),
                "message_annotations" => n("annotations", v.to_string()),
                "finish_message" => n("finish", s(v, "finishReason")),
                "finish_step" => n("step-finish", s(v, "finishReason")),
                "start_step" => n("step-start", s(v, "messageId")),
                other => panic!("unexpected SDK part {other}"),
            });
            continue;
        }
        let c = part;
        let t = c["type"].as_str().unwrap();
        match t {
            "start" => {
                out.push(n("start", s(c, "messageId")));
                if let Some(m) = c.get("messageMetadata") {
                    out.push(n("metadata", m.to_string()));
                }
            }
            "finish" => {
                if let Some(m) = c.get("messageMetadata") {
                    out.push(n("metadata", m.to_string()));
                }
                out.push(n("finish", s(c, "finishReason")));
            }
            "start-step" => out.push(n("step-start", "")),
            "finish-step" => out.push(n("step-finish", "")),
            "text-start" => out.push(n("text-start", s(c, "id"))),
            "text-delta" => out.push(n("text", s(c, "delta"))),
            "text-end" => out.push(n("text-end", s(c, "id"))),
            "reasoning-start" => out.push(n("reasoning-start", s(c, "id"))),
            "reasoning-delta" => out.push(n("reasoning", s(c, "delta"))),
            "reasoning-end" => out.push(n("reasoning-end", s(c, "id"))),
            "tool-input-start" => out.push(n("tool-start", s(c, "toolCallId"))),
            "tool-input-delta" => out.push(n("tool-delta", s(c, "inputTextDelta"))),
            "tool-input-available" => out.push(n(
                "tool-call",
                format!("{} {}", s(c, "toolCallId"), j(c.get("input"))),
            )),
            "tool-output-available" => out.push(n(
                "tool-result",
                format!("{} {}", s(c, "toolCallId"), j(c.get("output"))),
            )),
            "tool-input-error" | "tool-output-error" => {
                out.push(n("tool-error", s(c, "errorText")))
            }
            "source-url" => out.push(n("source", s(c, "url"))),
            "source-document" => out.push(n("source", "")),
            "file" => out.push(n("file", s(c, "mediaType"))),
            "message-metadata" => out.push(n("metadata", j(c.get("messageMetadata")))),
            "error" => out.push(n("error", s(c, "errorText"))),
            t if t.starts_with("data-") => out.push(n("data", j(c.get("data")))),
            other => panic!("unexpected SDK chunk {other}"),
        }
    }
    out
}

fn normalize_events(events: &[StreamEvent]) -> Vec<Norm> {
    events
        .iter()
        .map(|e| match e {
            StreamEvent::MessageStart { id } => n("start", id.clone().unwrap_or_default()),
            StreamEvent::MessageMetadata(m) => n("metadata", m.to_string()),
            StreamEvent::TextStart { id } => n("text-start", id.clone()),
            StreamEvent::TextDelta { delta, .. } => n("text", delta.clone()),
            StreamEvent::TextEnd { id } => n("text-end", id.clone()),
            StreamEvent::ReasoningStart { id } => n("reasoning-start", id.clone()),
            StreamEvent::ReasoningDelta { delta, .. } => n("reasoning", delta.clone()),
            StreamEvent::ReasoningEnd { id } => n("reasoning-end", id.clone()),
            StreamEvent::ReasoningSignature { signature } => n("signature", signature.clone()),
            StreamEvent::RedactedReasoning { data } => n("redacted", data.clone()),
            StreamEvent::Source { url, .. } => n("source", url.clone().unwrap_or_default()),
            StreamEvent::File { media_type, .. } => n("file", media_type.clone()),
            StreamEvent::Data { data, .. } => n("data", data.to_string()),
            StreamEvent::Error { message } => n("error", message.clone()),
            StreamEvent::ToolCallStarted { id, .. } => n("tool-start", id.clone()),
            StreamEvent::ToolCallDelta { delta, .. } => n("tool-delta", delta.clone()),
            StreamEvent::ToolCall { id, args, .. } => n("tool-call", format!("{id} {args}")),
            StreamEvent::ToolResult { id, result, .. } => {
                n("tool-result", format!("{id} {result}"))
            }
            StreamEvent::ToolError { message, .. } => n("tool-error", message.clone()),
            StreamEvent::Annotations(a) => n("annotations", Value::Array(a.clone()).to_string()),
            StreamEvent::Finish { reason, .. } => n("finish", reason.clone().unwrap_or_default()),
            StreamEvent::StepFinish { reason, .. } => {
                n("step-finish", reason.clone().unwrap_or_default())
            }
            StreamEvent::StepStart { message_id } => {
                n("step-start", message_id.clone().unwrap_or_default())
            }
            other => panic!("unexpected event in a genuine fixture: {other:?}"),
        })
        .collect()
}

fn header<'a>(meta: &'a Value, name: &str) -> Option<&'a str> {
    meta["headers"].get(name).and_then(Value::as_str)
}

#[test]
fn genuine_fixtures_match_the_sdk_parsers_at_every_chunking() {
    for name in FIXTURES {
        let (bytes, meta) = load(name);
        let format = meta["format"].as_str().unwrap();
        let expected_format = if format == "v4" {
            Format::DataStreamV4
        } else {
            Format::UiMessageStream
        };
        let ct = header(&meta, "content-type");
        let (ds, ui) = (
            header(&meta, "x-vercel-ai-data-stream"),
            header(&meta, "x-vercel-ai-ui-message-stream"),
        );
        assert!(
            ds.is_some() || ui.is_some(),
            "{name}: marker header recorded"
        );

        let from_headers = || Decoder::from_headers(ct, ds, ui);
        let events = assert_chunking_invariant(&from_headers, &bytes);
        assert_eq!(
            decode(Decoder::from_headers(ct, None, None), &bytes),
            events,
            "{name}: content type only"
        );
        assert_eq!(
            assert_chunking_invariant(&Decoder::new, &bytes),
            events,
            "{name}: sniffed"
        );
        let mut d = Decoder::new();
        d.push(&bytes);
        assert_eq!(d.format(), Some(expected_format), "{name}");

        let sdk = meta["sdk"].as_array().unwrap();
        assert!(!sdk.is_empty());
        assert_eq!(
            normalize_events(&events),
            normalize_sdk(format, sdk),
            "{name}: decoder vs SDK parser"
        );
    }
}

#[test]
fn genuine_fixtures_text_and_saved_id() {
    let (bytes, _) = load("v4_all_codes");
    let events = decode(Decoder::new(), &bytes);
    assert_eq!(
        concat_text(&events),
        "Hello, \"world\"!\n\nÜber 👋 naïve\tdone \\ end"
    );
    let finish = events
        .iter()
        .position(|e| matches!(e, StreamEvent::Finish { .. }))
        .unwrap();
    let id = events[finish..]
        .iter()
        .find_map(StreamEvent::saved_message_id);
    assert_eq!(
        id.as_deref(),
        Some("48213"),
        "the saved id arrives after d: and is read"
    );
    assert!(events.last().unwrap().is_error());

    let (bytes, _) = load("v5_error");
    let events = decode(Decoder::new(), &bytes);
    assert_eq!(concat_text(&events), "Partial ");
    assert!(events.iter().any(StreamEvent::is_error));
}
