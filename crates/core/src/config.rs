//! The page's configuration (`window.helperWidgetConfig` or the argument of `HelperWidget.init`)
//! as far as the chat code uses it, validated field by field.
//!
//! The loader `sdk.js` reads the fields it needs before the chat code exists (`host`,
//! `iconColor`, `showToggleButton`, `preload`, `theme`, `position`, the identified-session
//! fields) and warns about
//! those itself; this module reads the rest, so every field is checked, and warned about, in
//! exactly one place. The embed layer turns the JavaScript object into a [`serde_json::Map`]
//! (functions such as `refreshAuth` are taken out there, since they are not data) and calls
//! [`Config::from_json`]. Nothing here knows about the browser: no `web_sys`, `wasm_bindgen` or
//! `js_sys`.
//!
//! Policy (embed-contract §3): unknown fields are ignored; a malformed value yields one
//! [`ConfigWarning`] (the embed layer prints it as one console warning) and that field's default,
//! never an error that would leave the visitor's page without a widget.

use serde_json::{Map, Value};

/// The chat code's part of the configuration, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Header title; `None` for the language's default ("Support" in English), which the
    /// widget takes from its message catalogue.
    pub title: Option<String>,
}

/// Why a configuration field was not used. Shown to the site owner as a console warning.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigWarning {
    /// The field has the wrong JSON type.
    #[error("helperWidgetConfig.{field} should be {expected}; ignoring it")]
    WrongType {
        /// Field name as the page spells it.
        field: &'static str,
        /// What was expected, for the message.
        expected: &'static str,
    },
}

impl Config {
    /// Builds a configuration from the page's object, collecting one warning per field that
    /// could not be used.
    pub fn from_json(map: &Map<String, Value>) -> (Config, Vec<ConfigWarning>) {
        let mut warnings = Vec::new();
        let mut config = Config::default();
        if let Some(title) = string_field(map, "title", &mut warnings) {
            let title = title.trim();
            if !title.is_empty() {
                config.title = Some(title.to_owned());
            }
        }
        (config, warnings)
    }
}

fn string_field(
    map: &Map<String, Value>,
    field: &'static str,
    warnings: &mut Vec<ConfigWarning>,
) -> Option<String> {
    match map.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            warnings.push(ConfigWarning::WrongType {
                field,
                expected: "a string",
            });
            None
        }
    }
}

/// The origin (`scheme://authority`) of an absolute URL, e.g. for labelling a source link.
pub fn origin_of(url: &str) -> Option<String> {
    let scheme_end = url.find("://")?;
    let after = &url[scheme_end + 3..];
    let authority_len = after.find(['/', '?', '#']).unwrap_or(after.len());
    if authority_len == 0 {
        return None;
    }
    Some(url[..scheme_end + 3 + authority_len].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> (Config, Vec<ConfigWarning>) {
        match v {
            Value::Object(map) => Config::from_json(&map),
            other => panic!("test input must be an object, got {other}"),
        }
    }

    #[test]
    fn empty_object_gives_defaults_without_warnings() {
        assert_eq!(parse(json!({})), (Config::default(), vec![]));
    }

    #[test]
    fn title_is_trimmed_and_blank_means_default() {
        assert_eq!(
            parse(json!({ "title": "  Acme  " })).0.title.as_deref(),
            Some("Acme")
        );
        assert_eq!(parse(json!({ "title": "   " })).0.title, None);
        assert_eq!(parse(json!({ "title": null })), (Config::default(), vec![]));
    }

    #[test]
    fn malformed_title_warns_once_and_keeps_default() {
        let (config, warnings) = parse(json!({ "title": 42 }));
        assert_eq!(config, Config::default());
        assert_eq!(
            warnings,
            vec![ConfigWarning::WrongType {
                field: "title",
                expected: "a string"
            }]
        );
    }

    #[test]
    fn the_loaders_fields_are_left_to_the_loader() {
        // Malformed here, but the loader warns about these: a second warning would be noise.
        let (config, warnings) = parse(json!({
            "host": 3, "iconColor": [], "showToggleButton": "yes", "email": 1, "preload": 0
        }));
        assert_eq!((config, warnings), (Config::default(), vec![]));
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://cdn.x.io:8443/dist/sdk.js?v=2").as_deref(),
            Some("https://cdn.x.io:8443")
        );
        assert_eq!(origin_of("http://a.b").as_deref(), Some("http://a.b"));
        assert_eq!(origin_of("nonsense"), None);
        assert_eq!(origin_of("https://"), None);
    }
}
