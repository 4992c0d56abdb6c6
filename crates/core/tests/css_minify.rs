//! The build-time CSS minifier (`build/minify_css.rs`, run by the widget crate's `build.rs`).
//! It lives outside this crate so the build needs no extra crate; it is tested here because
//! this is the browser-free suite that runs natively.

#[path = "../../../build/minify_css.rs"]
mod minify_css;

use minify_css::minify_css;

#[test]
fn strips_comments_and_whitespace_around_punctuation() {
    let css = "/* head */\n.a ,\n.b {\n  color : red ;\n  margin: 0 auto; /* why */\n}\n";
    assert_eq!(minify_css(css), ".a,.b{color :red;margin:0 auto}");
}

#[test]
fn keeps_significant_whitespace() {
    // Descendant combinator before a pseudo-class, calc's operators, `and (` in media queries.
    let css = ".r :focus { width: calc(100vw - 40px); }\n@media screen and (max-width: 6px) { .x { a: b } }";
    assert_eq!(
        minify_css(css),
        ".r :focus{width:calc(100vw - 40px)}@media screen and (max-width:6px){.x{a:b}}"
    );
}

#[test]
fn copies_strings_and_escapes_verbatim() {
    let css = r#"a::before { content: "/* not a comment */  ;}  \" x"; font: 'A  B'; } .x\;y { }"#;
    assert_eq!(
        minify_css(css),
        r#"a::before{content:"/* not a comment */  ;}  \" x";font:'A  B'}.x\;y{}"#
    );
}

#[test]
fn drops_only_the_last_semicolon_of_a_block() {
    assert_eq!(minify_css("a{b:c;;d:e;}"), "a{b:c;;d:e}");
    assert_eq!(minify_css("a{b:c}"), "a{b:c}");
    assert_eq!(minify_css("@import 'x';"), "@import 'x';");
}

/// Splits CSS into its characters outside comments and whitespace, keeping strings whole, with
/// any `;` right before a `}` removed: what must survive minification unchanged.
fn significant(css: &str) -> String {
    let mut out = String::new();
    let bytes: Vec<char> = css.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == '/' && bytes.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < bytes.len() && !(bytes[i] == '*' && bytes[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            continue;
        }
        if c == '"' || c == '\'' {
            out.push(c);
            i += 1;
            while i < bytes.len() {
                out.push(bytes[i]);
                if bytes[i] == '\\' {
                    i += 1;
                    out.push(bytes[i]);
                } else if bytes[i] == c {
                    break;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if !c.is_whitespace() {
            if c == '}' && out.ends_with(';') {
                out.pop();
            }
            out.push(c);
        }
        i += 1;
    }
    out
}

#[test]
fn the_widget_stylesheet_keeps_every_token() {
    let css = include_str!("../../../style/widget.css");
    let min = minify_css(css);
    assert_eq!(significant(&min), significant(css));
    assert!(!min.contains("/*"), "a comment survived");
    assert!(!min.contains('\n'));
    assert_eq!(
        minify_css(".hw-root :focus { outline: none; }"),
        ".hw-root :focus{outline:none}",
        "descendant space before a pseudo-class lost"
    );
    assert!(
        min.contains("calc(100vw - 40px)"),
        "calc operators lost their spaces"
    );
    assert!(
        min.len() * 10 < css.len() * 8,
        "{} of {} bytes left",
        min.len(),
        css.len()
    );
    assert_eq!(minify_css(&min), min, "not idempotent");
}
