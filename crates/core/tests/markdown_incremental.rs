//! Streaming equals whole-document rendering, at every chunking, and per-push work stays bounded.

#[path = "markdown_common.rs"]
mod common;

use common::{check_stream, html, random_split, Rng, SUPPORT_REPLY, TRICKY};
use helper_widget_core::markdown::{render, IncrementalMarkdown};

const DOCS: &[&str] = &[SUPPORT_REPLY, TRICKY];

#[test]
fn whole_document_in_one_push() {
    for doc in DOCS {
        check_stream(&[doc], true);
    }
}

#[test]
fn every_two_way_split() {
    for doc in DOCS {
        for i in (1..doc.len()).filter(|&i| doc.is_char_boundary(i)) {
            check_stream(&[&doc[..i], &doc[i..]], true);
        }
    }
}

#[test]
fn one_char_deltas() {
    for doc in DOCS {
        let chars: Vec<&str> = doc
            .char_indices()
            .map(|(i, c)| &doc[i..i + c.len_utf8()])
            .collect();
        let settled_early = check_stream(&chars, true);
        // Streaming must actually settle: all but the last few blocks before `finish`.
        assert!(settled_early + 3 >= render(doc).len(), "{settled_early}");
    }
}

#[test]
fn random_multi_splits() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for doc in DOCS {
        for _ in 0..150 {
            let cuts = 1 + rng.below(60);
            let chunks = random_split(doc, cuts, &mut rng);
            check_stream(&chunks, true);
        }
    }
}

/// Each case: a document whose earlier block a later line could change if we settled too early.
#[test]
fn constructs_that_change_earlier_lines() {
    let cases = [
        "para\n===\n\nnext\n",
        "para\n---\nnext\n",
        "- a\n***x\n\np\n",
        "- a\n*b\n\np\n",
        "- a\n- b\n\n- c\n\np\n",
        "- a\n\n  b\n\np\n",
        "1. a\n\n   b\n2. c\n\np\n",
        "> q\nlazy\n\np\n",
        "a|b\n-|-\n1|2\n\np\n",
        "p\n\na|b\n-|-x\n\nq\n",
        "p\n\na|b\n-|-\n\nq\n",
        "```\ncode\n\n```x\n```\n\np\n",
        "    code\n\n    more\nq\n",
        "<!--\ncomment\n\n-->\np\n\nq\n",
        "<pre>\nx\n\n</pre>\n\np\n",
        "<div>\nx\n\np\n",
        "[a]: /u\n'title'\n\n[a]\n\nq\n",
        "[a]: https://x.y\n\"title\nmore\"\n\n[a]\n\nq\n",
        "p\n\n# h\np2\n\n---\nq\n",
        "- a\n\n   - b\n\n     c\n\np\n",
        "   - a\n\n         code\n\np\n",
        "\t- a\n\n\t\tcode\n\np\n",
        "* a\n\n* b\n+ c\n\np\n",
        "1) a\n2. b\n\np\n",
        "p\n 1. a\n\nq\n",
        "> - a\n>\n> - b\n\nq\n",
        "- [ ] task\n- [x] done\n\nq\n",
        "Term\n: not a deflist\n\nq\n",
        "para\r\rnext\r\n- a\r\n\r\n  b\rmore\r\n\r\nq\r",
        "a\r===\r\rb\r\n---\r\n\r\n```\r\ncode\r```\r\nz",
    ];
    for doc in cases {
        let chars: Vec<&str> = doc
            .char_indices()
            .map(|(i, c)| &doc[i..i + c.len_utf8()])
            .collect();
        check_stream(&chars, true);
        for i in 1..doc.len() {
            check_stream(&[&doc[..i], &doc[i..]], true);
        }
    }
}

#[test]
fn reference_definitions_in_settled_text_still_resolve() {
    let doc = "[docs]: https://example.com/docs\n\nFirst para.\n\nSecond para.\n\nSee [the docs][docs] and [DOCS].\n";
    let chars: Vec<&str> = doc
        .char_indices()
        .map(|(i, c)| &doc[i..i + c.len_utf8()])
        .collect();
    check_stream(&chars, true);
    assert!(html(&render(doc)).contains("href=\"https://example.com/docs\""));
}

