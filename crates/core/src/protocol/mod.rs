//! Stream decoder (issue 3): bytes of a chat reply in, typed [`StreamEvent`]s out, at any
//! chunking the network produces.
//!
//! Browser-free by rule: this module depends on `serde`, `serde_json`, `thiserror` and `memchr`
//! only (no `web_sys`, `wasm_bindgen`, `js_sys`, `gloo`), and is tested natively. The widget feeds
//! it the chunks of a `fetch` body with [`Decoder::push`] and calls [`Decoder::finish`] at the
//! end of the body.
//!
//! # Formats
//! - [`Format::DataStreamV4`]: the AI SDK v4 data stream, `CODE:JSON` lines, codes
//!   `0 2 3 8 9 a b c d e f g h i j k` (what Helper sends). Reading goes on after `d:`: Helper
//!   sends `h:` sources and the `8:` saved-message id after it.
//! - [`Format::UiMessageStream`]: the v5+ UI message stream, SSE of JSON chunks, every chunk type
//!   up to ai 7 including `data-*`; `[DONE]` is skipped.
//! - [`Format::SeedSse`]: the seed docs' `data: {"type":"text"|"messageAnnotation","value":…}`
//!   lines (the parsed v4 part as SSE data, no blank lines). `text` maps to the same event as
//!   v4 `0:`, `messageAnnotation` to the same as `8:`; any other v4 part name with a `value` is
//!   mapped like its v4 code.
//! - [`Format::PlainText`]: the text stream protocol, raw UTF-8.
//!
//! The two SSE kinds share one reader: either kind's chunks are understood in either.
//!
//! # Detection
//! [`Decoder::from_headers`]: `x-vercel-ai-ui-message-stream` → UI message stream;
//! `x-vercel-ai-data-stream` → v4; `Content-Type: text/event-stream` → SSE; otherwise (the
//! usual cross-origin case, where only `Content-Type` is readable and Helper sends
//! `text/plain`) the format is sniffed from the first non-empty line: `[0-9a-k]:` is v4;
//! `data:`, `event:`, `id:`, `retry:` or a `:` comment is SSE; anything else is plain text. The
//! sniffer decides as soon as the first few bytes of that line allow, so a plain-text reply
//! streams without waiting for a newline. An SSE body is reported as `UiMessageStream` until
//! its first seed-shaped chunk shows it is `SeedSse` (unless the format was given explicitly).
//!
//! # Tolerance (deliberate differences from the AI SDK)
//! The SDK aborts the whole reply on the first bad part; a support widget should show what it
//! can and let the UI log the rest. So:
//! - A malformed line (no `:`, bad JSON, wrong payload shape) becomes
//!   [`StreamEvent::Malformed`] with the line and the reason; reading continues. Payload shapes
//!   are checked as strictly as the SDK, so everything the SDK rejects is reported.
//! - An unknown v4 code or v5 chunk `type` with valid JSON becomes [`StreamEvent::Unknown`]
//!   (the SDK throws for both); reading continues.
//! - A v5 `text-delta`/`reasoning-delta` for a part id never started is passed on (ai 6.0.35+
//!   throws); a missing `id` on a delta is accepted as `None`.
//! - An error part (`3:`, `{"type":"error"}`) is [`StreamEvent::Error`]: the turn has failed,
//!   and the UI keeps the partial text. Parts after it are still decoded so the UI can log them.
//! - SSE: a `data:` value that is complete JSON is dispatched at its line end without waiting
//!   for the blank line (embed contract §6; see [`sse`]); an unterminated last line is still
//!   read; an SSE line with an unknown field is reported (WHATWG ignores it silently).
//! - v4 lines end at LF (a trailing CR is trimmed); SSE lines at LF, CR or CRLF. A leading BOM
//!   is dropped in every format. Invalid UTF-8 is replaced with U+FFFD, as `TextDecoder` does.
//! - Usage counts that are not integers are `None` (the SDK gives `NaN`).
//!
//! # Chunking
//! Events do not depend on how the body was chunked: framed formats emit events only at line
//! ends. Plain text is the exception: its deltas follow the chunks (an incomplete UTF-8
//! sequence at a chunk end is held back), and only their concatenation is chunk-independent.
//! Every byte is scanned a bounded number of times and only an unfinished line is buffered,
//! so the cost is linear in the body.

mod event;
mod lines;
pub mod sse;
mod ui;
mod v4;

pub use event::{saved_message_id, DecodeError, StreamEvent, Usage};

use sse::{SseEvent, SseFramer};

/// The wire format of a reply body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// AI SDK v4 data stream (`0:"…"` lines, `x-vercel-ai-data-stream: v1`).
    DataStreamV4,
    /// AI SDK v5+ UI message stream (SSE, `x-vercel-ai-ui-message-stream: v1`).
    UiMessageStream,
    /// The seed docs' `data: {"type":"text","value":…}` lines (SSE framing).
    SeedSse,
    /// Text stream protocol: the body is the reply text.
    PlainText,
}

