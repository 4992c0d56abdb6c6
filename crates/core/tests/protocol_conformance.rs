//! Conformance scenarios of the stream reference §B (B1 v4 parser, B2 part codec, B6 v5 chunk
//! rules, B7 SSE framing), plus the embed contract's seed-line rules and format detection.
//! Every scenario body is also checked at every split point and as one-byte chunks.

mod protocol_support;

use helper_widget_core::protocol::sse::{SseEvent, SseFramer};
use helper_widget_core::protocol::{DecodeError, Decoder, Format, StreamEvent, Usage};
use protocol_support::*;
use serde_json::json;

fn v4_inv(bytes: &[u8]) -> Vec<StreamEvent> {
    assert_chunking_invariant(&|| Decoder::with_format(Format::DataStreamV4), bytes)
}
fn sse_inv(bytes: &[u8]) -> Vec<StreamEvent> {
    assert_chunking_invariant(&|| Decoder::with_format(Format::UiMessageStream), bytes)
}
fn sniff_inv(bytes: &[u8]) -> Vec<StreamEvent> {
    assert_chunking_invariant(&Decoder::new, bytes)
}
fn is_malformed(e: &StreamEvent) -> bool {
    matches!(e, StreamEvent::Malformed { .. })
}

// ---------------------------------------------------------------- B1: v4 byte-level parser

#[test]
fn b1_1_single_text_part() {
    assert_eq!(v4_inv(b"0:\"Hello\"\n"), vec![text("Hello")]);
}

#[test]
fn b1_2_several_parts_in_one_chunk_in_order() {
    let events = v4_inv(b"0:\"Hello\"\n2:[1,2,3]\n3:\"error\"\n");
    assert_eq!(
        events,
        vec![
            text("Hello"),
            StreamEvent::Data {
                name: None,
                id: None,
                data: json!([1, 2, 3]),
                transient: false
            },
            StreamEvent::Error {
                message: "error".into()
            },
        ]
    );
}

#[test]
fn b1_3_split_inside_json() {
    let d = Decoder::with_format(Format::DataStreamV4);
    assert_eq!(
        decode_chunks(d, &[b"0:\"Hel", b"lo\"\n"]),
        vec![text("Hello")]
    );
}

#[test]
fn b1_4_split_at_newline() {
    let d = Decoder::with_format(Format::DataStreamV4);
    assert_eq!(
        decode_chunks(d, &[b"0:\"Hello\"\n", b"0:\"World\"\n"]),
        vec![text("Hello"), text("World")]
    );
}

#[test]
fn b1_5_split_inside_utf8_emoji() {
    let bytes = "0:\"Hello 👋\"\n".as_bytes();
    let cut = bytes.len() - 3;
    let d = Decoder::with_format(Format::DataStreamV4);
    assert_eq!(
        decode_chunks(d, &[&bytes[..cut], &bytes[cut..]]),
        vec![text("Hello 👋")]
    );
    v4_inv(bytes);
}

#[test]
fn b1_6_malformed_json_is_reported_and_reading_goes_on() {
    let events = v4_inv(b"0:{malformed]]\n0:\"after\"\n");
    assert_eq!(events.len(), 2);
    match &events[0] {
        StreamEvent::Malformed {
            line,
            error: DecodeError::InvalidJson(_),
        } => {
            assert_eq!(line, "0:{malformed]]")
        }
        other => panic!("expected malformed, got {other:?}"),
    }
    assert_eq!(events[1], text("after"));
}

#[test]
fn b1_7_invalid_code_is_reported() {
    let events = v4_inv(b"x:\"invalid\"\n");
    assert_eq!(
        events,
        vec![StreamEvent::Unknown {
            kind: "x".into(),
            raw: "\"invalid\"".into()
        }]
    );
}

#[test]
fn b1_8_empty_chunks_are_ignored() {
    let d = Decoder::with_format(Format::DataStreamV4);
    let events = decode_chunks(d, &[b"", b"0:\"He", b"", b"", b"llo\"\n", b""]);
    assert_eq!(events, vec![text("Hello")]);
}

#[test]
fn b1_9_one_mib_string_in_one_part() {
    let big = "x".repeat(1 << 20);
    let line = format!("0:{}\n", serde_json::to_string(&big).unwrap());
    let d = Decoder::with_format(Format::DataStreamV4);
    let chunks: Vec<&[u8]> = line.as_bytes().chunks(1000).collect();
    assert_eq!(decode_chunks(d, &chunks), vec![text(&big)]);
}

