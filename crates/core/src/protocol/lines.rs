//! Byte-level line splitting shared by the line-framed formats (v4 data stream and SSE).
//!
//! Works on bytes, not text: a line terminator byte can never occur inside a multi-byte UTF-8
//! sequence, so holding the partial last line as bytes also holds any split character. Each
//! byte is scanned once and copied at most once (only the unfinished tail of a chunk is
//! buffered), so the cost is linear in the body. No dependency beyond `memchr`.

/// The longest line kept. Real lines (a text delta, a tool result) are far shorter; without a
/// limit a body that never sends a newline would grow the buffer until the tab runs out of
/// memory. A longer line is dropped whole and reported as [`LineTooLong`].
pub(crate) const MAX_LINE: usize = 8 * 1024 * 1024;

/// A line over [`MAX_LINE`] bytes was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineTooLong;

/// Splits pushed bytes into lines without their terminators.
#[derive(Debug, Default)]
pub(crate) struct LineBuffer {
    /// The unfinished line carried over from earlier chunks.
    partial: Vec<u8>,
    /// The current line passed [`MAX_LINE`]: its bytes are dropped until it ends.
    overlong: bool,
    /// The previous chunk ended in CR: an LF at the start of the next one belongs to it.
    skip_lf: bool,
    /// SSE ends lines at CR, LF or CRLF; the v4 stream only at LF (its SDK splits on `\n` and
    /// lets JSON treat a trailing CR as whitespace; we trim that CR).
    cr_ends_line: bool,
}

impl LineBuffer {
    pub(crate) fn new(cr_ends_line: bool) -> Self {
        LineBuffer {
            partial: Vec::new(),
            overlong: false,
            skip_lf: false,
            cr_ends_line,
        }
    }

    /// Calls `on_line` for every line completed by `bytes`, in order.
    pub(crate) fn feed(
        &mut self,
        mut bytes: &[u8],
        mut on_line: impl FnMut(Result<&[u8], LineTooLong>),
    ) {
        if self.skip_lf {
            if let Some((&b'\n', rest)) = bytes.split_first() {
                bytes = rest;
                self.skip_lf = false;
            } else if !bytes.is_empty() {
                self.skip_lf = false;
            }
        }
        while let Some(pos) = self.find_eol(bytes) {
            let (line, rest) = bytes.split_at(pos);
            let (terminator, mut rest) = match rest.split_first() {
                Some((t, r)) => (*t, r),
                None => break,
            };
            if terminator == b'\r' {
                match rest.split_first() {
                    Some((&b'\n', r)) => rest = r,
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
            if self.overlong || self.partial.len() + line.len() > MAX_LINE {
                self.overlong = false;
                self.partial.clear();
                on_line(Err(LineTooLong));
            } else if self.partial.is_empty() {
                on_line(Ok(trim_cr(line, self.cr_ends_line)));
            } else {
                self.partial.extend_from_slice(line);
                on_line(Ok(trim_cr(&self.partial, self.cr_ends_line)));
                self.partial.clear();
            }
            bytes = rest;
        }
        if self.overlong || self.partial.len() + bytes.len() > MAX_LINE {
            self.overlong = true;
            self.partial = Vec::new();
        } else {
            self.partial.extend_from_slice(bytes);
        }
    }

    /// At the end of the body: the unterminated last line, if any (the v4 SDK parses it too).
    pub(crate) fn flush(&mut self, mut on_line: impl FnMut(Result<&[u8], LineTooLong>)) {
        self.skip_lf = false;
        if std::mem::take(&mut self.overlong) {
            on_line(Err(LineTooLong));
        } else if !self.partial.is_empty() {
            let partial = std::mem::take(&mut self.partial);
            on_line(Ok(trim_cr(&partial, self.cr_ends_line)));
        }
    }

    fn find_eol(&self, bytes: &[u8]) -> Option<usize> {
        if self.cr_ends_line {
            memchr::memchr2(b'\n', b'\r', bytes)
        } else {
            memchr::memchr(b'\n', bytes)
        }
    }
}

fn trim_cr(line: &[u8], cr_ends_line: bool) -> &[u8] {
    if cr_ends_line {
        return line;
    }
    match line.split_last() {
        Some((&b'\r', rest)) => rest,
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]], cr: bool) -> Vec<String> {
        let mut lb = LineBuffer::new(cr);
        let mut out = Vec::new();
        let mut push = |l: Result<&[u8], LineTooLong>| {
            out.push(match l {
                Ok(l) => String::from_utf8_lossy(l).into_owned(),
                Err(LineTooLong) => "<too long>".to_owned(),
            })
        };
        for c in chunks {
            lb.feed(c, &mut push);
        }
        lb.flush(&mut push);
        out
    }

    #[test]
    fn a_line_over_the_limit_is_dropped_whole_without_being_kept() {
        let big = vec![b'x'; MAX_LINE / 4 + 1];
        let mut lb = LineBuffer::new(false);
        let mut out = Vec::new();
        lb.feed(b"0:\"a\"\n", |l| out.push(l.map(<[u8]>::to_vec)));
        for _ in 0..5 {
            lb.feed(&big, |l| out.push(l.map(<[u8]>::to_vec)));
            assert!(lb.partial.len() <= MAX_LINE, "the buffer stays bounded");
        }
        lb.feed(b"tail\n0:\"b\"\n", |l| out.push(l.map(<[u8]>::to_vec)));
        assert_eq!(
            out,
            vec![
                Ok(b"0:\"a\"".to_vec()),
                Err(LineTooLong),
                Ok(b"0:\"b\"".to_vec())
            ]
        );
        // Cut off by the end of the body, it is reported too.
        lb.feed(&big, |_| {});
        for _ in 0..4 {
            lb.feed(&big, |_| {});
        }
        let mut end = Vec::new();
        lb.flush(|l| end.push(l.map(<[u8]>::to_vec)));
        assert_eq!(end, vec![Err(LineTooLong)]);
    }

    #[test]
    fn crlf_split_across_chunks_is_one_terminator() {
        assert_eq!(split(&[b"a\r", b"\nb\n"], true), vec!["a", "b"]);
        assert_eq!(split(&[b"a\r", b"", b"\nb\n"], true), vec!["a", "b"]);
        assert_eq!(split(&[b"a\r\rb"], true), vec!["a", "", "b"]);
    }

    #[test]
    fn lf_only_mode_trims_trailing_cr() {
        assert_eq!(
            split(&[b"0:\"a\"\r\n0:\"b\"\n"], false),
            vec!["0:\"a\"", "0:\"b\""]
        );
    }
}
