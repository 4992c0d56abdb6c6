//! Whole-document rendering: the shapes a support reply uses, and hostile input staying inert.

#[path = "markdown_common.rs"]
mod common;

use common::{html, SUPPORT_REPLY};
use helper_widget_core::markdown::{render, Element, Node};

fn r(md: &str) -> String {
    html(&render(md))
}

const A: &str = "target=\"_blank\" rel=\"noopener noreferrer\"";

fn walk<'a>(nodes: &'a [Node], out: &mut Vec<&'a Element>) {
    for n in nodes {
        if let Node::Element(e) = n {
            out.push(e);
            walk(&e.children, out);
        }
    }
}

fn elements(nodes: &[Node]) -> Vec<&Element> {
    let mut out = Vec::new();
    walk(nodes, &mut out);
    out
}

#[test]
fn paragraphs_emphasis_code() {
    assert_eq!(
        r("Hi **there** *you* ~~old~~ `x<y`\nnext  \nline"),
        "<p>Hi <strong>there</strong> <em>you</em> <del>old</del> <code>x&lt;y</code>\nnext<br>line</p>"
    );
}

#[test]
fn headings_are_shifted_down_two_levels() {
    assert_eq!(
        r("# a\n## b\n### c\n#### d\n###### f\n\nS\n="),
        "<h3>a</h3><h4>b</h4><h5>c</h5><h6>d</h6><h6>f</h6><h3>S</h3>"
    );
}

#[test]
fn lists_tight_loose_nested_ordered() {
    assert_eq!(
        r("- a\n- b\n  1. c\n  2. d"),
        "<ul><li>a</li><li>b<ol><li>c</li><li>d</li></ol></li></ul>"
    );
    assert_eq!(
        r("- a\n\n- b"),
        "<ul><li><p>a</p></li><li><p>b</p></li></ul>"
    );
    assert_eq!(r("3. a\n4. b"), "<ol start=\"3\"><li>a</li><li>b</li></ol>");
    assert_eq!(
        r("- [x] done\n- [ ] todo"),
        "<ul><li><input type=\"checkbox\" disabled checked>done</li><li><input type=\"checkbox\" disabled>todo</li></ul>"
    );
}

#[test]
fn code_blocks_keep_text_and_sanitize_language() {
    assert_eq!(
        r("```rust title=x\nfn a() {}\n<b>\n```"),
        "<pre><code data-lang=\"rust\">fn a() {}\n&lt;b&gt;\n</code></pre>"
    );
    assert_eq!(
        r("```\"><script>\nx\n```"),
        "<pre><code data-lang=\"script\">x\n</code></pre>"
    );
    assert_eq!(r("    indented\n"), "<pre><code>indented\n</code></pre>");
    assert_eq!(
        r("```\nhttps://a.com\n```"),
        "<pre><code>https://a.com\n</code></pre>"
    );
}

#[test]
fn gfm_table_with_alignment_as_data_attribute() {
    assert_eq!(
        r("| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |"),
        "<table><thead><tr><th data-align=\"left\">a</th><th data-align=\"right\">b</th><th data-align=\"center\">c</th></tr></thead>\
<tbody><tr><td data-align=\"left\">1</td><td data-align=\"right\">2</td><td data-align=\"center\">3</td></tr></tbody></table>"
    );
    assert_eq!(
        r("| a |\n|---|"),
        "<table><thead><tr><th>a</th></tr></thead></table>"
    );
}

#[test]
fn links_open_in_a_new_tab() {
    assert_eq!(
        r("see [(1)](https://help.example.com/x \"Guide\")"),
        format!("<p>see <a href=\"https://help.example.com/x\" {A} title=\"Guide\">(1)</a></p>")
    );
    assert_eq!(
        r("<https://a.com/x> <Me@Example.com> [m](MAILTO:me@x.com)"),
        format!("<p><a href=\"https://a.com/x\" {A}>https://a.com/x</a> <a href=\"mailto:Me@Example.com\" {A}>Me@Example.com</a> <a href=\"MAILTO:me@x.com\" {A}>m</a></p>")
    );
}

#[test]
fn bare_urls_and_emails_are_linked_but_not_in_code_or_links() {
    assert_eq!(
        r("Go to https://example.com/docs. Or www.example.org (see http://a.com/b_(c)), mail help@example.com."),
        format!("<p>Go to <a href=\"https://example.com/docs\" {A}>https://example.com/docs</a>. Or \
<a href=\"http://www.example.org\" {A}>www.example.org</a> (see <a href=\"http://a.com/b_(c)\" {A}>http://a.com/b_(c)</a>), \
mail <a href=\"mailto:help@example.com\" {A}>help@example.com</a>.</p>")
    );
    assert_eq!(
        r("`https://a.com` [https://b.com](https://c.com) https://x.com/a_b_c_"),
        format!("<p><code>https://a.com</code> <a href=\"https://c.com\" {A}>https://b.com</a> <a href=\"https://x.com/a_b_c\" {A}>https://x.com/a_b_c</a>_</p>")
    );
}

