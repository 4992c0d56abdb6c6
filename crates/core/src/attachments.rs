//! The attachment rules Helper's server enforces (its `attachmentValidation`): which files a
//! visitor may attach, and which attachment URLs the widget may turn into links or images.
//!
//! Pure functions of names, types and sizes: no browser, no network, so the rules are tested
//! natively and the widget refuses a file before sending what the server would refuse.

/// At most this many files go with one message.
pub const MAX_FILES: usize = 5;
/// Each file is at most 25 MB.
pub const MAX_FILE_BYTES: f64 = (25u32 << 20) as f64;
/// All files of one message together are at most 50 MB.
pub const MAX_TOTAL_BYTES: f64 = (50u32 << 20) as f64;
/// The types Helper accepts, as the file input's `accept` list.
pub const ACCEPT: &str = "image/png,image/jpeg,image/gif,image/webp,application/pdf";

/// Whether Helper accepts a file of MIME type `content_type`.
pub fn accepted_type(content_type: &str) -> bool {
    !content_type.is_empty()
        && !content_type.contains(',')
        && ACCEPT.split(',').any(|t| t == content_type)
}

/// Whether `content_type` is one of the accepted image types (shown as a thumbnail).
pub fn is_image(content_type: &str) -> bool {
    content_type.starts_with("image/") && accepted_type(content_type)
}

/// Why a file cannot join the message (the caller words it for the visitor, with the file's
/// name and these limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of the accepted types.
    Type,
    /// Larger than [`MAX_FILE_BYTES`].
    Size,
    /// The message has [`MAX_FILES`] already.
    Count,
    /// The message's files would exceed [`MAX_TOTAL_BYTES`].
    Total,
}

/// Whether a file may join the message: `None` if it may. `count` and `total` are the files
/// already chosen and their bytes (sizes are the browser's `File.size`, a double).
pub fn refusal(content_type: &str, size: f64, count: usize, total: f64) -> Option<Refusal> {
    Some(if !accepted_type(content_type) {
        Refusal::Type
    } else if size > MAX_FILE_BYTES {
        Refusal::Size
    } else if count >= MAX_FILES {
        Refusal::Count
    } else if total + size > MAX_TOTAL_BYTES {
        Refusal::Total
    } else {
        return None;
    })
}

/// How a received attachment's URL may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    /// An `http(s)` address: a link that opens in a new tab.
    Open,
    /// A data URL of an accepted type: a link that downloads the file (browsers refuse to
    /// navigate to data URLs).
    Download,
    /// Anything else (`javascript:`, `blob:`, another data type): shown as text only.
    Refused,
}

/// Which use `url` may have. Only a literal allowed prefix counts, so nothing the browser
/// would read as another scheme (`javascript:`, `vbscript:`, leading spaces) gets through.
pub fn url_use(url: &str) -> UrlUse {
    let starts = |prefix: &str| {
        url.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if starts("http://") || starts("https://") {
        return UrlUse::Open;
    }
    let data_type = url.get(5..).filter(|_| starts("data:")).and_then(|rest| {
        ACCEPT
            .split(',')
            .find(|t| rest.starts_with(t) && rest[t.len()..].starts_with(";base64,"))
    });
    match data_type {
        Some(_) => UrlUse::Download,
        None => UrlUse::Refused,
    }
}

/// Whether `url` may be the `src` of an image: a link-safe URL of an image type (the type is
/// the data URL's own, else the one the server gave).
pub fn image_url(url: &str, content_type: Option<&str>) -> bool {
    match url_use(url) {
        UrlUse::Open => content_type.is_some_and(is_image),
        UrlUse::Download => url.get(5..).is_some_and(|rest| rest.starts_with("image/")),
        UrlUse::Refused => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: f64 = (1u32 << 20) as f64;

    #[test]
    fn types() {
        for t in [
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "application/pdf",
        ] {
            assert!(accepted_type(t), "{t}");
        }
        for t in [
            "",
            "image/svg+xml",
            "text/plain",
            "image/png,text/html",
            "image/",
            "IMAGE/PNG",
        ] {
            assert!(!accepted_type(t), "{t}");
        }
        assert!(is_image("image/gif"));
        assert!(!is_image("application/pdf"));
    }

    #[test]
    fn refusals_by_rule() {
        assert_eq!(refusal("image/png", MB, 0, 0.0), None);
        assert_eq!(refusal("text/plain", 10.0, 0, 0.0), Some(Refusal::Type));
        assert_eq!(
            refusal("image/png", 25.0 * MB + 1.0, 0, 0.0),
            Some(Refusal::Size)
        );
        assert_eq!(refusal("image/png", 25.0 * MB, 0, 0.0), None);
        assert_eq!(refusal("image/png", 1.0, 5, 5.0), Some(Refusal::Count));
        assert_eq!(refusal("image/png", 1.0, 4, 4.0), None);
        let total = refusal("application/pdf", 20.0 * MB, 2, 40.0 * MB);
        assert_eq!(total, Some(Refusal::Total));
        assert_eq!(refusal("application/pdf", 10.0 * MB, 2, 40.0 * MB), None);
    }

    #[test]
    fn only_safe_urls_become_links() {
        assert_eq!(url_use("https://cdn.test/a.png?sig=1"), UrlUse::Open);
        assert_eq!(url_use("HTTP://cdn.test/a.pdf"), UrlUse::Open);
        assert_eq!(url_use("data:image/png;base64,AAAA"), UrlUse::Download);
        assert_eq!(
            url_use("data:application/pdf;base64,AAAA"),
            UrlUse::Download
        );
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " https://x.test",
            "data:text/html;base64,PHNjcmlwdD4=",
            "data:image/svg+xml;base64,PHN2Zz4=",
            "data:image/png,raw",
            "blob:https://x.test/1",
            "vbscript:x",
            "",
            "http:",
        ] {
            assert_eq!(url_use(bad), UrlUse::Refused, "{bad}");
        }
        assert!(image_url("https://x.test/a", Some("image/png")));
        assert!(!image_url("https://x.test/a", Some("application/pdf")));
        assert!(!image_url("https://x.test/a", None));
        assert!(image_url("data:image/webp;base64,AA", None));
        assert!(!image_url(
            "data:application/pdf;base64,AA",
            Some("image/png")
        ));
        assert!(!image_url("javascript:x", Some("image/png")));
    }
}
