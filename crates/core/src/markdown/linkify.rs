//! URL policy and GitHub's extended autolinks (bare `http(s)://…`, `www.…` and e-mail addresses
//! in prose), which pulldown-cmark does not recognise.
//!
//! [`safe_href`] is the single gate every `href` passes. Works on bytes with ASCII-only
//! decisions (so every cut is on a char boundary); must not depend on a regex engine (size) or
//! on the DOM.

use super::{Element, Node};

/// Returns the `href` to emit for `url`, or `None` unless it is an `http:`, `https:` or `mailto:`
/// URL. `url` must be the decoded destination (pulldown-cmark has already resolved entities and
/// backslash escapes, so `&#106;avascript:` arrives here as `javascript:`).
///
/// Leading/trailing spaces and C0 controls are trimmed as browsers do; any control character left
/// inside (a browser would silently drop `java\tscript:`'s tab) rejects the URL outright, and so
/// does anything without an explicit scheme (relative and protocol-relative `//host` URLs).
pub fn safe_href(url: &str) -> Option<String> {
    let url = url.trim_matches(|c: char| c <= ' ');
    if url.chars().any(|c| c.is_control()) {
        return None;
    }
    let (scheme, _) = url.split_once(':')?;
    let allowed = ["http", "https", "mailto"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s));
    allowed.then(|| url.to_string())
}

/// Splits `text` into text and link nodes following GFM's extended autolink rules, handing them
/// to `out` in order.
pub(crate) fn linkify(text: &str, out: &mut dyn FnMut(Node)) {
    let b = text.as_bytes();
    let mut plain_from = 0;
    let mut i = 0;
    let mut run = RunEnd::default();
    while i < b.len() {
        let found = if at_boundary(b, i) {
            url_at(b, i, &mut run).map(|(end, www)| (i, end, if www { "http://" } else { "" }))
        } else {
            None
        };
        let found = found.or_else(|| {
            (b.get(i) == Some(&b'@'))
                .then(|| email_at(b, i, plain_from))
                .flatten()
                .map(|(start, end)| (start, end, "mailto:"))
        });
        match found.and_then(|(s, e, prefix)| Some((s, e, text.get(s..e)?, prefix))) {
            Some((start, end, link, prefix)) => {
                if let Some(before) = text.get(plain_from..start).filter(|t| !t.is_empty()) {
                    out(Node::Text(before.to_string()));
                }
                match safe_href(&format!("{prefix}{link}")) {
                    Some(href) => {
                        let mut a = Element {
                            tag: "a",
                            attrs: vec![
                                ("href", href),
                                ("target", "_blank".to_string()),
                                ("rel", "noopener noreferrer".to_string()),
                            ],
                            children: Vec::new(),
                        };
                        a.children.push(Node::Text(link.to_string()));
                        out(Node::Element(a));
                    }
                    None => out(Node::Text(link.to_string())),
                }
                plain_from = end;
                i = end;
            }
            None => i += 1,
        }
    }
    if let Some(rest) = text.get(plain_from..).filter(|t| !t.is_empty()) {
        out(Node::Text(rest.to_string()));
    }
}

/// GFM: an autolink starts a line, or follows whitespace or one of `*`, `_`, `~`, `(`.
fn at_boundary(b: &[u8], i: usize) -> bool {
    match i.checked_sub(1).and_then(|p| b.get(p)) {
        None => true,
        Some(c) => c.is_ascii_whitespace() || matches!(c, b'*' | b'_' | b'~' | b'('),
    }
}

fn starts_with_ignore_case(b: &[u8], i: usize, prefix: &[u8]) -> bool {
    b.get(i..i + prefix.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(prefix))
}

/// A domain character: ASCII alphanumeric, `-`, `_`, `.`, or any non-ASCII byte (GFM allows
/// Unicode letters; taking every byte of a multi-byte char keeps cuts on char boundaries).
fn is_domain_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.') || c >= 0x80
}

/// GFM's valid domain: at least one period, and no underscore in the last two segments.
fn valid_domain(domain: &[u8]) -> bool {
    let mut segments = domain.rsplit(|&c| c == b'.');
    let last = segments.next().unwrap_or(&[]);
    let second = match segments.next() {
        Some(s) => s,
        None => return false,
    };
    !last.is_empty() && !second.is_empty() && !last.contains(&b'_') && !second.contains(&b'_')
}

/// Where the run of non-space bytes that holds a position ends (at whitespace or `<`), remembered
/// across calls: the linkifier asks for positions in increasing order, and a text without spaces
/// but with many link candidates (`(http://x` × 100 000) must not be scanned once per candidate.
#[derive(Default)]
struct RunEnd {
    /// The last run found, as (a position in it, its end).
    known: Option<(usize, usize)>,
}

impl RunEnd {
    fn at(&mut self, b: &[u8], from: usize) -> usize {
        match self.known {
            Some((start, end)) if start <= from && from <= end => end,
            _ => {
                let mut end = from;
                while b
                    .get(end)
                    .is_some_and(|&c| !c.is_ascii_whitespace() && c != b'<')
                {
                    end += 1;
                }
                self.known = Some((from, end));
                end
            }
        }
    }
}

/// No domain name is longer (DNS allows 253 bytes); also bounds the work per link candidate.
const MAX_DOMAIN: usize = 255;
/// Bare URLs longer than this stay text (a `[label](url)` link is not limited). Real ones are far
/// shorter, and it bounds the work per candidate: text without spaces can hold a candidate every
/// few bytes, and each one's end is found by trimming back from the end of its run.
const MAX_BARE_URL: usize = 2048;

