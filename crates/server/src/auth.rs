//! Session tokens and identified-visitor signatures, as Helper mints and checks them
//! (helper-api.md §1.1, §1.17).
//!
//! Pure functions over a secret and a clock value: no state, no HTTP types beyond the
//! `Authorization` header value.

use crate::error::Error;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::Duration;

/// Helper's `expiresIn: "7d"` for anonymous visitors.
pub const ANONYMOUS_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// Helper's `expiresIn: "12h"` for identified visitors.
pub const IDENTIFIED_TTL: Duration = Duration::from_secs(12 * 3600);
/// Helper accepts an HMAC timestamp up to one hour either side of now.
pub const TIMESTAMP_WINDOW_MS: i64 = 3_600_000;

/// The JWT claims Helper puts in a widget session token.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub show_widget: bool,
    pub is_whitelabel: bool,
    pub title: String,
    pub is_anonymous: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_session_id: Option<String>,
    pub iat: u64,
    pub exp: u64,
}

/// Who a verified token speaks for; conversations are keyed by it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    Email(String),
    Anonymous(String),
}

impl Claims {
    /// The conversation owner, or `None` for a token that names neither (Helper answers such
    /// sessions with "Not authorized - Invalid session" on some routes).
    pub fn owner(&self) -> Option<Owner> {
        match (&self.email, &self.anonymous_session_id) {
            (Some(email), _) if !email.is_empty() => Some(Owner::Email(email.clone())),
            (_, Some(id)) if !id.is_empty() => Some(Owner::Anonymous(id.clone())),
            _ => None,
        }
    }
}

/// Signs `claims` with HS256 keyed by the mailbox secret.
pub fn mint(secret: &str, claims: &Claims) -> Result<String, Error> {
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )?)
}

/// Verifies signature and expiry. No leeway, so a short `--token-ttl-secs` expires exactly.
pub fn verify(secret: &str, token: &str) -> Option<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    jsonwebtoken::decode::<Claims>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .ok()
    .map(|data| data.claims)
}

/// `withWidgetAuth`: the bearer token's claims, or Helper's 401.
pub fn bearer(secret: &str, header: Option<&str>) -> Result<Claims, Error> {
    let token = header
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or(Error::Unauthorized("Missing authorization header"))?;
    verify(secret, token.trim()).ok_or(Error::Unauthorized("Invalid session token"))
}

/// Lower-case hex HMAC-SHA256 of `email:timestamp`, what the host page's server computes.
pub fn email_hash(secret: &str, email: &str, timestamp: &str) -> String {
    // `new_from_slice` only fails for fixed-size-key MACs; HMAC takes any key length.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(email.as_bytes());
    mac.update(b":");
    mac.update(timestamp.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `hash` is [`email_hash`] of `email:timestamp`, compared in constant time so the
/// time a wrong guess takes says nothing about how much of it was right.
///
/// Helper compares lower-case hex text, so anything else (upper case, odd length, not hex)
/// never matches; those checks look only at the caller's own input.
pub fn email_hash_matches(secret: &str, email: &str, timestamp: &str, hash: &str) -> bool {
    if hash.bytes().any(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let Ok(claimed) = hex::decode(hash) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(email.as_bytes());
    mac.update(b":");
    mac.update(timestamp.as_bytes());
    // `verify_slice` compares with `subtle`'s constant-time equality.
    mac.verify_slice(&claimed).is_ok()
}

/// Formats a JSON number as JavaScript's `${timestamp}` would, so the signed text matches.
pub fn js_number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    if f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_hash_matches_only_its_own_lower_case_hex() {
        let good = email_hash("s3cret", "ada@example.com", "1700000000000");
        assert_eq!(good.len(), 64);
        assert!(email_hash_matches(
            "s3cret",
            "ada@example.com",
            "1700000000000",
            &good
        ));
        assert!(!email_hash_matches(
            "s3cret",
            "ada@example.com",
            "1700000000001",
            &good
        ));
        assert!(!email_hash_matches(
            "other",
            "ada@example.com",
            "1700000000000",
            &good
        ));
        let mut flipped = good.clone().into_bytes();
        flipped[63] = if flipped[63] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap_or_default();
        assert!(!email_hash_matches(
            "s3cret",
            "ada@example.com",
            "1700000000000",
            &flipped
        ));
        for wrong in [
            good.to_uppercase(),
            good[..62].to_string(),
            format!("{good}00"),
            String::new(),
            "zz".repeat(32),
        ] {
            assert!(
                !email_hash_matches("s3cret", "ada@example.com", "1700000000000", &wrong),
                "{wrong}"
            );
        }
    }
}
