//! Shared helpers for the protocol tests: decode at given chunkings and compare.
#![allow(dead_code)]

use helper_widget_core::protocol::{Decoder, Format, StreamEvent};

pub fn decode_chunks(mut decoder: Decoder, chunks: &[&[u8]]) -> Vec<StreamEvent> {
    let mut out = Vec::new();
    for chunk in chunks {
        decoder.push_into(chunk, &mut out);
    }
    decoder.finish_into(&mut out);
    out
}

pub fn decode(decoder: Decoder, bytes: &[u8]) -> Vec<StreamEvent> {
    decode_chunks(decoder, &[bytes])
}

pub fn v4(bytes: &[u8]) -> Vec<StreamEvent> {
    decode(Decoder::with_format(Format::DataStreamV4), bytes)
}

pub fn sse(bytes: &[u8]) -> Vec<StreamEvent> {
    decode(Decoder::with_format(Format::UiMessageStream), bytes)
}

pub fn text(delta: &str) -> StreamEvent {
    StreamEvent::TextDelta {
        id: None,
        delta: delta.to_owned(),
    }
}

pub fn concat_text(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect()
}

/// Every two-chunk split and one-byte chunks give exactly the events of the whole body
/// (for plain text, where deltas follow chunks, the same concatenated text and no other events).
pub fn assert_chunking_invariant(make: &dyn Fn() -> Decoder, bytes: &[u8]) -> Vec<StreamEvent> {
    let whole = decode(make(), bytes);
    let plain = {
        let mut d = make();
        d.push(bytes);
        d.finish();
        d.format() == Some(Format::PlainText)
    };
    let check = |got: Vec<StreamEvent>, how: &str| {
        if plain {
            assert_eq!(
                concat_text(&got),
                concat_text(&whole),
                "plain text differs ({how})"
            );
            assert!(
                got.iter()
                    .all(|e| matches!(e, StreamEvent::TextDelta { .. })),
                "{how}"
            );
        } else {
            assert_eq!(got, whole, "events differ when split {how}");
        }
    };
    for i in 0..=bytes.len() {
        let (a, b) = bytes.split_at(i);
        check(decode_chunks(make(), &[a, b]), &format!("at {i}"));
    }
    let ones: Vec<&[u8]> = bytes.chunks(1).collect();
    check(decode_chunks(make(), &ones), "into one-byte chunks");
    // Empty chunks interleaved change nothing either (B1.8).
    let mut with_empty: Vec<&[u8]> = Vec::new();
    for c in bytes.chunks(7) {
        with_empty.push(b"");
        with_empty.push(c);
    }
    with_empty.push(b"");
    check(decode_chunks(make(), &with_empty), "with empty chunks");
    whole
}
