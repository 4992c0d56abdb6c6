//! Whether a visitor's draft reads like a bug report, so the composer offers to include a
//! screenshot of the page (Helper's `SCREENSHOT_KEYWORDS` rule in its widget's ChatInput).
//!
//! The keywords are the message catalogue's `composer.screenshot_keywords` ([`crate::i18n`]):
//! Helper's English ones in `locales/en.json`, and each language's own in its file, so a
//! visitor who writes "funktioniert nicht" is offered a screenshot as one who writes "not
//! working" is. Plain text in, a yes or no out: no browser, so the rule is tested natively.

/// Whether `draft` contains one of `keywords` (lower case, separated by `|`), ignoring ASCII
/// case. Substrings, as Helper matches them, so "errors" and "bugfix" count too. Phones and
/// word processors type the typographic apostrophe (’), so "can’t" counts as "can't". Helper
/// writes one of its keywords as "I can't" and compares it with the draft lowercased, so that
/// one never matches there; the catalogue has it in lower case, so here it does.
pub fn reads_like_bug_report(draft: &str, keywords: &str) -> bool {
    let mut rest = draft.as_bytes();
    while let Some((_, tail)) = rest.split_first() {
        if keywords
            .split('|')
            .any(|keyword| !keyword.is_empty() && starts_with(rest, keyword.as_bytes()))
        {
            return true;
        }
        rest = tail;
    }
    false
}

/// Whether `text` starts with the lower-case ASCII `keyword`, ASCII case ignored, a `'` in it
/// also matching a `’`. Done on bytes rather than with `to_lowercase` and `contains`, which
/// would link Unicode's case tables and a substring searcher into the wasm for ASCII keywords.
fn starts_with(text: &[u8], keyword: &[u8]) -> bool {
    const CURLY: &[u8] = "\u{2019}".as_bytes();
    let mut rest = text;
    for &k in keyword {
        if let Some(after) = rest.strip_prefix(CURLY).filter(|_| k == b'\'') {
            rest = after;
            continue;
        }
        match rest.split_first() {
            Some((&t, tail)) if t.to_ascii_lowercase() == k => rest = tail,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::i18n::Catalogue;

    fn english() -> String {
        Catalogue::english()
            .text("composer.screenshot_keywords")
            .to_owned()
    }

    fn bug(draft: &str) -> bool {
        super::reads_like_bug_report(draft, &english())
    }

    #[test]
    fn a_neutral_question_does_not_read_like_a_bug_report() {
        for draft in [
            "",
            "   ",
            "How do I change my plan?",
            "What are your opening hours?",
            "Thanks, that solved it",
            "Can you tell me more about pricing?",
        ] {
            assert!(!bug(draft), "{draft:?}");
        }
    }

    #[test]
    fn every_keyword_counts_in_any_case_and_within_words() {
        let keywords = english();
        assert_eq!(keywords.split('|').count(), 35, "Helper's 35");
        for keyword in keywords.split('|') {
            assert!(bug(keyword), "{keyword}");
            assert!(bug(&keyword.to_uppercase()), "{keyword} upper case");
            assert!(
                bug(&format!("Hi, so {keyword}, again.")),
                "{keyword} in a sentence"
            );
        }
        assert!(bug("I get an error on checkout"));
        assert!(bug("Errors everywhere"));
        assert!(bug("The page is SLOW"));
        assert!(bug("got a 404"));
        assert!(bug("Checkout Doesn't Work"));
    }

    #[test]
    fn helpers_capitalised_keyword_matches_here() {
        assert!(bug("I can't log in"));
        assert!(bug("i can't log in"));
    }

    #[test]
    fn the_typographic_apostrophe_counts() {
        assert!(bug("I can’t log in"));
        assert!(bug("the button doesn’t work"));
        assert!(!bug("it doesn’t matter"));
    }

    /// Every language's own keywords count (English ones too, which the widget checks as well),
    /// in scripts without case as in those with it.
    #[test]
    fn each_language_has_its_own_keywords() {
        let path = format!("{}/../../locales", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(path).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let mut catalogue = Catalogue::english();
            catalogue.overlay(&text).unwrap();
            let keywords = catalogue.text("composer.screenshot_keywords");
            for keyword in keywords.split('|') {
                assert!(
                    !keyword.trim().is_empty() && keyword == keyword.trim(),
                    "{keywords}"
                );
                assert!(super::reads_like_bug_report(
                    &format!("« {keyword} »"),
                    keywords
                ));
            }
        }
        let mut german = Catalogue::english();
        german
            .overlay(r#"{"composer.screenshot_keywords":"fehler|funktioniert nicht"}"#)
            .unwrap();
        let keywords = german.text("composer.screenshot_keywords");
        assert!(super::reads_like_bug_report(
            "Das Formular FUNKTIONIERT NICHT",
            keywords
        ));
        assert!(!super::reads_like_bug_report(
            "Wie ändere ich meinen Tarif?",
            keywords
        ));
        assert!(!super::reads_like_bug_report("anything", ""));
    }

    #[test]
    fn non_ascii_text_is_handled() {
        assert!(!bug("Ünïcödé ✓ 日本語"));
        assert!(bug("ÉRROR? No: ERROR"));
    }
}