#[test]
fn b1_10_blank_line_between_parts() {
    assert_eq!(
        v4_inv(b"0:\"Hello\"\n\n0:\"World\"\n"),
        vec![text("Hello"), text("World")]
    );
}

#[test]
fn b1_11_hundred_chunks_in_order() {
    let mut d = Decoder::with_format(Format::DataStreamV4);
    let mut events = Vec::new();
    for i in 0..100 {
        events.extend(d.push(format!("0:\"{i}\"\n").as_bytes()));
    }
    events.extend(d.finish());
    let expected: Vec<_> = (0..100).map(|i| text(&i.to_string())).collect();
    assert_eq!(events, expected);
}

#[test]
fn b1_12_finish_after_normal_completion_is_clean() {
    let mut d = Decoder::with_format(Format::DataStreamV4);
    assert_eq!(d.push(b"0:\"a\"\n"), vec![text("a")]);
    assert!(d.finish().is_empty());
    assert!(d.finish().is_empty(), "a second finish yields nothing");
}

#[test]
fn b1_unterminated_last_line_is_still_parsed() {
    assert_eq!(v4_inv(b"0:\"a\"\n0:\"b\""), vec![text("a"), text("b")]);
}

#[test]
fn b1_crlf_line_endings() {
    assert_eq!(
        v4_inv(b"0:\"a\"\r\n0:\"b\"\r\n"),
        vec![text("a"), text("b")]
    );
}

// ---------------------------------------------------------------- B2: part codec

#[test]
fn b2_escaped_newlines_in_text_and_data() {
    assert_eq!(v4_inv(b"0:\"value\\nvalue\"\n"), vec![text("value\nvalue")]);
    let events = v4_inv(b"2:[\"a\\nb\"]\n");
    assert_eq!(
        events,
        vec![StreamEvent::Data {
            name: None,
            id: None,
            data: json!(["a\nb"]),
            transient: false
        }]
    );
}

#[test]
fn b2_parse_text_data_annotations() {
    let events = v4_inv(b"0:\"t\"\n2:[{\"k\":1}]\n8:[{\"id\":\"48213\"},{\"x\":2}]\n");
    assert_eq!(events[0], text("t"));
    assert_eq!(
        events[2],
        StreamEvent::Annotations(vec![json!({"id":"48213"}), json!({"x":2})])
    );
    assert_eq!(events[2].saved_message_id().as_deref(), Some("48213"));
}

#[test]
fn b2_rejects_no_colon_code_55_and_truncated_json() {
    let events = v4_inv(b"no separator\n55:\"x\"\n0:\"trunc\n");
    assert_eq!(events.len(), 3);
    assert!(matches!(
        &events[0],
        StreamEvent::Malformed {
            error: DecodeError::NoSeparator,
            ..
        }
    ));
    assert!(
        matches!(&events[1], StreamEvent::Malformed { error: DecodeError::InvalidCode(c), .. } if c == "55")
    );
    assert!(matches!(
        &events[2],
        StreamEvent::Malformed {
            error: DecodeError::InvalidJson(_),
            ..
        }
    ));
}

#[test]
fn b2_round_trip_every_code() {
    let body = concat!(
        "9:{\"toolCallId\":\"c1\",\"toolName\":\"kb\",\"args\":{\"q\":\"plan\"}}\n",
        "a:{\"toolCallId\":\"c1\",\"result\":{\"ok\":true}}\n",
        "b:{\"toolCallId\":\"c2\",\"toolName\":\"kb\"}\n",
        "c:{\"toolCallId\":\"c2\",\"argsTextDelta\":\"{\\\"q\\\":\"}\n",
        "d:{\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":3,\"completionTokens\":10}}\n",
        "e:{\"finishReason\":\"tool-calls\",\"usage\":{\"promptTokens\":1,\"completionTokens\":2},\"isContinued\":true}\n",
        "f:{\"messageId\":\"msg-0\"}\n",
        "g:\"thinking\"\n",
        "h:{\"sourceType\":\"url\",\"id\":\"1\",\"url\":\"https://e.com\",\"title\":\"E\"}\n",
        "i:{\"data\":\"redacted\"}\n",
        "j:{\"signature\":\"sig\"}\n",
        "k:{\"data\":\"aGk=\",\"mimeType\":\"text/plain\"}\n",
    );
    let usage = |p, c| {
        Some(Usage {
            prompt_tokens: Some(p),
            completion_tokens: Some(c),
        })
    };
    assert_eq!(
        v4_inv(body.as_bytes()),
        vec![
            StreamEvent::ToolCall {
                id: "c1".into(),
                name: "kb".into(),
                args: json!({"q":"plan"})
            },
            StreamEvent::ToolResult {
                id: "c1".into(),
                result: json!({"ok":true}),
                preliminary: false
            },
            StreamEvent::ToolCallStarted {
                id: "c2".into(),
                name: "kb".into()
            },
            StreamEvent::ToolCallDelta {
                id: "c2".into(),
                delta: "{\"q\":".into()
            },
            StreamEvent::Finish {
                reason: Some("stop".into()),
                usage: usage(3, 10)
            },
            StreamEvent::StepFinish {
                reason: Some("tool-calls".into()),
                usage: usage(1, 2),
                is_continued: true
            },
            StreamEvent::StepStart {
                message_id: Some("msg-0".into())
            },
            StreamEvent::ReasoningDelta {
                id: None,
                delta: "thinking".into()
            },
            StreamEvent::Source {
                id: Some("1".into()),
                url: Some("https://e.com".into()),
                title: Some("E".into())
            },
            StreamEvent::RedactedReasoning {
                data: "redacted".into()
            },
            StreamEvent::ReasoningSignature {
                signature: "sig".into()
            },
            StreamEvent::File {
                url: "data:text/plain;base64,aGk=".into(),
                media_type: "text/plain".into()
            },
        ]
    );
}

