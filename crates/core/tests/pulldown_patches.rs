//! The patched pulldown-cmark (vendor/pulldown-cmark, PATCHED.md): built without its
//! `extensions` feature it acts only on the options the widget enables, reads every other
//! extension's syntax as plain CommonMark (as upstream does with those options off), and the
//! code paths whose panic messages were rewritten still work.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// The options `markdown::build` enables.
fn widget_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

fn events(markdown: &str, options: Options) -> Vec<Event<'_>> {
    Parser::new_ext(markdown, options).collect()
}

#[test]
fn the_widgets_options_still_work() {
    let table = events("| a | b |\n|---|:-:|\n| 1 | 2 |\n", widget_options());
    assert!(table
        .iter()
        .any(|e| matches!(e, Event::Start(Tag::Table(_)))));
    assert!(table
        .iter()
        .any(|e| matches!(e, Event::End(TagEnd::TableCell))));

    let strike = events("a ~~gone~~ b", widget_options());
    assert!(strike.contains(&Event::Start(Tag::Strikethrough)));
    assert!(strike.contains(&Event::Text(CowStr::Borrowed("gone"))));

    let tasks = events("- [x] done\n- [ ] todo\n", widget_options());
    assert!(tasks.contains(&Event::TaskListMarker(true)));
    assert!(tasks.contains(&Event::TaskListMarker(false)));

    // And off when not asked for, as upstream.
    let plain = events("a ~~gone~~ b\n\n- [x] done\n", Options::empty());
    assert!(!plain.contains(&Event::Start(Tag::Strikethrough)));
    assert!(!plain.contains(&Event::TaskListMarker(true)));
}

#[test]
fn left_out_extensions_read_as_plain_commonmark() {
    let cases = [
        (Options::ENABLE_FOOTNOTES, "Text[^1].\n\n[^1]: The note.\n"),
        (
            Options::ENABLE_OLD_FOOTNOTES,
            "Text[^1].\n\n[^1]: The note.\n",
        ),
        (Options::ENABLE_MATH, "Inline $x^2$ and\n\n$$\ny\n$$\n"),
        (Options::ENABLE_DEFINITION_LIST, "Term\n: Definition\n"),
        (Options::ENABLE_HEADING_ATTRIBUTES, "# Title {#id .class}\n"),
        (
            Options::ENABLE_SMART_PUNCTUATION,
            "\"Quotes\" -- and... 'more'\n",
        ),
        (
            Options::ENABLE_YAML_STYLE_METADATA_BLOCKS,
            "---\ntitle: x\n---\nBody\n",
        ),
        (
            Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS,
            "+++\ntitle = 1\n+++\nBody\n",
        ),
        (Options::ENABLE_SUPERSCRIPT, "x^2^ and y\n"),
        (Options::ENABLE_SUBSCRIPT, "H~2~O\n"),
        (
            Options::ENABLE_WIKILINKS,
            "See [[Some Page]] and [[a|b]].\n",
        ),
        (Options::ENABLE_GFM, "> [!NOTE]\n> Careful.\n"),
    ];
    for (option, markdown) in cases {
        assert_eq!(
            events(markdown, widget_options() | option),
            events(markdown, widget_options()),
            "{option:?} changed how {markdown:?} parses"
        );
    }
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
