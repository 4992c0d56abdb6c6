//! The message catalogue: every string the widget shows or announces, by key, in the visitor's
//! language. English (`locales/en.json`) is compiled in and is the reference every other
//! catalogue must match; another language's file, fetched by the loader only when a page needs
//! it, and the site's own `messages` overrides are laid over it. Texts hold `{name}`
//! placeholders; a text that shows a count is an object of CLDR plural forms (`one`, `other`,
//! …), whose choice the caller makes with the browser's `Intl.PluralRules`.
//!
//! Plain data: nothing here reads the browser (the caller passes in plural categories and the
//! overrides as JSON), so every catalogue is checked natively.

use serde_json::{Map, Value};

/// The English catalogue, the one every key is defined in.
pub const ENGLISH: &str = include_str!("../../../locales/en.json");

/// Why a catalogue could not be laid over another.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum I18nError {
    /// Not a JSON object of strings and plural objects.
    #[error("messages must be an object of strings: {0}")]
    NotAnObject(String),
}

/// Texts by key. Lookups never fail: a key nobody defined shows as itself, which a test keeps
/// from happening (every key used in the code is in the English file).
#[derive(Debug, Clone)]
pub struct Catalogue {
    texts: Map<String, Value>,
}

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue::english()
    }
}

impl Catalogue {
    /// The built-in English catalogue.
    pub fn english() -> Catalogue {
        let texts = match serde_json::from_str(ENGLISH) {
            Ok(Value::Object(texts)) => texts,
            // The file is checked by the tests below; an empty catalogue would show keys.
            _ => Map::new(),
        };
        Catalogue { texts }
    }