#[test]
fn b2_usage_nulls_and_missing_usage() {
    let events = v4_inv(
        b"d:{\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":null,\"completionTokens\":null}}\n\
          d:{\"finishReason\":\"stop\"}\n\
          e:{\"finishReason\":\"stop\",\"usage\":null}\n",
    );
    assert_eq!(
        events,
        vec![
            StreamEvent::Finish {
                reason: Some("stop".into()),
                usage: Some(Usage::default())
            },
            StreamEvent::Finish {
                reason: Some("stop".into()),
                usage: None
            },
            StreamEvent::StepFinish {
                reason: Some("stop".into()),
                usage: None,
                is_continued: false
            },
        ]
    );
}

#[test]
fn b2_shape_rejections() {
    for line in [
        "f:{}",
        "f:{\"messageId\":123}",
        "g:{\"a\":1}",
        "h:\"str\"",
        "h:null",
        "i:\"str\"",
        "0:5",
        "2:{}",
        "8:{}",
        "9:{\"toolCallId\":\"x\"}",
        "3:1",
    ] {
        let events = v4(format!("{line}\n").as_bytes());
        assert_eq!(events.len(), 1, "{line}");
        assert!(
            matches!(&events[0], StreamEvent::Malformed { line: l, error: DecodeError::InvalidPayload { .. } } if l == line),
            "{line}: {events:?}"
        );
    }
}

#[test]
fn b2_legacy_codes_are_unknown_not_lost() {
    let events = v4(b"1:{\"name\":\"f\"}\n7:[]\n");
    assert!(
        events
            .iter()
            .all(|e| matches!(e, StreamEvent::Unknown { .. })),
        "{events:?}"
    );
    assert_eq!(events.len(), 2);
}

// ---------------------------------------------------------------- Helper's real stream (helper-api §2)

const HELPER_EXAMPLE_1: &str = concat!(
    "f:{\"messageId\":\"msg-7Qx2LwPq9ZcA1bN3sD4eF5gH\"}\n",
    "9:{\"toolCallId\":\"call_aB12\",\"toolName\":\"knowledge_base\",\"args\":{\"query\":\"change plan\"}}\n",
    "e:{\"finishReason\":\"tool-calls\",\"usage\":{\"promptTokens\":2412,\"completionTokens\":21},\"isContinued\":false}\n",
    "f:{\"messageId\":\"msg-K8m1Nq2Rs3Tu4Vw5Xy6Za7Bc\"}\n",
    "0:\"You can change your plan in \"\n",
    "0:\"**Settings → Billing** [(1)](https://example.com/help/plans).\"\n",
    "e:{\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":2950,\"completionTokens\":38},\"isContinued\":false}\n",
    "d:{\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":5362,\"completionTokens\":59}}\n",
    "h:{\"sourceType\":\"url\",\"id\":\"1\",\"url\":\"https://example.com/help/plans\",\"title\":\"Changing plans\"}\n",
    "8:[{\"id\":\"48213\",\"traceId\":\"3f9c2d1e-6a7b-4c8d-9e0f-112233445566\"}]\n",
);

