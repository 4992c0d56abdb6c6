//! The crate's one error type and how it becomes one of Helper's error responses.
//!
//! Depends only on axum's response types; knows nothing of routes or state. Which CORS headers an
//! error carries is decided by the CORS layer (the `cors` module) from the [`CorsMark`] set here.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Everything that can go wrong in the server, each variant mapping to the status and
/// `{"error": …}` body Helper sends for it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400 `{"error": msg}`.
    #[error("{0}")]
    BadRequest(String),
    /// 400 `{"error":"Invalid search parameters","details":[…]}` (conversation list).
    #[error("Invalid search parameters")]
    InvalidSearch(Vec<Value>),
    /// 401 `{"error": msg}`.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 401 `{"valid":false,"error": msg}` (the session endpoint's own rejections).
    #[error("{0}")]
    SessionRejected(&'static str),
    /// 403 `{"error": msg}`: a dev route asked from a page that is not on a loopback origin.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404 `{"error": msg}`.
    #[error("{0}")]
    NotFound(&'static str),
    /// 413 `{"error":"Request body too large"}`.
    #[error("Request body too large")]
    TooLarge,
    /// 503 `{"error": msg}`: a dev queue is full until `/__dev/reset`.
    #[error("{0}")]
    Full(&'static str),
    /// 500: what Next.js answers when a route handler throws (bad JSON, unknown slug…).
    #[error("{0}")]
    Thrown(String),
    /// 500 `{"error":"Failed to send message"}` and similar handled failures.
    #[error("{0}")]
    Internal(String),
    /// An injected error status (the `http-error` fault), `{"error":"Injected failure (S)"}`.
    #[error("Injected failure ({0})")]
    Injected(u16),
    /// Binding or serving the socket failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// Signing a session token failed (only with a broken key).
    #[error("token: {0}")]
    Token(#[from] jsonwebtoken::errors::Error),
}

/// Set on a response's extensions to tell the CORS layer to leave its headers off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorsMark {
    /// Helper's own server sends no CORS headers here; reproduced only with the gap flag on.
    HelperGap,
    /// Never send CORS headers (the `server-error` fault).
    Never,
}

/// An error on its way out, with whether Helper's server would attach CORS headers to it.
#[derive(Debug)]
pub struct Rejection {
    pub error: Error,
    pub cors: Option<CorsMark>,
}

impl Rejection {
    /// Marks this error as one Helper answers without CORS headers.
    pub fn helper_gap(mut self) -> Self {
        self.cors = Some(CorsMark::HelperGap);
        self
    }
}

impl From<Error> for Rejection {
    fn from(error: Error) -> Self {
        // An uncaught throw never reaches Helper's CORS-adding code, whatever the route.
        let cors = matches!(error, Error::Thrown(_)).then_some(CorsMark::HelperGap);
        Rejection { error, cors }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let message = self.error.to_string();
        let (status, body) = match self.error {
            Error::BadRequest(_) => (StatusCode::BAD_REQUEST, json!({ "error": message })),
            Error::InvalidSearch(details) => (
                StatusCode::BAD_REQUEST,
                json!({ "error": message, "details": details }),
            ),
            Error::Unauthorized(_) => (StatusCode::UNAUTHORIZED, json!({ "error": message })),
            Error::SessionRejected(_) => (
                StatusCode::UNAUTHORIZED,
                json!({ "valid": false, "error": message }),
            ),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, json!({ "error": message })),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, json!({ "error": message })),
            Error::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, json!({ "error": message })),
            Error::Full(_) => (StatusCode::SERVICE_UNAVAILABLE, json!({ "error": message })),
            Error::Injected(code) => (
                StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                json!({ "error": message }),
            ),
            Error::Thrown(_) | Error::Internal(_) | Error::Io(_) | Error::Token(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "error": message }),
            ),
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(mark) = self.cors {
            response.extensions_mut().insert(mark);
        }
        response
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        Rejection::from(self).into_response()
    }
}

/// Result of a route handler.
pub type ApiResult = Result<Response, Rejection>;
