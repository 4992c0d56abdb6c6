//! Replies written to hurt: deep nesting and inputs that make naive parsers quadratic. The
//! widget renders every stored reply on every page load, so one such reply must neither
//! overflow the stack (a crash on each visit) nor freeze the page. Each case is rendered whole
//! and streamed, within a time bound far above what linear work needs.

use helper_widget_core::markdown::{render, IncrementalMarkdown, Node};
use std::time::{Duration, Instant};

fn depth(nodes: &[Node]) -> usize {
    // Iterative on purpose: this test must not be the thing that overflows.
    let mut max = 0;
    let mut stack: Vec<(&Node, usize)> = nodes.iter().map(|n| (n, 1)).collect();
    while let Some((node, d)) = stack.pop() {
        max = max.max(d);
        if let Node::Element(e) = node {
            stack.extend(e.children.iter().map(|c| (c, d + 1)));
        }
    }
    max
}

fn text(nodes: &[Node]) -> String {
    let mut out = String::new();
    let mut stack: Vec<&Node> = nodes.iter().rev().collect();
    while let Some(node) = stack.pop() {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => stack.extend(e.children.iter().rev()),
        }
    }
    out
}

/// Renders `doc` whole and streamed in `chunk`-byte pieces, each within `limit`; returns the
/// whole rendering.
fn render_both(doc: &str, chunk: usize, limit: Duration) -> Vec<Node> {
    let started = Instant::now();
    let whole = render(doc);
    let took = started.elapsed();
    assert!(took < limit, "whole render took {took:?}");

    let started = Instant::now();
    let mut stream = IncrementalMarkdown::new();
    let mut streamed = Vec::new();
    let bytes = doc.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let mut end = (at + chunk).min(bytes.len());
        while !doc.is_char_boundary(end) {
            end += 1;
        }
        let update = stream.push(&doc[at..end]);
        streamed.extend(update.settled);
        at = end;
    }
    streamed.extend(stream.finish().settled);
    let took = started.elapsed();
    assert!(took < limit, "streaming took {took:?}");
    assert_eq!(streamed, whole, "streamed equals whole");
    whole
}

#[test]
fn deeply_nested_quotes_and_lists_render_flat_below_the_cap_with_their_text() {
    for prefix in ["> ", "- ", "1. ", "* > "] {
        let doc = format!("{}deep text", prefix.repeat(50_000));
        let nodes = render_both(&doc, 4096, Duration::from_secs(10));
        assert!(depth(&nodes) <= 33, "{prefix:?}: depth {}", depth(&nodes));
        assert!(text(&nodes).contains("deep text"), "{prefix:?}: text kept");
        // Clone, compare and drop walk the tree: they must survive it too.
        let copy = nodes.clone();
        assert_eq!(copy, nodes);
    }
}

#[test]
fn deeply_nested_emphasis_and_links_are_capped_too() {
    let doc = format!("{}x{}", "*a ".repeat(20_000), " b*".repeat(20_000));
    let nodes = render_both(&doc, 4096, Duration::from_secs(10));
    assert!(depth(&nodes) <= 33, "depth {}", depth(&nodes));
    let doc = format!("{}x{}", "[".repeat(30_000), "](https://a.b)".repeat(30_000));
    let nodes = render_both(&doc, 4096, Duration::from_secs(10));
    assert!(depth(&nodes) <= 33, "depth {}", depth(&nodes));
}

#[test]
fn unbalanced_parentheses_around_urls_are_linear() {
    for doc in [
        "(http://x".repeat(100_000),
        format!("https://a.b{}", ")".repeat(200_000)),
        format!("https://a.b/{}", "(".repeat(200_000)),
        "www.a.b/".repeat(50_000),
        // A domain that only trimming could make valid, then a long path: bounded per candidate.
        "(www.a.c_/".repeat(100_000),
    ] {
        let nodes = render_both(&doc, 65_536, Duration::from_secs(3));
        assert!(!nodes.is_empty());
    }
}

#[test]
fn a_bare_url_longer_than_any_real_one_stays_text() {
    let long = format!("https://a.b/{}", "x".repeat(3000));
    let nodes = render(&long);
    assert_eq!(text(&nodes), long);
    assert!(
        !format!("{nodes:?}").contains("href"),
        "not linked: {:.80}",
        format!("{nodes:?}")
    );
    let fine = format!("https://a.b/{}", "x".repeat(1000));
    assert!(format!("{:?}", render(&fine)).contains("href"));
}