#[test]
fn helper_stream_reads_on_after_finish() {
    let events = sniff_inv(HELPER_EXAMPLE_1.as_bytes());
    let finish = events
        .iter()
        .position(|e| matches!(e, StreamEvent::Finish { .. }))
        .unwrap();
    assert!(matches!(events[finish + 1], StreamEvent::Source { .. }));
    assert_eq!(
        events[finish + 2].saved_message_id().as_deref(),
        Some("48213")
    );
    assert_eq!(
        concat_text(&events),
        "You can change your plan in **Settings → Billing** [(1)](https://example.com/help/plans)."
    );
    let d = Decoder::from_headers(Some("text/plain; charset=utf-8"), None, None);
    assert_eq!(decode(d, HELPER_EXAMPLE_1.as_bytes()), events);
}

#[test]
fn helper_error_keeps_partial_text() {
    let events = sniff_inv(b"0:\"Partial \"\n3:\"Error generating AI response\"\n");
    assert_eq!(
        events,
        vec![
            text("Partial "),
            StreamEvent::Error {
                message: "Error generating AI response".into()
            }
        ]
    );
    assert!(events[1].is_error());
}

#[test]
fn saved_message_id_accepts_numbers_and_strings() {
    let events = v4(b"8:[{\"id\":48214}]\n8:[{\"other\":1}]\n");
    assert_eq!(events[0].saved_message_id().as_deref(), Some("48214"));
    assert_eq!(events[1].saved_message_id(), None);
}

// ---------------------------------------------------------------- B6: v5+ chunk semantics

const V5_TEXT: &str = concat!(
    "data: {\"type\":\"start\",\"messageId\":\"msg-1\"}\n\n",
    "data: {\"type\":\"start-step\"}\n\n",
    "data: {\"type\":\"text-start\",\"id\":\"1\"}\n\n",
    "data: {\"type\":\"text-delta\",\"id\":\"1\",\"delta\":\"Hello\"}\n\n",
    "data: {\"type\":\"text-delta\",\"id\":\"1\",\"delta\":\", world!\"}\n\n",
    "data: {\"type\":\"text-end\",\"id\":\"1\"}\n\n",
    "data: {\"type\":\"finish-step\"}\n\n",
    "data: {\"type\":\"finish\",\"finishReason\":\"stop\"}\n\n",
    "data: [DONE]\n\n",
);

#[test]
fn b6_text_message_sequence() {
    let events = sniff_inv(V5_TEXT.as_bytes());
    let delta = |d: &str| StreamEvent::TextDelta {
        id: Some("1".into()),
        delta: d.into(),
    };
    assert_eq!(
        events,
        vec![
            StreamEvent::MessageStart {
                id: Some("msg-1".into())
            },
            StreamEvent::StepStart { message_id: None },
            StreamEvent::TextStart { id: "1".into() },
            delta("Hello"),
            delta(", world!"),
            StreamEvent::TextEnd { id: "1".into() },
            StreamEvent::StepFinish {
                reason: None,
                usage: None,
                is_continued: false
            },
            StreamEvent::Finish {
                reason: Some("stop".into()),
                usage: None
            },
        ]
    );
    let d = Decoder::from_headers(Some("text/event-stream"), None, None);
    assert_eq!(decode(d, V5_TEXT.as_bytes()), events);
    let d = Decoder::from_headers(None, None, Some("v1"));
    assert_eq!(d.format(), Some(Format::UiMessageStream));
}

#[test]
fn b6_masked_error_sequence() {
    let body = concat!(
        "data: {\"type\":\"start\"}\n\n",
        "data: {\"type\":\"start-step\"}\n\n",
        "data: {\"type\":\"error\",\"errorText\":\"An error occurred.\"}\n\n",
        "data: {\"type\":\"finish-step\"}\n\n",
        "data: {\"type\":\"finish\",\"finishReason\":\"error\"}\n\n",
        "data: [DONE]\n\n",
    );
    let events = sse_inv(body.as_bytes());
    assert_eq!(
        events[2],
        StreamEvent::Error {
            message: "An error occurred.".into()
        }
    );
    assert_eq!(events.len(), 5);
}

#[test]
fn b6_extra_fields_accepted_reset_step_accepted_unknown_type_reported() {
    let body = concat!(
        "data: {\"type\":\"text-delta\",\"id\":\"1\",\"delta\":\"x\",\"futureField\":{\"a\":[1]}}\n\n",
        "data: {\"type\":\"reset-step\"}\n\n",
        "data: {\"type\":\"future-control-chunk\"}\n\n",
    );
    let events = sse_inv(body.as_bytes());
    assert_eq!(
        events,
        vec![
            StreamEvent::TextDelta {
                id: Some("1".into()),
                delta: "x".into()
            },
            StreamEvent::StepReset,
            StreamEvent::Unknown {
                kind: "future-control-chunk".into(),
                raw: "{\"type\":\"future-control-chunk\"}".into()
            },
        ]
    );
}

