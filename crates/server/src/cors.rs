//! CORS on every response, and the gap flag that leaves it off exactly where Helper's server
//! does (helper-api.md §1.0).
//!
//! Hand-written rather than tower-http's layer because whether a response gets headers depends
//! on a per-response mark ([`CorsMark`]) and a runtime switch. Depends only on the shared
//! [`crate::App`] settings.

use crate::error::CorsMark;
use crate::App;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// `Access-Control-Allow-Methods` per route, as each Helper route's `corsOptions` lists them.
fn allow_methods(path: &str, gaps: bool) -> &'static str {
    if path == "/api/widget/session" {
        // Helper's session route passes an empty method list: harmless, since POST is
        // CORS-safelisted, but reproduced with the gap flag.
        return if gaps { ", OPTIONS" } else { "POST, OPTIONS" };
    }
    if path.starts_with("/__dev") {
        return "GET, POST, OPTIONS";
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["api", "chat", "conversation", _slug] => "GET, PATCH, OPTIONS",
        ["api", "chat", "conversations"] | ["api", "chat", "conversations", "unread"] => {
            "GET, OPTIONS"
        }
        _ => "POST, OPTIONS",
    }
}

fn add_headers(response: &mut Response, methods: &'static str) {
    let h = response.headers_mut();
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    h.insert(
        "access-control-allow-headers",
        HeaderValue::from_static("Content-Type, Authorization"),
    );
    h.insert(
        "access-control-allow-methods",
        HeaderValue::from_static(methods),
    );
}

/// Answers preflights and adds the CORS headers unless the response is marked otherwise.
pub async fn layer(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let gaps = app.settings().cors_gaps;
    let methods = allow_methods(request.uri().path(), gaps);
    if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        add_headers(&mut response, methods);
        return response;
    }
    let mut response = next.run(request).await;
    let skip = match response.extensions().get::<CorsMark>() {
        Some(CorsMark::Never) => true,
        Some(CorsMark::HelperGap) => gaps,
        None => false,
    };
    if !skip {
        add_headers(&mut response, methods);
    }
    response
}