#[test]
fn settled_definitions_match_labels_by_unicode_case_folding() {
    // "Straße" and "STRASSE" are the same label only under full case folding (ß folds to "ss"),
    // which is how pulldown-cmark matches them within one parse; a settled definition must
    // resolve the same way.
    let doc = "[Straße]: https://example.com/s\n\nFirst para.\n\nSecond para.\n\nSee [STRASSE].\n";
    let chars: Vec<&str> = doc
        .char_indices()
        .map(|(i, c)| &doc[i..i + c.len_utf8()])
        .collect();
    check_stream(&chars, true);
    assert!(html(&render(doc)).contains("href=\"https://example.com/s\""));
}

#[test]
fn known_limit_definition_after_settled_use() {
    // Documented limit: the use settles before its definition arrives.
    let doc = "See [docs].\n\nMore.\n\nAnd more.\n\n[docs]: https://example.com\n";
    let mut md = IncrementalMarkdown::new();
    let mut out = Vec::new();
    for line in doc.split_inclusive('\n') {
        out.extend(md.push(line).settled);
    }
    out.extend(md.finish().settled);
    assert!(html(&render(doc)).contains("<a "));
    assert!(!html(&out).contains("<a "));
}

#[test]
fn update_reports_unchanged_tail_and_finish_is_idempotent() {
    let mut md = IncrementalMarkdown::new();
    md.push("Hello **wor");
    let u = md.push("");
    assert!(u.tail_unchanged && u.settled.is_empty());
    let u = md.push("ld**");
    assert!(!u.tail_unchanged);
    assert_eq!(html(&u.tail), "<p>Hello <strong>world</strong></p>");
    let u = md.finish();
    assert_eq!(html(&u.settled), "<p>Hello <strong>world</strong></p>");
    assert!(u.tail.is_empty());
    let again = md.finish();
    assert!(again.settled.is_empty() && again.tail.is_empty());
}

fn long_document(target: usize) -> String {
    let mut doc = String::new();
    let mut n = 0;
    while doc.len() < target {
        n += 1;
        match n % 4 {
            0 => doc.push_str(&format!(
                "Paragraph {n} explains **one step** and cites a source [(1)](https://help.example.com/a/{n}).\n\n"
            )),
            1 => doc.push_str(&format!("- item {n} with `code`\n- another item\n- a third one\n\n")),
            2 => doc.push_str(&format!("{n}. ordered step\n{}. next step\n\n", n + 1)),
            _ => doc.push_str(&format!("### Section {n}\n\nA short *note* with a link https://example.com/{n}.\n\n")),
        }
    }
    doc.truncate(target);
    doc
}

#[test]
fn per_push_work_is_bounded() {
    let doc = long_document(20_000);
    let pushes = 4_000;
    let size = doc.len() / pushes;
    let mut md = IncrementalMarkdown::new();
    let mut parsed = Vec::with_capacity(pushes);
    let mut settled = Vec::new();
    for i in 0..pushes {
        let end = if i + 1 == pushes {
            doc.len()
        } else {
            (i + 1) * size
        };
        let u = md.push(&doc[i * size..end]);
        settled.extend(u.settled);
        parsed.push(md.last_parse_len());
    }
    settled.extend(md.finish().settled);
    assert!(settled == render(&doc));
    let tenth = pushes / 10;
    let first: usize = parsed[..tenth].iter().sum();
    let last: usize = parsed[pushes - tenth..].iter().sum();
    assert!(
        (last as f64) <= 1.5 * first as f64,
        "re-parsed bytes: first 10% {first}, last 10% {last}"
    );
    // And the total is linear, not quadratic, in the message length.
    assert!(
        md.total_parse_len() < 60 * doc.len(),
        "{}",
        md.total_parse_len()
    );
}