/// The end of an `http://`, `https://` or `www.` autolink starting at `i`, and whether it was
/// a `www.` one (which links to `http://`).
fn url_at(b: &[u8], i: usize, run: &mut RunEnd) -> Option<(usize, bool)> {
    let (domain_start, www) = if starts_with_ignore_case(b, i, b"https://") {
        (i + 8, false)
    } else if starts_with_ignore_case(b, i, b"http://") {
        (i + 7, false)
    } else if starts_with_ignore_case(b, i, b"www.") {
        (i, true)
    } else {
        return None;
    };
    let run_end = run.at(b, domain_start);
    // The domain first: it is short, and most candidates fail there, before any O(link) work.
    let mut domain_end = domain_start;
    while domain_end < run_end && b.get(domain_end).is_some_and(|&c| is_domain_byte(c)) {
        domain_end += 1;
        if domain_end - domain_start > MAX_DOMAIN {
            return None;
        }
    }
    // Trimming only ever removes a trailing `.` or `_` from the domain itself.
    let domain = b.get(domain_start..domain_end)?;
    let bare = domain.len()
        - domain
            .iter()
            .rev()
            .take_while(|&&c| matches!(c, b'.' | b'_'))
            .count();
    if !valid_domain(domain) && !valid_domain(domain.get(..bare)?) {
        return None;
    }
    if run_end - i > MAX_BARE_URL {
        return None;
    }
    let end = trim_trailing(b, i, run_end);
    let domain = b.get(domain_start..domain_end.min(end))?;
    valid_domain(domain).then_some((end, www))
}

/// GFM: trailing `?!.,:*_~'"` are not part of an autolink, nor an unbalanced trailing `)`, nor a
/// trailing entity-like `&name;`.
///
/// The parentheses are counted once: trimming `)` after `)` must not recount the link each time
/// (`https://a.b` + `)` × 200 000).
fn trim_trailing(b: &[u8], start: usize, mut end: usize) -> usize {
    let link = b.get(start..end).unwrap_or(&[]);
    let open = link.iter().filter(|&&c| c == b'(').count();
    let mut close = link.iter().filter(|&&c| c == b')').count();
    loop {
        let Some(&last) = end.checked_sub(1).and_then(|p| b.get(p)) else {
            return end;
        };
        if end <= start {
            return end;
        }
        if matches!(
            last,
            b'?' | b'!' | b'.' | b',' | b':' | b'*' | b'_' | b'~' | b'\'' | b'"'
        ) {
            end -= 1;
        } else if last == b')' {
            if close > open {
                end -= 1;
                close -= 1;
            } else {
                return end;
            }
        } else if last == b';' {
            let name = b
                .get(start..end)
                .unwrap_or(&[])
                .iter()
                .rev()
                .skip(1)
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            let amp = end.checked_sub(name + 2);
            if name > 0 && amp.and_then(|p| b.get(p)) == Some(&b'&') && amp >= Some(start) {
                end -= name + 2;
            } else {
                return end;
            }
        } else {
            return end;
        }
    }
}

/// The e-mail autolink around the `@` at `at`, as (start, end); the local part is not allowed to
/// reach back before `floor` (text already emitted).
fn email_at(b: &[u8], at: usize, floor: usize) -> Option<(usize, usize)> {
    let is_local = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b'+');
    let mut start = at;
    while start > floor && b.get(start - 1).is_some_and(|&c| is_local(c)) {
        start -= 1;
    }
    if start == at || !at_boundary(b, start) {
        return None;
    }
    let mut end = at + 1;
    while b
        .get(end)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    {
        end += 1;
    }
    // A final `.` ends the sentence, not the address.
    while end > at + 1 && b.get(end - 1) == Some(&b'.') {
        end -= 1;
    }
    let domain = b.get(at + 1..end)?;
    let bad_end = matches!(domain.last(), None | Some(b'-') | Some(b'_'));
    (!bad_end && domain.contains(&b'.')).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        linkify(text, &mut |n| match n {
            Node::Text(t) => out.push(t),
            Node::Element(e) => out.push(format!("<{}>", e.attr("href").unwrap_or(""))),
        });
        out
    }

    #[test]
    fn href_policy() {
        for ok in ["https://a.b/", " HTTP://a ", "mailto:x@y.z", "HtTpS://x"] {
            assert!(safe_href(ok).is_some(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:x",
            "java\tscript:x",
            "java\nscript:x",
            "http\t://x",
            "https://a\u{0}b",
            "data:text/html,x",
            "vbscript:x",
            "//evil.com",
            "/relative",
            "relative:x",
            "",
            "file:///etc/passwd",
        ] {
            assert!(safe_href(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn extended_autolinks() {
        assert_eq!(
            parts("see https://a.com/x?y=1. ok"),
            ["see ", "<https://a.com/x?y=1>", ". ok"]
        );
        assert_eq!(parts("(www.a.com/b)"), ["(", "<http://www.a.com/b>", ")"]);
        assert_eq!(parts("www.a.com/b_(c)"), ["<http://www.a.com/b_(c)>"]);
        assert_eq!(parts("a www.x_y.com"), ["a www.x_y.com"]);
        assert_eq!(parts("xwww.a.com"), ["xwww.a.com"]);
        assert_eq!(
            parts("mail foo.bar+1@ex.com."),
            ["mail ", "<mailto:foo.bar+1@ex.com>", "."]
        );
        assert_eq!(parts("a@b"), ["a@b"]);
        assert_eq!(parts("https://a.com&amp;"), ["<https://a.com>", "&amp;"]);
        assert_eq!(parts("https://"), ["https://"]);
        assert_eq!(parts("é https://é.fr/ü!"), ["é ", "<https://é.fr/ü>", "!"]);
    }
}
