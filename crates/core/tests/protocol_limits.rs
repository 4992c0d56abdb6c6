//! The decoder's memory stays bounded whatever the body: a line that never ends, or an SSE
//! event whose data lines never balance, is dropped (reported once) instead of growing a buffer
//! until the visitor's tab runs out of memory; what follows still decodes.

use helper_widget_core::protocol::{DecodeError, Decoder, StreamEvent};

/// Text deltas joined, and how many lines were dropped as too long.
fn decode(chunks: impl IntoIterator<Item = Vec<u8>>, content_type: &str) -> (String, usize) {
    let mut decoder = Decoder::from_headers(Some(content_type), None, None);
    let mut events = Vec::new();
    for chunk in chunks {
        decoder.push_into(&chunk, &mut events);
    }
    decoder.finish_into(&mut events);
    let mut text = String::new();
    let mut dropped = 0;
    for event in events {
        match event {
            StreamEvent::TextDelta { delta, .. } => text.push_str(&delta),
            StreamEvent::Malformed {
                error: DecodeError::LineTooLong,
                ..
            } => dropped += 1,
            _ => {}
        }
    }
    (text, dropped)
}

#[test]
fn a_v4_line_that_never_ends_is_dropped_and_the_stream_goes_on() {
    let mut chunks = vec![b"0:\"a\"\n0:\"".to_vec()];
    chunks.extend(std::iter::repeat_n(vec![b'x'; 1 << 20], 12));
    chunks.push(b"\"\n0:\"b\"\n".to_vec());
    assert_eq!(decode(chunks, "text/plain"), ("ab".to_owned(), 1));
}

#[test]
fn sse_data_lines_that_never_balance_are_dropped_and_the_stream_goes_on() {
    let mut chunks =
        vec![b"data: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"a\"}\n\n".to_vec()];
    // `data: [` starts a JSON value that these lines never close: 12 MB of them.
    chunks.push(b"data: [\n".to_vec());
    let line = format!("data: \"{}\",\n", "x".repeat(1 << 10));
    chunks.extend(std::iter::repeat_n(line.repeat(1 << 10).into_bytes(), 12));
    chunks.push(b"\ndata: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"b\"}\n\n".to_vec());
    let (text, dropped) = decode(chunks, "text/event-stream");
    assert_eq!(text, "ab");
    assert!(dropped >= 1, "reported");
}

#[test]
fn a_body_that_never_shows_its_format_is_read_as_plain_text_without_rescanning() {
    // Blank lines only, for a long while: the format is decided once the sniff limit is passed.
    let chunks = std::iter::repeat_n(b"\n".to_vec(), 100_000).chain([b"hello".to_vec()]);
    let started = std::time::Instant::now();
    let (text, _) = decode(chunks, "text/plain");
    assert!(text.ends_with("hello"), "{text:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}