#[test]
fn b6_proto_ids_are_plain_strings() {
    let body = concat!(
        "data: {\"type\":\"text-delta\",\"id\":\"__proto__\",\"delta\":\"a\"}\n\n",
        "data: {\"type\":\"reasoning-delta\",\"id\":\"__proto__\",\"delta\":\"b\"}\n\n",
        "data: {\"type\":\"tool-input-delta\",\"toolCallId\":\"__proto__\",\"inputTextDelta\":\"c\"}\n\n",
    );
    let events = sse_inv(body.as_bytes());
    assert_eq!(events.len(), 3);
    assert!(!events.iter().any(is_malformed));
}

#[test]
fn b6_every_chunk_type_up_to_v7() {
    let chunks = [
        json!({"type":"start","messageId":"m","messageMetadata":{"id":"48213"}}),
        json!({"type":"reasoning-start","id":"r"}),
        json!({"type":"reasoning-delta","id":"r","delta":"think"}),
        json!({"type":"reasoning-end","id":"r"}),
        json!({"type":"reasoning","text":"old"}),
        json!({"type":"tool-input-start","toolCallId":"t","toolName":"kb","dynamic":true}),
        json!({"type":"tool-input-delta","toolCallId":"t","inputTextDelta":"{}"}),
        json!({"type":"tool-input-available","toolCallId":"t","toolName":"kb","input":{"q":1}}),
        json!({"type":"tool-input-error","toolCallId":"t","toolName":"kb","input":{},"errorText":"bad"}),
        json!({"type":"tool-output-available","toolCallId":"t","output":[1],"preliminary":true}),
        json!({"type":"tool-output-error","toolCallId":"t","errorText":"boom"}),
        json!({"type":"tool-approval-request","approvalId":"ap","toolCallId":"t"}),
        json!({"type":"tool-output-denied","toolCallId":"t"}),
        json!({"type":"tool-approval-response","approvalId":"ap","approved":false,"reason":"no"}),
        json!({"type":"source-url","sourceId":"s","url":"https://e.com","title":"E"}),
        json!({"type":"source-document","sourceId":"d","mediaType":"application/pdf","title":"Doc"}),
        json!({"type":"file","url":"data:image/png;base64,AA==","mediaType":"image/png"}),
        json!({"type":"reasoning-file","url":"https://e.com/f","mediaType":"image/png"}),
        json!({"type":"custom","kind":"acme.thing","providerMetadata":{}}),
        json!({"type":"data-weather","id":"w","data":{"t":20},"transient":true}),
        json!({"type":"message-metadata","messageMetadata":{"k":1}}),
        json!({"type":"abort","reason":"user"}),
        json!({"type":"finish","finishReason":"stop","messageMetadata":{"z":1}}),
    ];
    let body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    let events = sse_inv(body.as_bytes());
    assert!(
        !events.iter().any(|e| matches!(
            e,
            StreamEvent::Malformed { .. } | StreamEvent::Unknown { .. }
        )),
        "{events:#?}"
    );
    assert_eq!(
        events[0],
        StreamEvent::MessageStart {
            id: Some("m".into())
        }
    );
    assert_eq!(events[1].saved_message_id().as_deref(), Some("48213"));
    assert!(events.contains(&StreamEvent::ToolCall {
        id: "t".into(),
        name: "kb".into(),
        args: json!({"q":1})
    }));
    assert!(events.contains(&StreamEvent::ToolResult {
        id: "t".into(),
        result: json!([1]),
        preliminary: true
    }));
    assert!(events.contains(&StreamEvent::ToolError {
        id: "t".into(),
        name: None,
        message: "boom".into()
    }));
    assert!(events.contains(&StreamEvent::Data {
        name: Some("weather".into()),
        id: Some("w".into()),
        data: json!({"t":20}),
        transient: true
    }));
    assert!(events.contains(&StreamEvent::Source {
        id: Some("s".into()),
        url: Some("https://e.com".into()),
        title: Some("E".into())
    }));
    assert!(events.contains(&StreamEvent::ToolApprovalResponse {
        approval_id: "ap".into(),
        approved: false,
        reason: Some("no".into())
    }));
    assert!(
        matches!(events.last(), Some(StreamEvent::Finish { reason: Some(r), .. }) if r == "stop")
    );
    assert_eq!(
        events.len(),
        chunks.len() + 2,
        "start and finish carry metadata events: {events:#?}"
    );
}

