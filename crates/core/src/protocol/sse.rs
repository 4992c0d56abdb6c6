//! Server-sent-events framing (WHATWG "event stream interpretation"), as used by the v5+ UI
//! message stream and by the seed docs' `data:` lines.
//!
//! Bytes in, event data out; it knows nothing of the JSON inside except, in JSON-lines mode,
//! where one value ends. Depends on nothing but `memchr`, and never on the browser.
//!
//! Per WHATWG: lines end at LF, CR or CRLF (a CRLF split across chunks is one terminator), a
//! leading BOM is dropped, `:` lines are comments, `data` lines are joined with `\n`, `event`,
//! `id` and `retry` are accepted and ignored (the AI SDK uses only `data`), and an event is
//! dispatched at a blank line.
//!
//! **JSON-lines mode** (what the decoder uses) adds the embed contract's rule: a `data:` line
//! that completes a JSON value is dispatched at that line's end, blank line after it or not (the
//! seed docs send none). Data that starts with `{` or `[` is tracked by a linear structural
//! scanner (brackets and strings) across `data:` lines; it is dispatched at the first line end
//! where the brackets balance, or at a blank line, whichever comes first. Data that starts
//! with anything else cannot continue on another line as valid JSON, so it is dispatched at its
//! own line end. Dispatching clears the buffer, so the blank line that follows finds nothing:
//! no event is dispatched twice. At the end of the body an unterminated last line is still
//! read (the AI SDK drops it; a tolerant widget keeps the text), and data left incomplete is
//! reported as [`SseEvent::Truncated`]. In plain WHATWG mode (`json_lines: false`) none of this
//! applies and an event without its blank line is not emitted, as in `eventsource-parser`.

use super::lines::{LineBuffer, LineTooLong, MAX_LINE};

