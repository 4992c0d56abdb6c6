//! A small CSS minifier for the widget's own stylesheet, run by the root crate's `build.rs`.
//!
//! Every byte of `style/widget.css` is compiled into the wasm that every visitor downloads, so
//! the build strips what the browser ignores. It is deliberately conservative: it removes
//! comments, collapses whitespace, drops whitespace only next to `{`, `}`, `;`, `,` and after
//! `:`, and drops the `;` before a `}`. Everything else keeps one space, because whitespace is
//! meaningful in many places (`.a :hover` is not `.a:hover`, `calc(1px + 2px)` needs its
//! spaces, `and (` must not become a function token `and(`). Strings and escapes are copied
//! verbatim.
//!
//! It is included by path (not a crate) from `build.rs` and from the core crate's test
//! `crates/core/tests/css_minify.rs`, so the same source is what the build runs and what the
//! native test suite checks, without adding a crate to the build.

/// Characters after which whitespace is never needed.
fn drops_space_after(c: char) -> bool {
    matches!(c, '{' | '}' | ';' | ',' | ':')
}

/// Characters before which whitespace is never needed. Not `:` (a descendant combinator before
/// a pseudo-class is significant) and not `!` (kept for readability of `!important`; one byte).
fn drops_space_before(c: char) -> bool {
    matches!(c, '{' | '}' | ';' | ',')
}

/// Returns `css` without comments and without whitespace the CSS parser would ignore.
///
/// A comment counts as whitespace (so `a/**/b` becomes `a b`); the stylesheet has no comment
/// used as a token separator, and a space is the safe reading of one.
pub fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    // Whitespace (or a comment) was skipped since the last character written.
    let mut space = false;
    // A `;` ending a declaration, written only once we know a `}` does not follow it.
    let mut semicolon = false;
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut prev = '\0';
            for d in chars.by_ref() {
                if prev == '*' && d == '/' {
                    break;
                }
                prev = d;
            }
            space = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if semicolon {
            semicolon = false;
            if c == '}' {
                space = false;
            } else {
                out.push(';');
            }
        }
        if space {
            space = false;
            if let Some(last) = out.chars().last() {
                if !drops_space_after(last) && !drops_space_before(c) {
                    out.push(' ');
                }
            }
        }
        match c {
            '"' | '\'' => {
                out.push(c);
                while let Some(d) = chars.next() {
                    out.push(d);
                    if d == '\\' {
                        if let Some(e) = chars.next() {
                            out.push(e);
                        }
                    } else if d == c || d == '\n' {
                        // A newline ends an unterminated string (a CSS parse error); copying
                        // it keeps the browser's error recovery the same.
                        break;
                    }
                }
            }
            '\\' => {
                // An escape: the next character is part of the identifier, whatever it is.
                out.push(c);
                if let Some(d) = chars.next() {
                    out.push(d);
                }
            }
            ';' => semicolon = true,
            _ => out.push(c),
        }
    }
    if semicolon {
        out.push(';');
    }
    out
}