#[test]
fn b6_bad_chunks_are_reported() {
    let body = "data: {\"type\":\"text-delta\",\"id\":\"1\"}\n\ndata: {\"type\":5}\n\ndata: {nope}\n\ndata: 42\n\n";
    let events = sse_inv(body.as_bytes());
    assert_eq!(events.len(), 4);
    assert!(events.iter().all(is_malformed), "{events:?}");
}

// ---------------------------------------------------------------- B7: SSE framing

fn frame(json_lines: bool, chunks: &[&[u8]]) -> (Vec<String>, usize) {
    let mut f = SseFramer::new(json_lines);
    let mut data = Vec::new();
    let mut unknown = 0;
    let mut on = |e: SseEvent<'_>| match e {
        SseEvent::Data(d) => data.push(d.to_owned()),
        SseEvent::UnknownField { .. } => unknown += 1,
        SseEvent::Truncated(d) => data.push(format!("TRUNCATED:{d}")),
        SseEvent::TooLong => data.push("TOO_LONG".to_owned()),
    };
    for c in chunks {
        f.feed(c, &mut on);
    }
    f.finish(&mut on);
    (data, unknown)
}

#[test]
fn b7_lf_cr_crlf_streams() {
    for body in [
        "data: a\n\ndata: b\n\n",
        "data: a\r\rdata: b\r\r",
        "data: a\r\n\r\ndata: b\r\n\r\n",
    ] {
        assert_eq!(
            frame(false, &[body.as_bytes()]).0,
            vec!["a", "b"],
            "{body:?}"
        );
    }
    let events = sse_inv(b"data: {\"type\":\"text-delta\",\"delta\":\"a\"}\r\rdata: {\"type\":\"text-delta\",\"delta\":\"b\"}\r\n\r\n");
    assert_eq!(events, vec![text("a"), text("b")]);
}

#[test]
fn b7_crlf_split_across_chunks_is_one_terminator() {
    assert_eq!(
        frame(false, &[b"data: a\r", b"\n\r", b"\ndata: b\r\n\r\n"]).0,
        vec!["a", "b"]
    );
    // If the LF after a split CR were taken as a second terminator it would dispatch early.
    assert_eq!(
        frame(false, &[b"data: a\r", b"\ndata: b\r\n\r\n"]).0,
        vec!["a\nb"]
    );
}

#[test]
fn b7_comments_and_heartbeats() {
    let body = ": ping\n: \u{2665}\ndata: {\"type\":\"text-delta\",\"delta\":\"x\"}\n\n:\n\n";
    assert_eq!(sse_inv(body.as_bytes()), vec![text("x")]);
    assert_eq!(frame(false, &[body.as_bytes()]).0.len(), 1);
}

#[test]
fn b7_multi_line_data_joined_with_newline() {
    assert_eq!(
        frame(false, &[b"data: a\ndata: b\ndata\n\n"]).0,
        vec!["a\nb\n"]
    );
    // In JSON-lines mode a value spread over data lines is joined the same way.
    let body = b"data: {\"type\":\ndata: \"text-delta\",\"delta\":\ndata: \"multi\"}\n\n";
    assert_eq!(sse_inv(body), vec![text("multi")]);
    let events = sse_inv(b"data: {\"a\":\ndata: 1}\n\n");
    assert!(
        matches!(&events[..], [StreamEvent::Malformed { line, .. }] if line == "{\"a\":\n1}"),
        "{events:?}"
    );
}

#[test]
fn b7_multibyte_characters() {
    let body = "data: {\"type\":\"text-delta\",\"id\":\"é\",\"delta\":\"日本語 👋\"}\n\n";
    assert_eq!(
        sse_inv(body.as_bytes()),
        vec![StreamEvent::TextDelta {
            id: Some("é".into()),
            delta: "日本語 👋".into()
        }]
    );
}

#[test]
fn b7_leading_bom_stripped_mid_stream_bom_ignored() {
    let body = "\u{FEFF}data: a\n\n\u{FEFF}data: b\n\ndata: c\n\n";
    let (data, unknown) = frame(false, &[body.as_bytes()]);
    assert_eq!(data, vec!["a", "c"]);
    assert_eq!(unknown, 1);
    let body = "\u{FEFF}data: {\"type\":\"text-delta\",\"delta\":\"a\"}\n\n";
    assert_eq!(sniff_inv(body.as_bytes()), vec![text("a")]);
}