    /// Lays `overrides` (a JSON object: key → text, or key → plural forms) over this catalogue.
    /// Keys this catalogue lacks are ignored (nothing would look them up); values of the wrong
    /// kind are skipped, so one bad override leaves the rest working.
    pub fn overlay(&mut self, overrides: &str) -> Result<(), I18nError> {
        let Ok(Value::Object(given)) = serde_json::from_str::<Value>(overrides) else {
            return Err(I18nError::NotAnObject(overrides.chars().take(80).collect()));
        };
        for (key, value) in given {
            let Some(current) = self.texts.get_mut(&key) else {
                continue;
            };
            match value {
                Value::String(_) => *current = value,
                // Plural forms replace a plural text form by form, so a site may give only
                // `other`; a plain text's override must be plain.
                Value::Object(forms) => {
                    if let Value::Object(existing) = current {
                        for (form, text) in forms {
                            if text.is_string() {
                                existing.insert(form, text);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The text of `key`. For a plural text, its `other` form.
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        self.form(key, "other")
    }

    /// The `category` form (`Intl.PluralRules`' answer for the count) of the plural text `key`,
    /// falling back to `other`; a plain text is its own every form.
    pub fn form<'a>(&'a self, key: &'a str, category: &str) -> &'a str {
        match self.texts.get(key) {
            Some(Value::String(text)) => text,
            Some(Value::Object(forms)) => forms
                .get(category)
                .or_else(|| forms.get("other"))
                .and_then(Value::as_str)
                .unwrap_or(key),
            _ => key,
        }
    }
}

/// `template` with each `{name}` replaced by its value in `args`. Unknown placeholders stay as
/// written, so a translator's typo shows rather than vanishes.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            args.iter()
                .find(|(name, _)| *name == &after[..close])
                .map(|a| (close, a.1))
        });
        match value {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether text in `lang` (a BCP 47 tag) runs right to left: Arabic, Hebrew, Persian, Urdu.
pub fn is_rtl(lang: &str) -> bool {
    let primary = lang.split(['-', '_']).next().unwrap_or_default();
    ["ar", "he", "iw", "fa", "ur"]
        .iter()
        .any(|rtl| primary.eq_ignore_ascii_case(rtl))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn load(path: &Path) -> Map<String, Value> {
        let text = std::fs::read_to_string(path).unwrap();
        match serde_json::from_str(&text) {
            Ok(Value::Object(map)) => map,
            other => panic!("{} is not a JSON object: {other:?}", path.display()),
        }
    }

    fn placeholders(text: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            found.insert(after[..close].to_owned());
            rest = &after[close + 1..];
        }
        found
    }

    /// The CLDR plural categories a language's counts use (as `Intl.PluralRules` answers in
    /// Chromium). A catalogue must give every one of them for each plural text.
    fn plural_categories(lang: &str) -> &'static [&'static str] {
        match lang {
            "ar" => &["zero", "one", "two", "few", "many", "other"],
            "he" => &["one", "two", "other"],
            "fr" | "es" | "it" | "pt" => &["one", "many", "other"],
            "ja" | "zh" | "ko" => &["other"],
            _ => &["one", "other"],
        }
    }

    fn locales() -> Vec<(String, Map<String, Value>)> {
        let mut found: Vec<_> = std::fs::read_dir(root().join("locales"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .map(|p| {
                (
                    p.file_stem().unwrap().to_string_lossy().into_owned(),
                    load(&p),
                )
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    #[test]
    fn at_least_the_promised_languages_exist() {
        let have: BTreeSet<String> = locales().into_iter().map(|(lang, _)| lang).collect();
        for lang in [
            "en", "es", "fr", "de", "pt", "it", "nl", "ja", "zh", "ko", "ar", "he", "fa", "ur",
        ] {
            assert!(have.contains(lang), "locales/{lang}.json is missing");
        }
    }

    #[test]
    fn every_catalogue_is_complete_and_keeps_the_placeholders() {
        let english = load(&root().join("locales/en.json"));
        for (lang, texts) in locales() {
            let keys: BTreeSet<_> = texts.keys().collect();
            let wanted: BTreeSet<_> = english.keys().collect();
            let missing: Vec<_> = wanted.difference(&keys).collect();
            let extra: Vec<_> = keys.difference(&wanted).collect();
            assert!(missing.is_empty(), "{lang}.json lacks {missing:?}");
            assert!(
                extra.is_empty(),
                "{lang}.json has keys English lacks: {extra:?}"
            );
            for (key, source) in &english {
                let text = &texts[key];
                match (source, text) {
                    (Value::String(source), Value::String(text)) => {
                        assert!(!text.trim().is_empty(), "{lang}.json {key} is empty");
                        assert_eq!(
                            placeholders(source),
                            placeholders(text),
                            "{lang}.json {key}: placeholders differ from English"
                        );
                    }
                    (Value::Object(source), Value::Object(forms)) => {
                        let names = placeholders(source["other"].as_str().unwrap());
                        for category in plural_categories(&lang) {
                            let form = forms.get(*category).and_then(Value::as_str);
                            let form = form.unwrap_or_else(|| {
                                panic!("{lang}.json {key} lacks the plural form {category}")
                            });
                            // A form may leave the count out ("one file" in words), but no
                            // form may invent a placeholder.
                            let used = placeholders(form);
                            assert!(
                                used.is_subset(&names),
                                "{lang}.json {key}.{category} uses {used:?}"
                            );
                        }
                    }
                    _ => panic!("{lang}.json {key}: plain text and plural forms mixed up"),
                }
            }
        }
    }

    /// Every key the code looks up (`t("…")`, `tf("…"`, `tn("…"` in the widget, `text("…"` in
    /// the loader) is defined, so no visitor ever sees a key.
    #[test]
    fn every_key_the_code_uses_is_in_the_english_catalogue() {
        let english = load(&root().join("locales/en.json"));
        let mut used = BTreeSet::new();
        let mut stack = vec![root().join("src"), root().join("embed")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for call in ["t(\"", "tf(\"", "tn(\"", "text(\""] {
                    for (at, _) in text.match_indices(call) {
                        // A call of ours, not the end of `get("…")` or `split(".")`.
                        let before = text[..at].chars().next_back().unwrap_or(' ');
                        if before.is_alphanumeric() || before == '_' {
                            continue;
                        }
                        let key = &text[at + call.len()..];
                        let key = &key[..key.find('"').unwrap()];
                        let shaped = key.split('.').count() == 2
                            && key.split('.').all(|part| {
                                !part.is_empty()
                                    && part.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                            });
                        if shaped {
                            used.insert(key.to_owned());
                        }
                    }
                }
            }
        }
        assert!(used.len() > 50, "found only {} keys in use", used.len());
        let undefined: Vec<_> = used.iter().filter(|k| !english.contains_key(*k)).collect();
        assert!(
            undefined.is_empty(),
            "keys used but not in en.json: {undefined:?}"
        );
    }

    #[test]
    fn english_is_built_in_and_looked_up_by_key() {
        let c = Catalogue::english();
        assert_eq!(c.text("composer.send"), "Send message");
        assert_eq!(
            c.form("composer.refused_count", "one"),
            "a message can have at most {count} file"
        );
        assert_eq!(
            c.form("composer.refused_count", "few"),
            "a message can have at most {count} files"
        );
        assert_eq!(c.text("no.such.key"), "no.such.key");
    }

    #[test]
    fn a_site_overrides_texts_and_single_plural_forms() {
        let mut c = Catalogue::english();
        c.overlay(r#"{"composer.send":"Go","composer.refused_count":{"other":"max {count}"},"bogus":"x","panel.close":7}"#)
            .unwrap();
        assert_eq!(c.text("composer.send"), "Go");
        assert_eq!(c.form("composer.refused_count", "other"), "max {count}");
        assert_eq!(
            c.form("composer.refused_count", "one"),
            "a message can have at most {count} file"
        );
        assert_eq!(c.text("panel.close"), "Close chat");
        assert!(c.overlay("[1]").is_err());
        assert!(c.overlay("not json").is_err());
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        assert_eq!(fill("Remove {name}", &[("name", "a.png")]), "Remove a.png");
        assert_eq!(
            fill("{a} and {b} {c", &[("a", "1"), ("b", "{a}")]),
            "1 and {a} {c"
        );
        assert_eq!(fill("{unknown}!", &[]), "{unknown}!");
        assert_eq!(fill("“{name}” ok", &[("name", "é")]), "“é” ok");
    }

    #[test]
    fn right_to_left_languages() {
        for lang in ["ar", "he", "fa", "ur", "ar-EG", "he_IL", "AR"] {
            assert!(is_rtl(lang), "{lang}");
        }
        for lang in ["en", "arn", "de-AT", "", "zh"] {
            assert!(!is_rtl(lang), "{lang}");
        }
    }
}
