//! The embedding page's configuration (`window.helperWidgetConfig` or the argument of
//! `HelperWidget.init`), validated field by field.
//!
//! The embed layer turns the JavaScript object into a [`serde_json::Map`] (functions such as
//! `refreshAuth` are taken out there, since they are not data) and calls [`Config::from_json`].
//! Nothing here knows about the browser: no `web_sys`, `wasm_bindgen` or `js_sys`.
//!
//! Policy (embed-contract §3): unknown fields are ignored; a malformed value yields one
//! [`ConfigWarning`] (the embed layer prints it as one console warning) and that field's default,
//! never an error that would leave the visitor's page without a widget.

use serde_json::{Map, Value};
use std::fmt;

/// Header title used when the page gives none.
pub const DEFAULT_TITLE: &str = "Support";
/// Launcher colour used when the page gives none (Helper's own default).
pub const DEFAULT_ICON_COLOR: Rgb = Rgb(0x22, 0x22, 0x22);

/// A validated widget configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Helper API base (scheme, authority and optional path, no trailing slash). `None` means
    /// "the origin of `sdk.js`", resolved by [`api_base`].
    pub host: Option<String>,
    /// Header title.
    pub title: String,
    /// Launcher background colour.
    pub icon_color: Rgb,
    /// Whether the floating launcher is shown.
    pub show_toggle_button: bool,
    /// Who the visitor is, as far as the Helper server is concerned.
    pub identity: Identity,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: None,
            title: DEFAULT_TITLE.to_owned(),
            icon_color: DEFAULT_ICON_COLOR,
            show_toggle_button: true,
            identity: Identity::Anonymous,
        }
    }
}

/// The session kind the widget asks Helper for.
#[derive(Debug, Clone, PartialEq)]
pub enum Identity {
    /// No email: Helper keys conversations by an anonymous session id kept in the token.
    Anonymous,
    /// Identified by an HMAC the site's server computed over `email:timestamp`.
    Identified(IdentifiedUser),
}

/// The fields of an identified session (helper-api.md §1.1, §3.7).
#[derive(Debug, Clone, PartialEq)]
pub struct IdentifiedUser {
    /// The visitor's email.
    pub email: String,
    /// Lowercase hex HMAC-SHA256 of `email:timestamp`, made by the site's server.
    pub email_hash: String,
    /// Milliseconds since the Unix epoch, as Helper's schema demands (a JSON number).
    pub timestamp: i64,
    /// `{name?, value?, links?}`, passed on with the session request.
    pub customer_metadata: Option<Value>,
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Black or white, whichever reads better on this colour. Same rule as Helper's SDK
    /// (0.299 R + 0.587 G + 0.114 B > 0.5 means a light background), so launchers look the
    /// same after switching.
    pub fn contrasting_foreground(self) -> Rgb {
        let luma =
            0.299 * f64::from(self.0) + 0.587 * f64::from(self.1) + 0.114 * f64::from(self.2);
        if luma / 255.0 > 0.5 {
            Rgb(0, 0, 0)
        } else {
            Rgb(255, 255, 255)
        }
    }

    /// Parses `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa` (alpha ignored) or
    /// `rgb(r, g, b)` / `rgba(r, g, b, a)` with integer channels.
    ///
    /// Named colours are not accepted: Helper documents `iconColor` as a hex string, and a
    /// table of 148 names is bytes every visitor would download for a rare case.
    pub fn parse(input: &str) -> Option<Rgb> {
        let s = input.trim();
        if let Some(hex) = s.strip_prefix('#') {
            return parse_hex(hex);
        }
        let lower = s.to_ascii_lowercase();
        let inner = lower
            .strip_prefix("rgba(")
            .or_else(|| lower.strip_prefix("rgb("))?
            .strip_suffix(')')?;
        let mut parts = inner.split(',').map(str::trim);
        let r = parts.next()?.parse().ok()?;
        let g = parts.next()?.parse().ok()?;
        let b = parts.next()?.parse().ok()?;
        match (parts.next(), parts.next()) {
            (None, None) => Some(Rgb(r, g, b)),
            (Some(alpha), None) if is_css_alpha(alpha) => Some(Rgb(r, g, b)),
            _ => None,
        }
    }
}