/// Incremental decoder of one reply body. Never panics, whatever the bytes.
#[derive(Debug)]
pub struct Decoder {
    state: State,
    /// Whether the format may still be refined from `UiMessageStream` to `SeedSse`.
    refine_sse: bool,
}

#[derive(Debug)]
enum State {
    Sniff(Vec<u8>),
    V4 {
        lines: lines::LineBuffer,
        at_start: bool,
    },
    Sse {
        framer: SseFramer,
        format: Format,
    },
    Plain(PlainText),
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder that sniffs the format from the first non-empty line.
    pub fn new() -> Self {
        Decoder {
            state: State::Sniff(Vec::new()),
            refine_sse: true,
        }
    }

    /// A decoder for a response with these headers (each `None` when absent or unreadable,
    /// as all but `Content-Type` are across origins). Falls back to sniffing.
    pub fn from_headers(
        content_type: Option<&str>,
        data_stream_header: Option<&str>,
        ui_message_stream_header: Option<&str>,
    ) -> Self {
        let present = |h: Option<&str>| h.is_some_and(|v| !v.trim().is_empty());
        if present(ui_message_stream_header) {
            let mut d = Self::with_format(Format::UiMessageStream);
            d.refine_sse = false;
            return d;
        }
        if present(data_stream_header) {
            return Self::with_format(Format::DataStreamV4);
        }
        let is_sse = content_type.is_some_and(|ct| {
            let essence = ct.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("text/event-stream")
        });
        if is_sse {
            let mut d = Self::with_format(Format::UiMessageStream);
            d.refine_sse = true;
            return d;
        }
        Self::new()
    }

    /// A decoder for a known format (no sniffing).
    pub fn with_format(format: Format) -> Self {
        Decoder {
            state: state_for(format),
            refine_sse: false,
        }
    }

    /// The format, once known.
    pub fn format(&self) -> Option<Format> {
        match &self.state {
            State::Sniff(_) => None,
            State::V4 { .. } => Some(Format::DataStreamV4),
            State::Sse { format, .. } => Some(*format),
            State::Plain(_) => Some(Format::PlainText),
        }
    }

    /// Decodes the next chunk of the body.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        self.push_into(bytes, &mut out);
        out
    }

    /// Like [`Decoder::push`], appending to `out` (lets the caller reuse one vector).
    pub fn push_into(&mut self, bytes: &[u8], out: &mut Vec<StreamEvent>) {
        if let State::Sniff(buf) = &mut self.state {
            buf.extend_from_slice(bytes);
            let give_up = buf.len() > SNIFF_LIMIT;
            match sniff(buf, give_up).or(give_up.then_some(Format::PlainText)) {
                Some(format) => {
                    let buf = std::mem::take(buf);
                    self.state = state_for(format);
                    self.feed(&buf, out);
                }
                None => return,
            }
            return;
        }
        self.feed(bytes, out);
    }

    /// Ends the body: decodes what is left (an unterminated last line, held-back bytes) and
    /// reports an event cut off by the end of the body.
    pub fn finish(&mut self) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        self.finish_into(&mut out);
        out
    }

    /// Like [`Decoder::finish`], appending to `out`.
    pub fn finish_into(&mut self, out: &mut Vec<StreamEvent>) {
        if let State::Sniff(buf) = &mut self.state {
            if buf.is_empty() {
                return;
            }
            let format = sniff(buf, true).unwrap_or(Format::PlainText);
            let buf = std::mem::take(buf);
            self.state = state_for(format);
            self.feed(&buf, out);
        }
        let refine = self.refine_sse;
        match &mut self.state {
            State::Sniff(_) => {}
            State::V4 { lines, at_start } => lines.flush(|line| v4_line(line, at_start, out)),
            State::Sse { framer, format } => {
                framer.finish(|ev| sse_event(ev, format, refine, out));
            }
            State::Plain(plain) => plain.finish(out),
        }
    }

    fn feed(&mut self, bytes: &[u8], out: &mut Vec<StreamEvent>) {
        let refine = self.refine_sse;
        match &mut self.state {
            State::Sniff(_) => {}
            State::V4 { lines, at_start } => lines.feed(bytes, |line| v4_line(line, at_start, out)),
            State::Sse { framer, format } => {
                framer.feed(bytes, |ev| sse_event(ev, format, refine, out));
            }
            State::Plain(plain) => plain.feed(bytes, out),
        }
    }
}

fn state_for(format: Format) -> State {
    match format {
        Format::DataStreamV4 => State::V4 {
            lines: lines::LineBuffer::new(false),
            at_start: true,
        },
        Format::UiMessageStream | Format::SeedSse => State::Sse {
            framer: SseFramer::new(true),
            format,
        },
        Format::PlainText => State::Plain(PlainText::default()),
    }
}

fn v4_line(
    line: Result<&[u8], lines::LineTooLong>,
    at_start: &mut bool,
    out: &mut Vec<StreamEvent>,
) {
    let Ok(mut line) = line else {
        out.push(too_long());
        return;
    };
    if *at_start {
        *at_start = false;
        if let Some(rest) = line.strip_prefix(BOM) {
            line = rest;
        }
    }
    v4::decode_line(line, out);
}