#[test]
fn b7_data_alone_yields_empty_data() {
    assert_eq!(frame(false, &[b"data:\n\n"]).0, vec![""]);
    assert_eq!(frame(false, &[b"data\n\n"]).0, vec![""]);
    assert!(
        sse_inv(b"data:\n\n").is_empty(),
        "empty data carries nothing"
    );
}

#[test]
fn b7_unknown_fields_ignored_by_framer_reported_by_decoder() {
    let (data, unknown) = frame(
        false,
        &[b"foo: bar\nevent: x\nid: 1\nretry: 5\ndata: a\n\n"],
    );
    assert_eq!((data, unknown), (vec!["a".to_owned()], 1));
    let events = sse_inv(b"0:\"Hi\"\n");
    assert!(
        matches!(&events[..], [StreamEvent::Malformed { error: DecodeError::UnknownSseField(f), .. }] if f == "0")
    );
}

#[test]
fn b7_large_event() {
    let big = "y".repeat(4_800_000);
    let body = format!(
        "data: {}\n\n",
        json!({"type":"text-delta","id":"1","delta":big})
    );
    let d = Decoder::with_format(Format::UiMessageStream);
    let chunks: Vec<&[u8]> = body.as_bytes().chunks(65536).collect();
    assert_eq!(concat_text(&decode_chunks(d, &chunks)), big);
}

#[test]
fn b7_last_event_without_blank_line() {
    // Plain WHATWG framing drops it, like eventsource-parser ...
    assert!(frame(false, &[b"data: a\n\ndata: b"]).0 == vec!["a"]);
    // ... but a complete JSON value is an event by itself (embed contract §6).
    assert_eq!(
        sse_inv(b"data: {\"type\":\"text-delta\",\"delta\":\"b\"}"),
        vec![text("b")]
    );
    // Incomplete JSON at the end of the body is reported, not lost.
    let events = sse_inv(b"data: {\"type\":\"text-delta\",");
    assert!(
        matches!(
            &events[..],
            [StreamEvent::Malformed {
                error: DecodeError::Truncated,
                ..
            }]
        ),
        "{events:?}"
    );
}

#[test]
fn b7_json_error_body_without_framing() {
    let events = decode(
        Decoder::from_headers(Some("text/event-stream"), None, None),
        b"{\"error\":\"boom\"}",
    );
    assert!(
        matches!(
            &events[..],
            [StreamEvent::Malformed {
                error: DecodeError::UnknownSseField(_),
                ..
            }]
        ),
        "{events:?}"
    );
    // Sniffed, the same body is plain text: shown rather than dropped.
    assert_eq!(
        concat_text(&sniff_inv(b"{\"error\":\"boom\"}")),
        "{\"error\":\"boom\"}"
    );
}

// ---------------------------------------------------------------- seed docs and the embed contract

const SEED: &str = concat!(
    "data: {\"type\":\"text\",\"value\":\"Hello! I'd be happy to help. \"}\n",
    "data: {\"type\":\"text\",\"value\":\"\\n\\n1. Log into your account\\n2. Go to 'Account Settings'\"}\n",
    "data: {\"type\":\"messageAnnotation\",\"value\":{\"id\":\"12345\",\"traceId\":\"trace_abc123\"}}\n",
);

#[test]
fn seed_lines_map_like_v4_without_blank_lines() {
    let events = sniff_inv(SEED.as_bytes());
    let v4_equivalent = concat!(
        "0:\"Hello! I'd be happy to help. \"\n",
        "0:\"\\n\\n1. Log into your account\\n2. Go to 'Account Settings'\"\n",
        "8:[{\"id\":\"12345\",\"traceId\":\"trace_abc123\"}]\n",
    );
    assert_eq!(events, v4(v4_equivalent.as_bytes()));
    assert_eq!(events[2].saved_message_id().as_deref(), Some("12345"));
    let mut d = Decoder::new();
    d.push(SEED.as_bytes());
    assert_eq!(d.format(), Some(Format::SeedSse));
    let mut d = Decoder::from_headers(Some("text/event-stream; charset=utf-8"), None, None);
    assert_eq!(
        decode_chunks(
            Decoder::from_headers(Some("text/event-stream"), None, None),
            &[SEED.as_bytes()]
        ),
        events
    );
    d.push(SEED.as_bytes());
    assert_eq!(d.format(), Some(Format::SeedSse));
}

#[test]
fn seed_lines_with_blank_lines_dispatch_once() {
    let body = "data: {\"type\":\"text\",\"value\":\"a\"}\n\ndata: {\"type\":\"text\",\"value\":\"b\"}\r\n\r\n";
    assert_eq!(sniff_inv(body.as_bytes()), vec![text("a"), text("b")]);
}

