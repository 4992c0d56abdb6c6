//! Shared helpers for the markdown tests (included with `#[path]`; as its own test target it is
//! empty): an HTML-like serializer for readable assertions, a streaming driver that checks the
//! settling invariants at every push, and a small deterministic RNG.
#![allow(dead_code)]

use helper_widget_core::markdown::{render, IncrementalMarkdown, Node};

/// Serializes nodes as HTML, escaping text and attribute values, for assertions only.
pub fn html(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        write_node(node, &mut out);
    }
    out
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

fn write_node(node: &Node, out: &mut String) {
    match node {
        Node::Text(t) => escape(t, out),
        Node::Element(e) => {
            out.push('<');
            out.push_str(e.tag);
            for (name, value) in &e.attrs {
                out.push(' ');
                out.push_str(name);
                if !value.is_empty() {
                    out.push_str("=\"");
                    escape(value, out);
                    out.push('"');
                }
            }
            out.push('>');
            if matches!(e.tag, "br" | "hr" | "input") {
                assert!(e.children.is_empty(), "void element with children");
                return;
            }
            for child in &e.children {
                write_node(child, out);
            }
            out.push_str("</");
            out.push_str(e.tag);
            out.push('>');
        }
    }
}

/// Streams `chunks` and checks, at every push, that (a) everything settled so far is a prefix
/// of the whole document's render, (b) settled + tail equals a fresh render of the source so far
/// (when `check_prefix_render`), and at the end that settled + final tail equals `render(whole)`.
/// Returns the number of settled blocks emitted before `finish`.
pub fn check_stream(chunks: &[&str], check_prefix_render: bool) -> usize {
    let whole: String = chunks.concat();
    let expected = render(&whole);
    let mut md = IncrementalMarkdown::new();
    let mut settled: Vec<Node> = Vec::new();
    for chunk in chunks {
        let update = md.push(chunk);
        settled.extend(update.settled);
        assert!(
            settled.len() <= expected.len() && settled[..] == expected[..settled.len()],
            "settled blocks differ from the whole render\nchunks: {chunks:?}\nsettled: {}\nwhole:   {}",
            html(&settled),
            html(&expected)
        );
        // Between two parses of a giant open block the tail is not re-rendered (appended text).
        if check_prefix_render && update.appended.is_none() {
            let mut now = settled.clone();
            now.extend(update.tail);
            let fresh = render(md.source());
            assert!(
                now == fresh,
                "settled+tail differs from a fresh render of {:?}\nchunks: {chunks:?}\ngot:   {}\nfresh: {}",
                md.source(),
                html(&now),
                html(&fresh)
            );
        }
    }
    let before_finish = settled.len();
    let last = md.finish();
    assert!(last.tail.is_empty());
    settled.extend(last.settled);
    assert!(
        settled == expected,
        "final render differs\nchunks: {chunks:?}\ngot:   {}\nwhole: {}",
        html(&settled),
        html(&expected)
    );
    assert_eq!(md.source(), whole);
    before_finish
}

/// xorshift64*: deterministic, dependency-free.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Splits `text` at `cuts` random char boundaries.
pub fn random_split<'a>(text: &'a str, cuts: usize, rng: &mut Rng) -> Vec<&'a str> {
    let bounds: Vec<usize> = (1..text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    let mut points: Vec<usize> = (0..cuts)
        .filter_map(|_| bounds.get(rng.below(bounds.len())).copied())
        .collect();
    points.sort_unstable();
    points.dedup();
    let mut out = Vec::new();
    let mut from = 0;
    for p in points {
        out.push(&text[from..p]);
        from = p;
    }
    out.push(&text[from..]);
    out
}

/// A reply as a support AI writes them.
pub const SUPPORT_REPLY: &str = "Thanks for reaching out! Here's how to **reset your password**:

1. Open **Settings** → *Account*.
2. Click `Reset password`.
3. Check your inbox for the email [(1)](https://help.example.com/articles/reset?ref=chat \"Reset guide\").

If that doesn't work:

- Clear your browser cache
- Try a private window
  - Chrome: `Ctrl+Shift+N`
  - Firefox: `Ctrl+Shift+P`

## Plan comparison

| Plan | Price | Seats |
|:-----|------:|:-----:|
| Free | $0 | 1 |
| Pro  | $12 | 10 |

> **Note:** changes can take up to 5 minutes.
> Contact support@example.com if you are stuck.

```rust
fn main() {

    println!(\"hello\");
}
```

- [x] Verify your email
- [ ] Enable 2FA

~~The old method~~ is deprecated; see https://example.com/docs. Or www.example.org/help_(faq).

Loose list:

- First item

- Second item
  with continuation

  Second paragraph of the item.

3. Three
4. Four

Setext heading
--------------

***

Final line with a hard break  
and <b>html</b> & stuff [(2)](https://example.com/a_b).
";

/// Constructs whose block structure depends on what follows.
pub const TRICKY: &str = "para one
lazy two
===

> quote
lazy quote line
> back

- a
- b

- c
***
- d
*e

    indented code

    more code
after

[ref]: https://example.com/ref 'Ref title'

Use [ref] and [Ref][] here.

<div>
*not emphasis*
</div>

<script>
alert(1)

</script>

| a | b |
|---|---|
| 1 | 2 |
tail row
para after table

~~~
unclosed fence
    kept
";