/// A CSS `<alpha-value>`: a plain decimal (`1`, `0.5`, `.5`) or a percentage (`50%`).
///
/// Checked by hand rather than with `str::parse::<f64>`: that pulls the float parser and its
/// power-of-five tables (about 12 KB of wasm) in for a value the widget then ignores.
fn is_css_alpha(alpha: &str) -> bool {
    let number = alpha.strip_suffix('%').unwrap_or(alpha);
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty()) && digits(int) && digits(frac) && !number.ends_with('.')
}

fn parse_hex(hex: &str) -> Option<Rgb> {
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
    let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    match hex.len() {
        3 | 4 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
        6 | 8 => Some(Rgb(pair(0)?, pair(2)?, pair(4)?)),
        _ => None,
    }
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
    /// `host` is not an absolute http(s) URL.
    #[error("helperWidgetConfig.host must be an absolute http(s) URL, got \"{0}\"; using the origin of sdk.js")]
    BadHost(String),
    /// `iconColor` could not be parsed.
    #[error("helperWidgetConfig.iconColor must be a hex colour such as \"#3b82f6\" or rgb(…), got \"{0}\"; using the default")]
    BadColor(String),
    /// Some but not all of the identified-session fields were given.
    #[error("helperWidgetConfig: an identified session needs email, emailHash and timestamp (missing: {missing}); starting an anonymous session")]
    IncompleteIdentity {
        /// Comma-separated names of the missing fields.
        missing: String,
    },
}

impl Config {
    /// Builds a configuration from the page's object, collecting one warning per field that
    /// could not be used.
    pub fn from_json(map: &Map<String, Value>) -> (Config, Vec<ConfigWarning>) {
        let mut warnings = Vec::new();
        let mut config = Config::default();

        if let Some(host) = string_field(map, "host", &mut warnings) {
            match normalize_host(&host) {
                Some(h) => config.host = Some(h),
                None => warnings.push(ConfigWarning::BadHost(host)),
            }
        }
        if let Some(title) = string_field(map, "title", &mut warnings) {
            let title = title.trim();
            if !title.is_empty() {
                config.title = title.to_owned();
            }
        }
        if let Some(color) = string_field(map, "iconColor", &mut warnings) {
            match Rgb::parse(&color) {
                Some(rgb) => config.icon_color = rgb,
                None => warnings.push(ConfigWarning::BadColor(color)),
            }
        }
        match map.get("showToggleButton") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => config.show_toggle_button = *b,
            Some(_) => warnings.push(ConfigWarning::WrongType {
                field: "showToggleButton",
                expected: "true or false",
            }),
        }
        config.identity = identity(map, &mut warnings);
        (config, warnings)
    }
}

