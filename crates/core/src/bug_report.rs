//! Whether a visitor's draft reads like a bug report, so the composer offers to include a
//! screenshot of the page (Helper's `SCREENSHOT_KEYWORDS` rule in its widget's ChatInput).
//!
//! Plain text in, a yes or no out: no browser, so the rule is tested natively.

/// Helper's keywords, lower case and separated by `|`: a draft that contains any of them (in
/// any case) reads like a bug report. Substrings, as Helper matches them, so "errors" and
/// "bugfix" count too. Helper writes one of them as "I can't" and compares it with the draft
/// lowercased, so that one never matches there; here it does, as it was meant to. One string
/// rather than an array of them: 35 fewer pointers in the wasm.
const KEYWORDS: &str = "error|i can't|wrong|trouble|problem|issue|glitch|bug|broken|\
doesn't work|doesn't load|not loading|crash|stuck|fails|failure|failed|missing|can't find|\
can't see|doesn't show|not showing|not working|incorrect|unexpected|strange|weird|help me|\
confused|404|500|not responding|slow|hangs|screenshot";

/// Whether `draft` contains one of Helper's bug-report keywords, ignoring case. Phones and
/// word processors type the typographic apostrophe (’), so "can’t" counts as "can't".
pub fn reads_like_bug_report(draft: &str) -> bool {
    let mut rest = draft.as_bytes();
    while let Some((_, tail)) = rest.split_first() {
        if KEYWORDS
            .split('|')
            .any(|keyword| starts_with(rest, keyword.as_bytes()))
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
    use super::reads_like_bug_report as bug;

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
        assert_eq!(super::KEYWORDS.split('|').count(), 35);
        for keyword in super::KEYWORDS.split('|') {
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

    #[test]
    fn non_ascii_text_is_handled() {
        assert!(!bug("Ünïcödé ✓ 日本語"));
        assert!(bug("ÉRROR? No: ERROR"));
    }
}