fn sse_event(ev: SseEvent<'_>, format: &mut Format, refine: bool, out: &mut Vec<StreamEvent>) {
    match ev {
        SseEvent::Data(data) => {
            let seed = ui::decode_event(data, out);
            if seed && refine && *format == Format::UiMessageStream {
                *format = Format::SeedSse;
            }
        }
        SseEvent::UnknownField { line, field } => out.push(StreamEvent::Malformed {
            line: line.to_owned(),
            error: DecodeError::UnknownSseField(field.to_owned()),
        }),
        SseEvent::TooLong => out.push(too_long()),
        SseEvent::Truncated(data) => {
            if !data.trim().is_empty() {
                out.push(StreamEvent::Malformed {
                    line: data.to_owned(),
                    error: DecodeError::Truncated,
                })
            }
        }
    }
}

fn too_long() -> StreamEvent {
    StreamEvent::Malformed {
        line: String::new(),
        error: DecodeError::LineTooLong,
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// After this many bytes without a decision the format is decided from what is there, so a
/// body of blank lines or one endless first line is not re-scanned on every chunk.
const SNIFF_LIMIT: usize = 4096;

/// Decides the format from the start of the body, or `None` if more bytes are needed. Looks at
/// no more than the blank lines before the first non-empty line plus six bytes of it, so the
/// repeated calls while bytes trickle in stay cheap. `at_end`: no more bytes will come.
fn sniff(buf: &[u8], at_end: bool) -> Option<Format> {
    let mut rest = buf;
    if BOM.starts_with(rest) && !at_end && rest.len() < BOM.len() {
        return None;
    }
    if let Some(r) = rest.strip_prefix(BOM) {
        rest = r;
    }
    let start = rest.iter().position(|&b| b != b'\n' && b != b'\r');
    let Some(start) = start else {
        return if at_end {
            Some(Format::PlainText)
        } else {
            None
        };
    };
    let line = rest.get(start..).unwrap_or_default();
    let (line, ended) = match memchr::memchr2(b'\n', b'\r', line) {
        Some(end) => (line.get(..end).unwrap_or_default(), true),
        None => (line, at_end),
    };
    // v4: one code character, then ':'.
    if let Some(&c) = line.first() {
        if v4::is_known_code(c) {
            match line.get(1) {
                Some(b':') => return Some(Format::DataStreamV4),
                None if !ended => return None,
                _ => {}
            }
        }
    }
    let mut undecided = false;
    for prefix in [&b"data:"[..], b"event:", b"id:", b"retry:", b":"] {
        if line.starts_with(prefix) {
            return Some(Format::UiMessageStream);
        }
        if !ended && prefix.starts_with(line) {
            undecided = true;
        }
    }
    if undecided {
        None
    } else {
        Some(Format::PlainText)
    }
}

/// Plain text: UTF-8 decoded incrementally, holding back an incomplete sequence at a chunk end.
#[derive(Debug, Default)]
struct PlainText {
    held: Vec<u8>,
    started: bool,
}

impl PlainText {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<StreamEvent>) {
        if bytes.is_empty() {
            return;
        }
        if self.held.is_empty() {
            self.decode(bytes, false, out);
        } else {
            // At most three held bytes: joining them with the chunk keeps the cost linear.
            let mut joined = std::mem::take(&mut self.held);
            joined.extend_from_slice(bytes);
            self.decode(&joined, false, out);
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        let held = std::mem::take(&mut self.held);
        self.decode(&held, true, out);
    }

    fn decode(&mut self, mut input: &[u8], at_end: bool, out: &mut Vec<StreamEvent>) {
        if !self.started {
            // Wait for enough bytes to tell whether the body opens with a BOM.
            if !at_end && input.len() < BOM.len() && BOM.starts_with(input) {
                self.held.extend_from_slice(input);
                return;
            }
            self.started = true;
            if let Some(rest) = input.strip_prefix(BOM) {
                input = rest;
            }
        }
        let mut text = String::new();
        loop {
            match std::str::from_utf8(input) {
                Ok(s) => {
                    text.push_str(s);
                    break;
                }
                Err(e) => {
                    let (valid, after) = input.split_at(e.valid_up_to());
                    // `valid` is valid UTF-8 by construction; lossy costs nothing extra here.
                    text.push_str(&String::from_utf8_lossy(valid));
                    match e.error_len() {
                        Some(len) => {
                            text.push('\u{FFFD}');
                            input = after.get(len..).unwrap_or_default();
                        }
                        None if at_end => {
                            text.push('\u{FFFD}');
                            break;
                        }
                        None => {
                            self.held.extend_from_slice(after);
                            break;
                        }
                    }
                }
            }
        }
        if !text.is_empty() {
            out.push(StreamEvent::TextDelta {
                id: None,
                delta: text,
            });
        }
    }
}
