//! The patched pulldown-cmark (vendor/pulldown-cmark, PATCHED.md): the code paths whose panic
//! messages were rewritten still work.

use pulldown_cmark::{Event, Options, Parser};

fn widget_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

fn events(markdown: &str, options: Options) -> Vec<Event<'_>> {
    Parser::new_ext(markdown, options).collect()
}

#[test]
fn inline_html_over_two_lines_is_one_owned_event() {
    // The multi-line inline HTML path whose `expect` was rewritten.
    let parsed = events("a <span\nclass=\"x\">b</span> c\n", widget_options());
    assert!(
        parsed.contains(&Event::InlineHtml("<span\nclass=\"x\">".into())),
        "{parsed:?}"
    );
}

#[test]
fn short_inline_strings_read_back() {
    // Character references become small inline strings (`InlineStr`, whose deref was rewritten).
    let parsed = events("&amp; &#35; &copy;", Options::empty());
    let text: String = parsed
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "& # ©");
}
