//! Byte-level line splitting shared by the line-framed formats (v4 data stream and SSE).
//!
//! Works on bytes, not text: a line terminator byte can never occur inside a multi-byte UTF-8
//! sequence, so holding the partial last line as bytes also holds any split character. Each
//! byte is scanned once and copied at most once (only the unfinished tail of a chunk is
//! buffered), so the cost is linear in the body. No dependency beyond `memchr`.

/// Splits pushed bytes into lines without their terminators.
#[derive(Debug, Default)]
pub(crate) struct LineBuffer {
    /// The unfinished line carried over from earlier chunks.
    partial: Vec<u8>,
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
            skip_lf: false,
            cr_ends_line,
        }
    }

    /// Calls `on_line` for every line completed by `bytes`, in order.
    pub(crate) fn feed(&mut self, mut bytes: &[u8], mut on_line: impl FnMut(&[u8])) {
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
            if self.partial.is_empty() {
                on_line(trim_cr(line, self.cr_ends_line));
            } else {
                self.partial.extend_from_slice(line);
                on_line(trim_cr(&self.partial, self.cr_ends_line));
                self.partial.clear();
            }
            bytes = rest;
        }
        self.partial.extend_from_slice(bytes);
    }

    /// At the end of the body: the unterminated last line, if any (the v4 SDK parses it too).
    pub(crate) fn flush(&mut self, mut on_line: impl FnMut(&[u8])) {
        self.skip_lf = false;
        if !self.partial.is_empty() {
            let partial = std::mem::take(&mut self.partial);
            on_line(trim_cr(&partial, self.cr_ends_line));
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
        for c in chunks {
            lb.feed(c, |l| out.push(String::from_utf8_lossy(l).into_owned()));
        }
        lb.flush(|l| out.push(String::from_utf8_lossy(l).into_owned()));
        out
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
