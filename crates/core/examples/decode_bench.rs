//! Decoder throughput benchmark (a command, not a test): `scripts/bench-decoder.sh` runs it
//! beside the AI SDK's JavaScript parsers on the same bytes.
//!
//! `cargo run --release -p helper-widget-core --example decode_bench -- DIR [ITERATIONS]`
//! writes the two 1 MB bodies to `DIR/bench_v4.bin` and `DIR/bench_v5.bin` if they are not
//! there (a Helper-like reply: step parts, short token deltas with some non-ASCII, a tool call,
//! sources and the saved-id annotation after `d:`), then decodes each in 16 KiB chunks:
//! warm-up, then ITERATIONS timed runs, printing one JSON line per format with the median MB/s.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use helper_widget_core::protocol::{Decoder, Format, StreamEvent};

const TARGET: usize = 1 << 20;
const CHUNK: usize = 16 * 1024;

fn tokens() -> Vec<String> {
    let words = [
        "You",
        " can",
        " change",
        " your",
        " plan",
        " in",
        " **Settings",
        " →",
        " Billing**",
        ".",
        " The",
        " new",
        " price",
        " applies",
        " from",
        " the",
        " next",
        " invoice",
        ";",
        " we’ll",
        " email",
        " you",
        " a",
        " receipt",
        " \"right",
        " away\"",
        ".\n\n",
        "- ",
        "Über",
        " café",
        " 👋",
        " [(1)](https://example.com/help/plans)",
    ];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut out = Vec::new();
    // Enough tokens for either body; each body stops itself at TARGET.
    while out.len() < TARGET / 4 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let w = words[(state % words.len() as u64) as usize];
        out.push(w.to_owned());
    }
    out
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn v4_body(tokens: &[String]) -> Vec<u8> {
    let mut s = String::new();
    s.push_str("f:{\"messageId\":\"msg-7Qx2LwPq9ZcA1bN3sD4eF5gH\"}\n");
    s.push_str("9:{\"toolCallId\":\"call_aB12\",\"toolName\":\"knowledge_base\",\"args\":{\"query\":\"change plan\"}}\n");
    s.push_str("e:{\"finishReason\":\"tool-calls\",\"usage\":{\"promptTokens\":2412,\"completionTokens\":21},\"isContinued\":false}\n");
    s.push_str("f:{\"messageId\":\"msg-K8m1Nq2Rs3Tu4Vw5Xy6Za7Bc\"}\n");
    for t in tokens {
        if s.len() >= TARGET - 400 {
            break;
        }
        s.push_str("0:");
        s.push_str(&q(t));
        s.push('\n');
    }
    s.push_str("e:{\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":2950,\"completionTokens\":38},\"isContinued\":false}\n");
    s.push_str(
        "d:{\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":5362,\"completionTokens\":59}}\n",
    );
    s.push_str("h:{\"sourceType\":\"url\",\"id\":\"1\",\"url\":\"https://example.com/help/plans\",\"title\":\"Changing plans\"}\n");
    s.push_str("8:[{\"id\":\"48213\",\"traceId\":\"3f9c2d1e-6a7b-4c8d-9e0f-112233445566\"}]\n");
    s.into_bytes()
}

fn v5_body(tokens: &[String]) -> Vec<u8> {
    let mut s = String::new();
    let ev = |s: &mut String, json: &str| {
        s.push_str("data: ");
        s.push_str(json);
        s.push_str("\n\n");
    };
    ev(
        &mut s,
        "{\"type\":\"start\",\"messageId\":\"msg-7Qx2LwPq9ZcA1bN3sD4eF5gH\"}",
    );
    ev(&mut s, "{\"type\":\"start-step\"}");
    ev(&mut s, "{\"type\":\"tool-input-available\",\"toolCallId\":\"call_aB12\",\"toolName\":\"knowledge_base\",\"input\":{\"query\":\"change plan\"}}");
    ev(&mut s, "{\"type\":\"finish-step\"}");
    ev(&mut s, "{\"type\":\"start-step\"}");
    ev(&mut s, "{\"type\":\"text-start\",\"id\":\"t1\"}");
    for t in tokens {
        if s.len() >= TARGET - 400 {
            break;
        }
        ev(
            &mut s,
            &format!(
                "{{\"type\":\"text-delta\",\"id\":\"t1\",\"delta\":{}}}",
                q(t)
            ),
        );
    }
    ev(&mut s, "{\"type\":\"text-end\",\"id\":\"t1\"}");
    ev(&mut s, "{\"type\":\"source-url\",\"sourceId\":\"1\",\"url\":\"https://example.com/help/plans\",\"title\":\"Changing plans\"}");
    ev(&mut s, "{\"type\":\"finish-step\"}");
    ev(
        &mut s,
        "{\"type\":\"finish\",\"finishReason\":\"stop\",\"messageMetadata\":{\"id\":\"48213\"}}",
    );
    s.push_str("data: [DONE]\n\n");
    s.into_bytes()
}

fn load_or_write(path: &Path, make: impl FnOnce() -> Vec<u8>) -> Vec<u8> {
    if let Ok(bytes) = std::fs::read(path) {
        return bytes;
    }
    let bytes = make();
    if let Err(e) = std::fs::write(path, &bytes) {
        eprintln!("cannot write {}: {e}", path.display());
        std::process::exit(2);
    }
    bytes
}

/// One full decode; returns (events, text bytes) so the work cannot be optimised away.
fn decode_once(bytes: &[u8], format: Format, out: &mut Vec<StreamEvent>) -> (usize, usize) {
    let mut d = Decoder::with_format(format);
    let (mut events, mut text) = (0, 0);
    let mut tally = |out: &mut Vec<StreamEvent>| {
        events += out.len();
        for e in out.iter() {
            if let StreamEvent::TextDelta { delta, .. } = e {
                text += delta.len();
            }
        }
        out.clear();
    };
    for chunk in bytes.chunks(CHUNK) {
        d.push_into(black_box(chunk), out);
        tally(out);
    }
    d.finish_into(out);
    tally(out);
    (events, text)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "target-core/bench".to_owned());
    let iterations: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(21);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {dir}: {e}");
        std::process::exit(2);
    }
    let tokens = tokens();
    let v4 = load_or_write(&Path::new(&dir).join("bench_v4.bin"), || v4_body(&tokens));
    let v5 = load_or_write(&Path::new(&dir).join("bench_v5.bin"), || v5_body(&tokens));
    let mut out = Vec::with_capacity(1024);
    for (name, bytes, format) in [
        ("v4", &v4, Format::DataStreamV4),
        ("v5", &v5, Format::UiMessageStream),
    ] {
        for _ in 0..3 {
            black_box(decode_once(bytes, format, &mut out));
        }
        let mut times = Vec::with_capacity(iterations);
        let mut counts = (0, 0);
        for _ in 0..iterations {
            let start = Instant::now();
            counts = black_box(decode_once(bytes, format, &mut out));
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let mbps = bytes.len() as f64 / median / 1e6;
        println!(
            "{{\"side\":\"rust\",\"format\":\"{name}\",\"bytes\":{},\"events\":{},\"text_bytes\":{},\"median_s\":{median},\"mbps\":{mbps:.1}}}",
            bytes.len(),
            counts.0,
            counts.1
        );
    }
}
