//! Streaming markdown: a reply arrives as text deltas and is rendered as it grows, settling
//! finished top-level blocks so that each push costs O(open tail), not O(message).
//!
//! # Settling rule
//!
//! Only `source[settled_end..]` (the *tail*) is ever parsed; `settled_end` is always the start of
//! a line. After each push the tail is parsed and its top-level blocks `B1 … Bn` found. Block `Bi`
//! (i < n) is settled — emitted once and never rebuilt — when `Bi+1` starts on a line that is
//! followed by at least one more complete line (one ending in `\n`, `\r\n` or `\r`). `settled_end` then moves to
//! the start of the line where the first unsettled block begins.
//!
//! Why this is enough. CommonMark assigns lines to blocks one line at a time, and at the top
//! level only the last block is open: when a line starts `Bi+1`, `Bi` is closed for good.
//! Appending text can change only the last, incomplete line and add lines after it, so what we
//! must rule out is that the line starting `Bi+1` is re-read differently:
//! - it must be complete: a partial last line can still change kind (`***` is a thematic break
//!   ending a list, `***x` is a lazy continuation of that list's paragraph; `- ` cannot interrupt
//!   a paragraph, `- x` can);
//! - the line after it must be complete too: a block's kind can depend on its next line (a table
//!   needs its delimiter row, and `-|-` becomes `-|-x`, which is none). With pulldown-cmark such a
//!   line never merges back into the block before (its tables cannot interrupt a paragraph), but
//!   GFM's can; one line of delay keeps the rule sound without relying on that detail.
//!
//! Everything that later text can still change lives in the last block (or, until the next
//! complete line, the last two), which stays in the tail: setext underlines and table delimiter
//! rows turn an *open* paragraph into a heading/table; lazy continuation lines, list items after
//! blank lines (tight vs loose), indented continuations and block-quote continuation only extend
//! the open block; an unclosed fenced code block or HTML block of kinds 1–5 runs to the end of the
//! tail, so it is the last block until it closes. Re-parsing from the start of a line keeps
//! indentation (and so list/code column arithmetic) exactly as in the whole document.
//!
//! # Limits
//! - Link reference definitions are global: those in settled text are remembered and resolve
//!   references in the tail, but a reference whose definition arrives *after* its block settled
//!   stays unlinked (the whole-document render would link it), and a label defined twice resolves
//!   to the first definition only if both are in settled text.
//! - A single giant open block (a long list — its tightness is decided by its last items —, a
//!   long table, an unclosed code fence, a paragraph without line breaks) cannot be settled, and
//!   re-parsing it on every push would cost O(n²) over the reply. Once the tail passes
//!   [`LAZY_TAIL`] bytes it is re-parsed only when it has grown by a quarter since its last
//!   parse; in between, a push hands its text on as [`Update::appended`], shown as plain text
//!   after the tail until the next parse. Parsing then costs O(n) over the whole reply (a
//!   geometric series), each push O(its delta) on average, and `finish` is exact as always.
//!
//! Must not depend on the DOM; the widget applies [`Update`]s.

use super::build::{self, Defs};
use super::Node;

/// Tails longer than this are re-parsed only after growing by a quarter (see the module docs).
pub const LAZY_TAIL: usize = 16 * 1024;

/// What one push changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Update {
    /// Text to show, as is, after the current tail, without re-rendering anything: a push into
    /// a giant open block between two of its parses. The next update with a `tail` replaces it.
    pub appended: Option<String>,
    /// Blocks that became settled with this push, in order; they never change again and follow
    /// the blocks settled before.
    pub settled: Vec<Node>,
    /// The new rendering of the still-open tail, replacing the previous tail.
    pub tail: Vec<Node>,
    /// `tail` is equal to the previous tail (and `settled` is empty): the DOM can be left alone.
    pub tail_unchanged: bool,
}

/// A streaming message. See the module docs for the settling rule.
#[derive(Debug, Default)]
pub struct IncrementalMarkdown {
    source: String,
    /// Byte offset of the first unsettled line; everything before it has been emitted as settled.
    settled_end: usize,
    /// Link reference definitions from settled text.
    defs: Defs,
    tail: Vec<Node>,
    /// Length of the tail at its last parse (for the lazy re-parse of giant open blocks).
    parsed_tail_len: usize,
    /// `source.len()` at the last parse or lazy push: text after it is new.
    handed_on: usize,
    last_parse_len: usize,
    total_parse_len: usize,
}