#[test]
fn seed_other_v4_part_names() {
    let body = "data: {\"type\":\"error\",\"value\":\"boom\"}\ndata: {\"type\":\"finish_message\",\"value\":{\"finishReason\":\"stop\"}}\n";
    assert_eq!(
        sniff_inv(body.as_bytes()),
        vec![
            StreamEvent::Error {
                message: "boom".into()
            },
            StreamEvent::Finish {
                reason: Some("stop".into()),
                usage: None
            }
        ]
    );
}

// ---------------------------------------------------------------- detection and plain text

#[test]
fn detection_from_headers() {
    assert_eq!(
        Decoder::from_headers(None, Some("v1"), None).format(),
        Some(Format::DataStreamV4)
    );
    assert_eq!(
        Decoder::from_headers(Some("text/plain"), None, Some("v1")).format(),
        Some(Format::UiMessageStream)
    );
    assert_eq!(
        Decoder::from_headers(Some("Text/Event-Stream ; charset=utf-8"), None, None).format(),
        Some(Format::UiMessageStream)
    );
    assert_eq!(
        Decoder::from_headers(Some("text/plain; charset=utf-8"), None, None).format(),
        None
    );
    assert_eq!(Decoder::new().format(), None);
}

#[test]
fn detection_sniffs_first_non_empty_line() {
    let cases: [(&[u8], Format); 9] = [
        (b"\n\r\n0:\"a\"\n", Format::DataStreamV4),
        (b"d:{\"finishReason\":\"stop\"}\n", Format::DataStreamV4),
        (b"data: {\"type\":\"start\"}\n\n", Format::UiMessageStream),
        (b": keep-alive\n\ndata: [DONE]\n\n", Format::UiMessageStream),
        (b"event: x\ndata: [DONE]\n\n", Format::UiMessageStream),
        (b"Hello there", Format::PlainText),
        (b"dat", Format::PlainText),
        (b"x:\"a\"\n", Format::PlainText),
        (b"\xEF\xBB\xBF0:\"a\"\n", Format::DataStreamV4),
    ];
    for (body, format) in cases {
        for i in 0..=body.len() {
            let mut d = Decoder::new();
            d.push(&body[..i]);
            d.push(&body[i..]);
            d.finish();
            assert_eq!(
                d.format(),
                Some(format),
                "{:?} split at {i}",
                String::from_utf8_lossy(body)
            );
        }
    }
}

#[test]
fn plain_text_holds_back_split_utf8_and_keeps_blank_lines() {
    let body = "\n\nHéllo 👋 wörld".as_bytes();
    let events = sniff_inv(body);
    assert_eq!(concat_text(&events), "\n\nHéllo 👋 wörld");
    let mut d = Decoder::with_format(Format::PlainText);
    let cut = body.len() - 5; // inside ö? no: inside the emoji region is tested by sniff_inv
    let a = d.push(&body[..cut]);
    let b = d.push(&body[cut..]);
    assert!(a
        .iter()
        .chain(&b)
        .all(|e| matches!(e, StreamEvent::TextDelta { delta, .. } if !delta.contains('\u{FFFD}'))));
}

#[test]
fn plain_text_invalid_utf8_is_replaced_not_dropped() {
    let events = decode(Decoder::with_format(Format::PlainText), b"a\xFFb\xE2\x82");
    assert_eq!(concat_text(&events), "a\u{FFFD}b\u{FFFD}");
}

#[test]
fn empty_body_gives_nothing() {
    let mut d = Decoder::new();
    assert!(d.push(b"").is_empty());
    assert!(d.finish().is_empty());
    assert_eq!(d.format(), None);
}

// ---------------------------------------------------------------- the module stays browser-free

#[test]
fn protocol_depends_on_nothing_of_the_browser() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap_or("")
        .split("\n[")
        .next()
        .unwrap_or("");
    let banned = [
        "web-sys",
        "web_sys",
        "wasm-bindgen",
        "wasm_bindgen",
        "js-sys",
        "js_sys",
        "gloo",
    ];
    for b in banned {
        assert!(!deps.contains(b), "crates/core depends on {b}");
    }
    for entry in std::fs::read_dir(root.join("src/protocol")).unwrap() {
        let path = entry.unwrap().path();
        let code = std::fs::read_to_string(&path).unwrap();
        for b in banned.iter().filter(|b| b.contains('_')) {
            assert!(
                !code.contains(&format!("{b}::")) && !code.contains(&format!("use {b}")),
                "{path:?} uses {b}"
            );
        }
    }
}