#[test]
fn raw_html_is_literal_text() {
    assert_eq!(
        r("<script>alert(1)</script>"),
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    );
    assert_eq!(
        r("hi <img src=x onerror=alert(1)> <b>bold</b>"),
        "<p>hi &lt;img src=x onerror=alert(1)&gt; &lt;b&gt;bold&lt;/b&gt;</p>"
    );
    assert_eq!(
        r("<div onclick=\"x()\">\n**no**\n</div>\n\nafter"),
        "<p>&lt;div onclick=&quot;x()&quot;&gt;\n**no**\n&lt;/div&gt;</p><p>after</p>"
    );
    assert_eq!(
        r("<!-- <a href=\"https://a.com\"> -->"),
        "<p>&lt;!-- &lt;a href=&quot;https://a.com&quot;&gt; --&gt;</p>"
    );
    // Text nodes hold the literal source: nothing in them is ever markup.
    let nodes = render("x <iframe src=javascript:alert(1)></iframe>");
    assert!(elements(&nodes).iter().all(|e| e.tag == "p"));
}

#[test]
fn disallowed_link_targets_show_only_their_text() {
    for url in [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "%20javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "java&#9;script:alert(1)",
        "java&#10;script:alert(1)",
        "&#0;javascript:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "//evil.example.com",
        "/relative/path",
        "relative",
        "#fragment",
        "file:///etc/passwd",
        "<javascript:alert(1)>",
    ] {
        let out = r(&format!("[click](  {url} )"));
        assert!(!out.contains("<a"), "{url} -> {out}");
        let out2 = r(&format!("[click]({url})"));
        assert!(!out2.contains("<a"), "{url} -> {out2}");
    }
    assert_eq!(r("[click](javascript:alert(1))"), "<p>click</p>");
    assert_eq!(r("<javascript:alert(1)>"), "<p>javascript:alert(1)</p>");
    assert_eq!(r("[ref]\n\n[ref]: javascript:alert(1)"), "<p>ref</p>");
}

#[test]
fn images_are_never_loaded() {
    assert_eq!(
        r("![a *b* chart](https://x.com/c.png \"T\")"),
        format!("<p><a href=\"https://x.com/c.png\" {A} title=\"T\">a b chart</a></p>")
    );
    assert_eq!(r("![pixel](javascript:x)"), "<p>pixel</p>");
    assert_eq!(
        r("![](https://t.co/p.gif)"),
        format!("<p><a href=\"https://t.co/p.gif\" {A}>https://t.co/p.gif</a></p>")
    );
    assert_eq!(
        r("[![logo](https://x/l.png)](https://x.com)"),
        format!("<p><a href=\"https://x.com\" {A}>logo</a></p>")
    );
    assert_eq!(
        r("![a ![b](https://i/b.png) c](https://i/a.png)"),
        format!("<p><a href=\"https://i/a.png\" {A}>a b c</a></p>")
    );
}

#[test]
fn only_allowed_tags_and_attributes_in_a_full_reply() {
    let hostile = format!(
        "{SUPPORT_REPLY}\n<style>*{{}}</style>\n\n<a href=javascript:x style=x onclick=y>z</a>\n\n![x](https://a/b.png)\n\n[x](data:x)\n"
    );
    let nodes = render(&hostile);
    let allowed_tags = [
        "p",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "br",
        "input",
    ];
    for e in elements(&nodes) {
        assert!(allowed_tags.contains(&e.tag), "{}", e.tag);
        for (name, value) in &e.attrs {
            let ok = match (e.tag, *name) {
                ("a", "href") => {
                    let v = value.to_ascii_lowercase();
                    v.starts_with("http:") || v.starts_with("https:") || v.starts_with("mailto:")
                }
                ("a", "target") => value == "_blank",
                ("a", "rel") => value == "noopener noreferrer",
                ("a", "title") => true,
                ("ol", "start") => value.parse::<u64>().is_ok(),
                ("code", "data-lang") => value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+-#.".contains(c)),
                ("th" | "td", "data-align") => {
                    ["left", "center", "right"].contains(&value.as_str())
                }
                ("input", "type") => value == "checkbox",
                ("input", "disabled" | "checked") => value.is_empty(),
                _ => false,
            };
            assert!(ok, "<{} {}={:?}>", e.tag, name, value);
        }
        if e.tag == "a" {
            assert_eq!(e.attr("rel"), Some("noopener noreferrer"));
            assert_eq!(e.attr("target"), Some("_blank"));
        }
    }
    let out = html(&nodes);
    assert!(out.contains("&lt;style&gt;"));
    assert!(out.contains("&lt;a href=javascript:x style=x onclick=y&gt;"));
}

#[test]
fn support_reply_renders_every_construct() {
    let out = r(SUPPORT_REPLY);
    for needle in [
        "<strong>reset your password</strong>",
        "<ol><li>Open <strong>Settings</strong> → <em>Account</em>.</li>",
        "<a href=\"https://help.example.com/articles/reset?ref=chat\"",
        "<ul><li>Clear your browser cache</li><li>Try a private window<ul><li>Chrome",
        "<h4>Plan comparison</h4>",
        "<th data-align=\"left\">Plan</th>",
        "<blockquote><p><strong>Note:</strong>",
        "<a href=\"mailto:support@example.com\"",
        "<pre><code data-lang=\"rust\">fn main() {\n\n    println!(&quot;hello&quot;);\n}\n</code></pre>",
        "<input type=\"checkbox\" disabled checked>Verify your email",
        "<del>The old method</del>",
        "<a href=\"http://www.example.org/help_(faq)\"",
        "<li><p>First item</p></li>",
        "<ol start=\"3\">",
        "<h4>Setext heading</h4><hr>",
        "hard break<br>and &lt;b&gt;html&lt;/b&gt; &amp; stuff",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}
