//! Randomized: no input or chunking makes the renderer panic, and streamed markdown-like
//! documents always equal their whole-document render.

#[path = "markdown_common.rs"]
mod common;

use common::{check_stream, random_split, Rng};
use helper_widget_core::markdown::{render, IncrementalMarkdown, Node, LAZY_TAIL};

/// Pieces that exercise the parser's and linkifier's edge cases, hostile ones included.
const TOKENS: &[&str] = &[
    "\n",
    "\n",
    "\n\n",
    " ",
    "  ",
    "    ",
    "\t",
    "a",
    "word ",
    "*",
    "**",
    "_",
    "~",
    "~~",
    "`",
    "```",
    "~~~",
    "#",
    "## ",
    ">",
    "> ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "|",
    " | ",
    "|---|",
    ":-:",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "[x] ",
    "[ ] ",
    "<",
    ">",
    "&",
    ";",
    "&#106;",
    "&amp;",
    "\\",
    "---",
    "===",
    "***",
    "http://",
    "https://",
    "www.",
    "@",
    ".com",
    ".org/",
    "mailto:",
    "javascript:",
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<!--",
    "-->",
    "<div>",
    "</div>",
    "<pre>",
    "\u{0}",
    "\r",
    "é",
    "🙂",
    "\u{200b}",
    "x@y.z",
    "(1)",
    "\"t\"",
    "]:",
    "[ref]",
    "<https://a.com>",
    "<a@b.co>",
];

fn token_soup(rng: &mut Rng, max_tokens: usize) -> String {
    let n = rng.below(max_tokens) + 1;
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(TOKENS[rng.below(TOKENS.len())]);
    }
    s
}

fn random_chars(rng: &mut Rng, max: usize) -> String {
    let n = rng.below(max);
    (0..n)
        .map(|_| match rng.below(4) {
            0 => char::from_u32(rng.below(0x80) as u32).unwrap_or('x'),
            1 => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}'),
            _ => {
                let set = b"*_`#>-+|[]()!<&;:\\\n ~=.@";
                set[rng.below(set.len())] as char
            }
        })
        .collect()
}

fn walk_ok(nodes: &[Node]) {
    for n in nodes {
        if let Node::Element(e) = n {
            for (name, _) in &e.attrs {
                assert!(!name.starts_with("on") && *name != "style" && *name != "src");
            }
            walk_ok(&e.children);
        }
    }
}

#[test]
fn never_panics_on_random_input_and_chunking() {
    let mut rng = Rng(0xdead_beef_f00d_0042);
    for round in 0..200_000 {
        let s = if round % 3 == 0 {
            random_chars(&mut rng, 40)
        } else {
            token_soup(&mut rng, 16)
        };
        let whole = render(&s);
        walk_ok(&whole);
        if round % 4 == 0 {
            let mut md = IncrementalMarkdown::new();
            let cuts = rng.below(6);
            for chunk in random_split(&s, cuts, &mut rng) {
                let u = md.push(chunk);
                walk_ok(&u.settled);
                walk_ok(&u.tail);
            }
            md.finish();
        }
    }
}

/// Line-structured documents (so blocks form and settle) checked for exact equivalence.
const COUNT: usize = 4_000;
const LINES: &[&str] = &[
    "",
    "",
    "",
    "para text",
    "more *emph* text",
    "lazy line",
    "# heading",
    "Setext",
    "===",
    "---",
    "***",
    "- item",
    "- [x] task",
    "* star item",
    "+ plus",
    "1. one",
    "2. two",
    "10) ten",
    "  - nested",
    "    indented",
    "     deep",
    "> quote",
    "> - quoted item",
    ">",
    "```",
    "```js",
    "~~~",
    "| a | b |",
    "|---|:-:|",
    "| 1 | 2 |",
    "a | b",
    "-|-",
    "<div>",
    "</div>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "text https://a.com/x_(y). end",
    "\tTabbed",
    "- a\tb",
    "  continuation",
    "   3. three",
    "[link](https://x.com) and ![i](https://y/i.png)",
];

#[test]
fn streamed_equals_whole_for_random_documents() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for _ in 0..COUNT {
        let lines = rng.below(14) + 1;
        let mut doc = String::new();
        for _ in 0..lines {
            doc.push_str(LINES[rng.below(LINES.len())]);
            doc.push_str(["\n", "\n", "\n", "\r\n", "\r"][rng.below(5)]);
        }
        if rng.below(3) == 0 {
            doc.pop();
        }
        let cuts = rng.below(doc.len().max(1));
        let chunks = random_split(&doc, cuts, &mut rng);
        check_stream(&chunks, true);
    }
}

/// One hostile piece of a reply: deep nesting, a very long line, a crowd of links, an unclosed
/// fence, unbalanced parentheses around URLs, or ordinary lines between them.
fn hostile_piece(rng: &mut Rng) -> String {
    let n = |rng: &mut Rng, max: usize| rng.below(max) + 1;
    match rng.below(7) {
        0 => {
            let prefix = ["> ", "- ", "1. ", "* > ", "  - "][rng.below(5)];
            format!("{}nested text\n", prefix.repeat(n(rng, 3000)))
        }
        1 => format!("{}\n", "long words without a break ".repeat(n(rng, 4000))),
        2 => "see https://a.b/x_(y) and www.c.d, ".repeat(n(rng, 1500)),
        3 => format!("```rust\n{}", "let x = 1; // code\n".repeat(n(rng, 3000))),
        4 => "(http://x".repeat(n(rng, 5000)),
        5 => "**bold _em ~~del [link](https://e.f) ".repeat(n(rng, 2000)),
        _ => format!("Paragraph {}.\n\n- item\n- item\n\n", rng.below(1000)),
    }
}

/// Hostile documents in random chunkings: no panic, the streamed rendering equals the whole
/// one, no rendered tree deeper than the cap, and the parsing work over the whole reply stays
/// linear (each push costs its delta plus a constant, on average).
#[test]
fn hostile_documents_stream_like_the_whole_with_bounded_work() {
    let mut rng = Rng(0x0005_eed0_fa11_1ce5);
    for _ in 0..40 {
        let mut doc = String::new();
        for _ in 0..rng.below(4) + 1 {
            doc.push_str(&hostile_piece(&mut rng));
        }
        let whole = render(&doc);
        let max_chunk = 1 << (rng.below(8) + 5); // 32 B .. 4 KB
        let mut md = IncrementalMarkdown::new();
        let mut streamed: Vec<Node> = Vec::new();
        let mut pushes = 0usize;
        let mut at = 0;
        while at < doc.len() {
            let mut end = (at + rng.below(max_chunk) + 1).min(doc.len());
            while !doc.is_char_boundary(end) {
                end += 1;
            }
            streamed.extend(md.push(&doc[at..end]).settled);
            pushes += 1;
            at = end;
        }
        streamed.extend(md.finish().settled);
        assert!(
            streamed == whole,
            "streamed differs from whole ({} bytes)",
            doc.len()
        );
        let bound = 6 * doc.len() + pushes * (LAZY_TAIL + LAZY_TAIL / 4 + max_chunk);
        assert!(
            md.total_parse_len() <= bound,
            "parsed {} bytes for a {}-byte reply in {pushes} pushes (bound {bound})",
            md.total_parse_len(),
            doc.len()
        );
    }
}