fn identity(map: &Map<String, Value>, warnings: &mut Vec<ConfigWarning>) -> Identity {
    let email = string_field(map, "email", warnings).filter(|e| !e.trim().is_empty());
    let email_hash = string_field(map, "emailHash", warnings).filter(|h| !h.trim().is_empty());
    let timestamp = match map.get("timestamp") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Some(_) => {
            warnings.push(ConfigWarning::WrongType {
                field: "timestamp",
                expected: "a number of milliseconds (Date.now())",
            });
            None
        }
    };
    let customer_metadata = match map.get("customerMetadata") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(v.clone()),
        Some(_) => {
            warnings.push(ConfigWarning::WrongType {
                field: "customerMetadata",
                expected: "an object {name, value, links}",
            });
            None
        }
    };
    match (email, email_hash, timestamp) {
        (None, None, None) => Identity::Anonymous,
        (Some(email), Some(email_hash), Some(timestamp)) => Identity::Identified(IdentifiedUser {
            email,
            email_hash: email_hash.trim().to_owned(),
            timestamp,
            customer_metadata,
        }),
        (email, hash, ts) => {
            let missing: Vec<&str> = [
                email.is_none().then_some("email"),
                hash.is_none().then_some("emailHash"),
                ts.is_none().then_some("timestamp"),
            ]
            .into_iter()
            .flatten()
            .collect();
            warnings.push(ConfigWarning::IncompleteIdentity {
                missing: missing.join(", "),
            });
            Identity::Anonymous
        }
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

/// `https://help.example.com/` → `https://help.example.com`; `None` unless it is an absolute
/// http(s) URL with a host. A path is kept (a deployment behind a sub-path); query and fragment
/// are not allowed since API paths are appended.
pub fn normalize_host(input: &str) -> Option<String> {
    let s = input.trim();
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    let valid_authority = !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]@_%".contains(&b));
    if !valid_authority || s.contains(['?', '#', ' ', '\\']) {
        return None;
    }
    Some(s.trim_end_matches('/').to_owned())
}

/// The origin (`scheme://authority`) of an absolute URL such as the `sdk.js` script's.
pub fn origin_of(url: &str) -> Option<String> {
    let scheme_end = url.find("://")?;
    let after = &url[scheme_end + 3..];
    let authority_len = after.find(['/', '?', '#']).unwrap_or(after.len());
    if authority_len == 0 {
        return None;
    }
    Some(url[..scheme_end + 3 + authority_len].to_owned())
}

