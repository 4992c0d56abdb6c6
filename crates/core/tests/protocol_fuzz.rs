//! Randomized test: one million generated bodies (fragments of every format mixed with junk
//! bytes, CR/LF variants, BOMs, split UTF-8) each decoded whole and at random split points.
//! Nothing may panic, and the events must not depend on the split (plain text: same text).

mod protocol_support;

use helper_widget_core::protocol::{Decoder, Format, StreamEvent};
use protocol_support::concat_text;

/// xorshift64*: deterministic, dependency-free, good enough to spread test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&[u8]] = &[
    b"0:\"Hello\"\n",
    b"0:\"\\u00e9\\n\\\"q\\\"\"\n",
    b"8:[{\"id\":\"48213\"}]\n",
    b"8:[{\"id\":48213}]\n",
    b"9:{\"toolCallId\":\"c\",\"toolName\":\"t\",\"args\":{}}\n",
    b"d:{\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":1,\"completionTokens\":null}}\n",
    b"e:{\"finishReason\":\"stop\",\"isContinued\":true}\n",
    b"h:{\"url\":\"https://x\"}\n",
    b"3:\"err\"\n",
    b"x:1\n",
    b"data: {\"type\":\"text-delta\",\"id\":\"1\",\"delta\":\"hi\"}\n\n",
    b"data: {\"type\":\"text\",\"value\":\"seed\"}\n",
    b"data: {\"type\":\"messageAnnotation\",\"value\":{\"id\":\"1\"}}\n",
    b"data: {\"type\":\n",
    b"data: \"text-delta\",\"delta\":\"x\"}\n",
    b"data: [DONE]\n\n",
    b"data:\n",
    b": ping\n",
    b"event: message\n",
    b"id: 7\n",
    b"retry: 10\n",
    b"\n",
    b"\r",
    b"\r\n",
    b"\xEF\xBB\xBF",
    "👋".as_bytes(),
    "é".as_bytes(),
    b"\xF0\x9F",
    b"\xFF",
    b"{",
    b"}",
    b"[",
    b"\"",
    b"\\",
    b":",
    b"data: {\"type\":\"future\"}\n",
    b"data: {\"type\":\"data-x\",\"data\":[1]}\n",
    b"plain words ",
];

fn body(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    let pieces = rng.below(12);
    for _ in 0..pieces {
        if rng.below(5) == 0 {
            for _ in 0..rng.below(6) {
                out.push(rng.next() as u8);
            }
        } else {
            out.extend_from_slice(PIECES[rng.below(PIECES.len())]);
        }
    }
    out
}

fn decoder(kind: usize) -> Decoder {
    match kind {
        0 | 1 => Decoder::new(),
        2 => Decoder::with_format(Format::DataStreamV4),
        3 => Decoder::with_format(Format::UiMessageStream),
        4 => Decoder::from_headers(Some("text/event-stream"), None, None),
        _ => Decoder::with_format(Format::PlainText),
    }
}

fn run(mut d: Decoder, chunks: &[&[u8]]) -> (Vec<StreamEvent>, Option<Format>) {
    let mut out = Vec::new();
    for c in chunks {
        d.push_into(c, &mut out);
    }
    d.finish_into(&mut out);
    (out, d.format())
}

#[test]
fn one_million_random_bodies_and_splits() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let cases = 1_000_000;
    let mut events_seen = 0usize;
    for case in 0..cases {
        let bytes = body(&mut rng);
        let kind = rng.below(6);
        let (whole, format) = run(decoder(kind), &[&bytes]);
        let a = rng.below(bytes.len() + 1);
        let b = a + rng.below(bytes.len() - a + 1);
        let (x, rest) = bytes.split_at(a);
        let (y, z) = rest.split_at(b - a);
        let (split, split_format) = run(decoder(kind), &[x, y, z]);
        assert_eq!(format, split_format, "case {case}: {bytes:?}");
        if format == Some(Format::PlainText) {
            assert_eq!(
                concat_text(&split),
                concat_text(&whole),
                "case {case}: {bytes:?}"
            );
        } else {
            assert_eq!(split, whole, "case {case}: {bytes:?} split at {a},{b}");
        }
        events_seen += whole.len();
    }
    assert!(
        events_seen > cases,
        "the generator exercises the decoder ({events_seen} events)"
    );
}
