//! The request-body limit: the largest body Helper's API can need, read at most once, with a
//! JSON 413 the widget can read (the CORS layer adds its headers) for anything larger.
//!
//! Depends on [`crate::api`]'s attachment rules for the size; knows nothing of routes.

use crate::api::{MAX_FILES, MAX_TOTAL_BYTES};
use crate::error::Error;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Room for everything in a message body besides the attachments' base64: the question,
/// names, content types, `data:…;base64,` prefixes and JSON punctuation.
const JSON_OVERHEAD: usize = 1 << 20;

/// Largest request body accepted. Attachments travel as base64 data URLs (4 bytes for every 3)
/// and Helper takes at most `MAX_TOTAL_BYTES` of them per message (5 files of up to 25 MB,
/// 50 MB together), so a bigger body can only be refused; buffering it would just cost memory.
pub const MAX_BODY_BYTES: usize = MAX_TOTAL_BYTES.div_ceil(3) * 4 + JSON_OVERHEAD;

// The overhead must leave room for each file's own fields, not just one.
const _: () = assert!(JSON_OVERHEAD >= MAX_FILES * 4096);

/// Reads the body up to [`MAX_BODY_BYTES`] before any handler runs: a declared
/// `Content-Length` over the limit is refused before a byte of it is read, and a chunked body
/// as soon as it passes the limit.
pub async fn layer(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Error::TooLarge.into_response();
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(e) if is_over_limit(&e) => Error::TooLarge.into_response(),
        // The client went away or sent broken chunked framing; it will hardly read this.
        Err(_) => Error::BadRequest("Failed to read the request body".into()).into_response(),
    }
}

fn is_over_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}
