//! The patched pulldown-cmark (vendor/pulldown-cmark, compact entity table) must expand every
//! HTML entity exactly as upstream's table says, and nothing that is not one.

use pulldown_cmark::{Event, Parser};

const UPSTREAM: &str = include_str!("../../../vendor/pulldown-cmark/upstream/entities.rs");

/// `(name, value)` from upstream's `(b"name", "\u{..}\u{..}")` lines.
fn upstream_entities() -> Vec<(String, String)> {
    UPSTREAM
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("(b\"")?;
            let (name, rest) = rest.split_once("\", \"")?;
            let escapes = rest.strip_suffix("\"),")?;
            let value = escapes
                .split("\\u{")
                .skip(1)
                .map(|hex| {
                    let code = u32::from_str_radix(hex.trim_end_matches('}'), 16).unwrap();
                    char::from_u32(code).unwrap()
                })
                .collect();
            Some((name.to_string(), value))
        })
        .collect()
}

fn text_of(markdown: &str) -> String {
    Parser::new(markdown)
        .filter_map(|event| match event {
            Event::Text(text) => Some(text.into_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_upstream_entity_expands_to_its_value() {
    let entities = upstream_entities();
    assert_eq!(entities.len(), 2125);
    for (name, value) in &entities {
        assert_eq!(
            text_of(&format!("a&{name};b")),
            format!("a{value}b"),
            "&{name};"
        );
    }
}

#[test]
fn near_misses_stay_literal() {
    for literal in [
        "&ampx;",
        "&am;",
        "&AMP",
        "&aeli;",
        "&AEligx;",
        "&zwnjj;",
        "&Zz;",
        "&A;",
        "&zz;",
        "&0;",
        "&aelig;x&;",
    ] {
        let expected = if literal == "&aelig;x&;" {
            "æx&;"
        } else {
            literal
        };
        assert_eq!(text_of(literal), expected, "{literal}");
    }
    // The first and last entries of the sorted table, and a name that is a prefix of others.
    assert_eq!(text_of("&AElig;&zwnj;&lt;&lt"), "\u{c6}\u{200c}<&lt");
}