/// Start of the line containing byte `at` of `text`. CommonMark ends lines at `\n`, `\r\n` and a
/// lone `\r`; cutting at a `\n` only would re-parse (and emit twice) text after a lone `\r`.
fn line_start(text: &[u8], at: usize) -> usize {
    text.get(..at)
        .and_then(|b| memchr::memrchr2(b'\n', b'\r', b))
        .map_or(0, |p| p + 1)
}

/// Start of the last complete line of `text` (0 if there is none).
fn last_complete_line(text: &[u8]) -> usize {
    let mut end = line_start(text, text.len());
    // Step back over that line's ending, `\r\n` counting as one.
    if end > 0 && text.get(end - 1) == Some(&b'\n') {
        end -= 1;
    }
    if end > 0 && text.get(end - 1) == Some(&b'\r') {
        end -= 1;
    }
    line_start(text, end)
}

impl IncrementalMarkdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a delta. Returns the blocks that became settled with this push (in order; they
    /// never change again) and the new rendering of the still-open tail, which replaces the
    /// previous tail.
    pub fn push(&mut self, delta: &str) -> Update {
        self.source.push_str(delta);
        self.step(false)
    }

    /// End of the message: everything left becomes settled (`Update::tail` is empty). Text pushed
    /// after this starts new blocks.
    pub fn finish(&mut self) -> Update {
        self.step(true)
    }

    /// Everything pushed so far.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Bytes parsed by the last push or finish (the tail's length): the per-push work.
    pub fn last_parse_len(&self) -> usize {
        self.last_parse_len
    }

    /// Bytes parsed by all pushes so far.
    pub fn total_parse_len(&self) -> usize {
        self.total_parse_len
    }

    fn step(&mut self, finish: bool) -> Update {
        let tail_len = self.source.len() - self.settled_end;
        if !finish
            && tail_len > LAZY_TAIL
            && tail_len < self.parsed_tail_len + self.parsed_tail_len / 4
        {
            self.last_parse_len = 0;
            // The next parse must replace the shown tail and this text, even if it renders the
            // same as the last one.
            self.tail.clear();
            let new = self.source.get(self.handed_on..).unwrap_or("").to_owned();
            self.handed_on = self.source.len();
            return Update {
                appended: Some(new),
                tail_unchanged: false,
                ..Update::default()
            };
        }
        self.handed_on = self.source.len();
        let text = self.source.get(self.settled_end..).unwrap_or("");
        self.last_parse_len = text.len();
        self.total_parse_len += text.len();
        let parsed = build::parse(text, &self.defs);
        let bytes = text.as_bytes();

        // Blocks starting before `stable` start on a line followed by another complete line.
        let stable = if finish {
            usize::MAX
        } else {
            last_complete_line(bytes)
        };
        let first_open = if finish {
            parsed.blocks.len()
        } else {
            parsed
                .blocks
                .iter()
                .rposition(|&(start, _)| start < stable)
                .unwrap_or(0)
        };
        // Nothing settles when the first block is still open: the text before it (blank lines,
        // a link definition whose title may still follow) is then re-read with it.
        let (cut_node, cut_byte) = match parsed.blocks.get(first_open) {
            _ if finish => (parsed.nodes.len(), bytes.len()),
            Some(&(start, node)) if first_open > 0 => (node, line_start(bytes, start)),
            _ => (0, 0),
        };

        for (label, dest, title, end) in parsed.defs {
            if end <= cut_byte {
                self.defs.entry(label).or_insert((dest, title));
            }
        }
        self.settled_end += cut_byte;
        self.parsed_tail_len = bytes.len() - cut_byte;

        let mut settled = parsed.nodes;
        let tail = settled.split_off(cut_node.min(settled.len()));
        let tail_unchanged = settled.is_empty() && tail == self.tail;
        self.tail.clone_from(&tail);
        Update {
            appended: None,
            settled,
            tail,
            tail_unchanged,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_boundaries_include_carriage_returns() {
        assert_eq!(line_start(b"ab\rcd", 4), 3);
        assert_eq!(line_start(b"ab\r\ncd", 5), 4);
        assert_eq!(last_complete_line(b"a\nb\r\nc"), 2);
        assert_eq!(last_complete_line(b"a\nb\r\n"), 2);
        assert_eq!(last_complete_line(b"a\rb\r"), 2);
        assert_eq!(last_complete_line(b"a\n\nb"), 2);
        assert_eq!(last_complete_line(b"abc"), 0);
        assert_eq!(last_complete_line(b"abc\n"), 0);
    }
}