/// What the framer hands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseEvent<'a> {
    /// The data of one event (data lines joined with `\n`).
    Data(&'a str),
    /// A line whose field is not one of `data`, `event`, `id`, `retry`. WHATWG ignores it; we
    /// pass it on so the UI can log it (a v4 body sent as `text/event-stream` shows up here).
    UnknownField { line: &'a str, field: &'a str },
    /// The body ended inside an event (JSON-lines mode only).
    Truncated(&'a str),
    /// A line, or an event's data, passed the decoder's limit and was dropped.
    TooLong,
}

/// Incremental SSE framer.
#[derive(Debug)]
pub struct SseFramer {
    lines: LineBuffer,
    json_lines: bool,
    at_start: bool,
    data: String,
    has_data: bool,
    scan: JsonScan,
}

impl SseFramer {
    /// `json_lines`: dispatch a `data:` value as soon as it is complete JSON (see module doc).
    pub fn new(json_lines: bool) -> Self {
        SseFramer {
            lines: LineBuffer::new(true),
            json_lines,
            at_start: true,
            data: String::new(),
            has_data: false,
            scan: JsonScan::default(),
        }
    }

    /// Feeds bytes; `on_event` gets every event they complete, in order.
    pub fn feed(&mut self, bytes: &[u8], mut on_event: impl FnMut(SseEvent<'_>)) {
        let mut lines = std::mem::take(&mut self.lines);
        lines.feed(bytes, |line| self.any_line(line, &mut on_event));
        self.lines = lines;
    }

    /// Ends the body: reads an unterminated last line and reports incomplete data.
    pub fn finish(&mut self, mut on_event: impl FnMut(SseEvent<'_>)) {
        let mut lines = std::mem::take(&mut self.lines);
        lines.flush(|line| self.any_line(line, &mut on_event));
        self.lines = lines;
        if self.json_lines && self.has_data {
            on_event(SseEvent::Truncated(&self.data));
        }
        self.reset_data();
    }

    fn any_line(
        &mut self,
        line: Result<&[u8], LineTooLong>,
        on_event: &mut impl FnMut(SseEvent<'_>),
    ) {
        match line {
            Ok(line) => self.line(line, on_event),
            Err(LineTooLong) => {
                self.reset_data();
                on_event(SseEvent::TooLong);
            }
        }
        // Many data lines of one event add up too.
        if self.data.len() > MAX_LINE {
            self.reset_data();
            on_event(SseEvent::TooLong);
        }
    }

    fn line(&mut self, line: &[u8], on_event: &mut impl FnMut(SseEvent<'_>)) {
        let mut line = line;
        if self.at_start {
            self.at_start = false;
            if let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF") {
                line = rest;
            }
        }
        if line.is_empty() {
            if self.has_data {
                on_event(SseEvent::Data(&self.data));
                self.reset_data();
            }
            return;
        }
        if line.first() == Some(&b':') {
            return;
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (&*text, ""),
        };
        match field {
            "data" => self.data_line(value, on_event),
            "event" | "id" | "retry" => {}
            _ => on_event(SseEvent::UnknownField { line: &text, field }),
        }
    }

    fn data_line(&mut self, value: &str, on_event: &mut impl FnMut(SseEvent<'_>)) {
        if !self.json_lines {
            if self.has_data {
                self.data.push('\n');
            }
            self.data.push_str(value);
            self.has_data = true;
            return;
        }
        if !self.has_data {
            // Common case: a one-line value is handed on without being copied.
            let trimmed = value.trim_start();
            if !trimmed.starts_with(['{', '[']) {
                if !trimmed.is_empty() {
                    on_event(SseEvent::Data(value));
                    return;
                }
                // `data:` with nothing yet: WHATWG keeps it as (empty) data of the event.
                self.data.push_str(value);
                self.has_data = true;
                return;
            }
            let mut scan = JsonScan::default();
            scan.feed(value.as_bytes());
            if scan.is_complete() {
                on_event(SseEvent::Data(value));
                return;
            }
            self.scan = scan;
            self.data.push_str(value);
            self.has_data = true;
            return;
        }
        self.data.push('\n');
        self.data.push_str(value);
        if !self.scan.started {
            // Only blank `data:` lines so far; start scanning from this value.
            let trimmed = self.data.trim_start();
            if !trimmed.starts_with(['{', '[']) {
                if !trimmed.is_empty() {
                    on_event(SseEvent::Data(&self.data));
                    self.reset_data();
                }
                return;
            }
        }
        self.scan.feed(b"\n");
        self.scan.feed(value.as_bytes());
        if self.scan.is_complete() {
            on_event(SseEvent::Data(&self.data));
            self.reset_data();
        }
    }

    fn reset_data(&mut self) {
        self.data.clear();
        self.has_data = false;
        self.scan = JsonScan::default();
    }
}

/// Tracks bracket depth outside JSON strings, to tell when a value that opened with `{` or `[`
/// has closed. Each byte is looked at once; string bodies are skipped with `memchr2`.
#[derive(Debug, Default, Clone)]
struct JsonScan {
    started: bool,
    depth: u32,
    in_string: bool,
    escape: bool,
    closed: bool,
}

impl JsonScan {
    fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            if self.in_string {
                if self.escape {
                    self.escape = false;
                    i += 1;
                    continue;
                }
                match bytes
                    .get(i..)
                    .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
                {
                    Some(off) => {
                        let at = i + off;
                        if bytes.get(at) == Some(&b'\\') {
                            self.escape = true;
                        } else {
                            self.in_string = false;
                        }
                        i = at + 1;
                    }
                    None => return,
                }
                continue;
            }
            match bytes.get(i) {
                Some(b'{' | b'[') => {
                    self.started = true;
                    self.depth = self.depth.saturating_add(1);
                }
                Some(b'}' | b']') => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.started && self.depth == 0 {
                        self.closed = true;
                    }
                }
                Some(b'"') => self.in_string = true,
                _ => {}
            }
            i += 1;
        }
    }

    /// The top-level value has closed (anything after it would make the data invalid anyway,
    /// so there is no point waiting for more lines).
    fn is_complete(&self) -> bool {
        self.closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_ignores_brackets_in_strings() {
        let mut s = JsonScan::default();
        s.feed(br#"{"a":"}\"]"#);
        assert!(!s.is_complete());
        s.feed(br#"","b":[1]"#);
        assert!(!s.is_complete());
        s.feed(b"}");
        assert!(s.is_complete());
    }
}