/// The base every API path is appended to: the configured host, else the origin of `sdk.js`
/// (never the host page, whose origin is unrelated to Helper).
pub fn api_base(config: &Config, script_url: &str) -> Option<String> {
    match &config.host {
        Some(host) => Some(host.clone()),
        None => origin_of(script_url),
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> (Config, Vec<ConfigWarning>) {
        match v {
            Value::Object(m) => Config::from_json(&m),
            _ => unreachable!("tests pass objects"),
        }
    }

    #[test]
    fn empty_object_gives_defaults_without_warnings() {
        let (c, w) = parse(json!({}));
        assert_eq!(c, Config::default());
        assert!(w.is_empty());
    }

    #[test]
    fn full_valid_config() {
        let (c, w) = parse(json!({
            "host": "https://help.example.com/",
            "title": " Acme support ",
            "iconColor": "#3B82F6",
            "showToggleButton": false,
            "email": "a@b.co", "emailHash": "abc123", "timestamp": 1_700_000_000_000_i64,
            "customerMetadata": {"name": "Ann", "value": 100},
            "someFutureField": [1, 2]
        }));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.host.as_deref(), Some("https://help.example.com"));
        assert_eq!(c.title, "Acme support");
        assert_eq!(c.icon_color, Rgb(0x3b, 0x82, 0xf6));
        assert!(!c.show_toggle_button);
        match c.identity {
            Identity::Identified(u) => {
                assert_eq!(u.email, "a@b.co");
                assert_eq!(u.timestamp, 1_700_000_000_000);
                assert_eq!(
                    u.customer_metadata,
                    Some(json!({"name": "Ann", "value": 100}))
                );
            }
            Identity::Anonymous => panic!("expected identified"),
        }
    }

    #[test]
    fn each_malformed_field_warns_once_and_keeps_default() {
        let (c, w) = parse(json!({
            "host": "javascript:alert(1)",
            "title": 42,
            "iconColor": "url(x)",
            "showToggleButton": "yes",
            "customerMetadata": "vip",
        }));
        assert_eq!(c, Config::default());
        assert_eq!(w.len(), 5, "{w:?}");
        assert!(matches!(w[0], ConfigWarning::BadHost(_)));
        assert!(matches!(
            w[1],
            ConfigWarning::WrongType { field: "title", .. }
        ));
        assert!(matches!(w[2], ConfigWarning::BadColor(_)));
    }

    #[test]
    fn timestamp_as_string_is_rejected_like_helper_does() {
        let (c, w) =
            parse(json!({"email": "a@b.co", "emailHash": "x", "timestamp": "1700000000000"}));
        assert_eq!(c.identity, Identity::Anonymous);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[1].to_string().contains("missing: timestamp"));
    }

    #[test]
    fn incomplete_identity_falls_back_to_anonymous_with_one_warning() {
        let (c, w) = parse(json!({"email": "a@b.co"}));
        assert_eq!(c.identity, Identity::Anonymous);
        assert_eq!(
            w,
            vec![ConfigWarning::IncompleteIdentity {
                missing: "emailHash, timestamp".into()
            }]
        );
    }

    #[test]
    fn null_fields_are_absent_fields() {
        let (c, w) =
            parse(json!({"host": null, "title": null, "email": null, "showToggleButton": null}));
        assert_eq!(c, Config::default());
        assert!(w.is_empty());
    }

    #[test]
    fn colors() {
        assert_eq!(Rgb::parse("#fff"), Some(Rgb(255, 255, 255)));
        assert_eq!(Rgb::parse("#0a0b0c80"), Some(Rgb(10, 11, 12)));
        assert_eq!(Rgb::parse("rgb(1, 2, 3)"), Some(Rgb(1, 2, 3)));
        assert_eq!(Rgb::parse("RGBA(1,2,3,0.5)"), Some(Rgb(1, 2, 3)));
        assert_eq!(Rgb::parse("rgb(1,2,300)"), None);
        for alpha in ["1", "0.5", ".5", "50%", "12.5%"] {
            assert_eq!(
                Rgb::parse(&format!("rgba(1,2,3,{alpha})")),
                Some(Rgb(1, 2, 3)),
                "{alpha}"
            );
        }
        for alpha in ["", ".", "1.", "%", "-1", "1e3", "inf", "NaN", "0.5.5", "a"] {
            assert_eq!(Rgb::parse(&format!("rgba(1,2,3,{alpha})")), None, "{alpha}");
        }
        assert_eq!(Rgb::parse("#ggg"), None);
        assert_eq!(Rgb::parse("#12345"), None);
        assert_eq!(Rgb::parse("red"), None);
        assert_eq!(Rgb::parse("#é"), None);
        assert_eq!(Rgb(255, 255, 0).contrasting_foreground(), Rgb(0, 0, 0));
        assert_eq!(
            DEFAULT_ICON_COLOR.contrasting_foreground(),
            Rgb(255, 255, 255)
        );
        assert_eq!(Rgb(0x3b, 0x82, 0xf6).to_hex(), "#3b82f6");
    }

    #[test]
    fn hosts_and_origins() {
        assert_eq!(
            normalize_host("http://127.0.0.1:8081").as_deref(),
            Some("http://127.0.0.1:8081")
        );
        assert_eq!(
            normalize_host("https://x.io/helper/").as_deref(),
            Some("https://x.io/helper")
        );
        assert_eq!(normalize_host("https://x.io?a=1"), None);
        assert_eq!(normalize_host("//x.io"), None);
        assert_eq!(normalize_host("https://"), None);
        assert_eq!(normalize_host("ftp://x.io"), None);
        assert_eq!(
            origin_of("https://cdn.x.io:8443/dist/sdk.js?v=2").as_deref(),
            Some("https://cdn.x.io:8443")
        );
        assert_eq!(origin_of("http://a.b").as_deref(), Some("http://a.b"));
        assert_eq!(origin_of("nonsense"), None);
        let cfg = Config::default();
        assert_eq!(
            api_base(&cfg, "http://w.io/dist/sdk.js").as_deref(),
            Some("http://w.io")
        );
        let cfg = Config {
            host: Some("https://api.io".into()),
            ..Config::default()
        };
        assert_eq!(
            api_base(&cfg, "http://w.io/dist/sdk.js").as_deref(),
            Some("https://api.io")
        );
    }
}
