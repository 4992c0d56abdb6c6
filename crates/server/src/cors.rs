//! CORS on every response, and the gap flag that leaves it off exactly where Helper's server
//! does (helper-api.md §1.0); and the loopback-only rule of the dev routes.
//!
//! Helper's routes answer any origin with `Access-Control-Allow-Origin: *`, as Helper does.
//! The dev routes (`/__dev/*`) change the server's state and sign identities with its secret
//! (which may be a real mailbox's, passed by flag), and a developer's machine is on the
//! internet too: any page it visits can send requests to `127.0.0.1`. So a dev request is
//! refused with a 403 (and no CORS headers) when its `Origin` is anything but a loopback page
//! (`localhost`, `127.0.0.0/8`, `[::1]`), which also stops "simple" cross-origin POSTs that a
//! browser sends without a preflight; and when its `Host` is not a loopback name, which stops
//! DNS rebinding (a page whose host name now resolves to `127.0.0.1` is same-origin and its
//! GETs carry no `Origin`). Loopback pages get their own origin back, not `*`. Requests without
//! an `Origin` (the e2e harness, the benchmark's Node driver, curl) are not from a page and are
//! served without CORS headers.
//!
//! Hand-written rather than tower-http's layer because whether a response gets headers depends
//! on a per-response mark ([`CorsMark`]) and a runtime switch. Depends only on the shared
//! [`crate::App`] settings.

use crate::error::{CorsMark, Error, Rejection};
use crate::App;
use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN, VARY};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;
use std::sync::Arc;

const DEV_METHODS: &str = "GET, POST, OPTIONS";
const ALLOW_HEADERS: &str = "Content-Type, Authorization";

/// `Access-Control-Allow-Methods` per route, as each Helper route's `corsOptions` lists them.
fn allow_methods(path: &str, gaps: bool) -> &'static str {
    if path == "/api/widget/session" {
        // Helper's session route passes an empty method list: harmless, since POST is
        // CORS-safelisted, but reproduced with the gap flag.
        return if gaps { ", OPTIONS" } else { "POST, OPTIONS" };
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["api", "chat", "conversation", _slug] => "GET, PATCH, OPTIONS",
        ["api", "chat", "conversations"] | ["api", "chat", "conversations", "unread"] => {
            "GET, OPTIONS"
        }
        ["api", "widget", "notification", _id] => "PATCH, OPTIONS",
        _ => "POST, OPTIONS",
    }
}

fn add_headers(response: &mut Response, origin: HeaderValue, methods: &'static str) {
    let h = response.headers_mut();
    h.insert("access-control-allow-origin", origin);
    h.insert(
        "access-control-allow-headers",
        HeaderValue::from_static(ALLOW_HEADERS),
    );
    h.insert(
        "access-control-allow-methods",
        HeaderValue::from_static(methods),
    );
}

/// A host name or IP literal (IPv6 with or without brackets) that can only mean this machine.
fn is_loopback_host(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `http(s)://` + loopback host (+ port); `null` and every other origin are not.
fn is_loopback_origin(origin: &HeaderValue) -> bool {
    let Some(uri) = origin.to_str().ok().and_then(|o| o.parse::<Uri>().ok()) else {
        return false;
    };
    let web = matches!(uri.scheme_str(), Some("http" | "https"));
    let bare = uri.path_and_query().is_none_or(|p| p.as_str() == "/");
    web && bare && uri.host().is_some_and(is_loopback_host)
}

/// The `Host` header names this machine (HTTP/1.1 always sends one; without it there is no
/// name a rebinding page could have used).
fn is_loopback_authority(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(HOST) else {
        return true;
    };
    host.to_str()
        .ok()
        .and_then(|h| h.parse::<Authority>().ok())
        .is_some_and(|a| is_loopback_host(a.host()))
}

/// The dev routes' rule (see the module docs): `Err` refuses the request; `Ok(Some(origin))`
/// is the loopback page to answer with CORS headers, `Ok(None)` a request from no page.
fn dev_origin(headers: &HeaderMap) -> Result<Option<HeaderValue>, Rejection> {
    let refuse = || Rejection {
        error: Error::Forbidden("Dev routes answer only loopback pages"),
        cors: Some(CorsMark::Never),
    };
    if !is_loopback_authority(headers) {
        return Err(refuse());
    }
    match headers.get(ORIGIN) {
        None => Ok(None),
        Some(origin) if is_loopback_origin(origin) => Ok(Some(origin.clone())),
        Some(_) => Err(refuse()),
    }
}

/// Answers preflights and adds the CORS headers unless the response is marked otherwise.
pub async fn layer(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/__dev") {
        return dev_layer(request, next).await;
    }
    let gaps = app.settings().cors_gaps;
    let methods = allow_methods(request.uri().path(), gaps);
    let any = HeaderValue::from_static("*");
    if request.method() == Method::OPTIONS {
        // Helper's analytics event route exports no OPTIONS handler, so a cross-origin
        // preflight to it fails.
        if gaps && request.uri().path().ends_with("/event") {
            return StatusCode::METHOD_NOT_ALLOWED.into_response();
        }
        let mut response = StatusCode::NO_CONTENT.into_response();
        add_headers(&mut response, any, methods);
        return response;
    }
    let mut response = next.run(request).await;
    let skip = match response.extensions().get::<CorsMark>() {
        Some(CorsMark::Never) => true,
        Some(CorsMark::HelperGap) => gaps,
        None => false,
    };
    if !skip {
        add_headers(&mut response, any, methods);
    }
    response
}

async fn dev_layer(request: Request, next: Next) -> Response {
    let origin = match dev_origin(request.headers()) {
        Ok(origin) => origin,
        Err(refused) => return refused.into_response(),
    };
    let mut response = if request.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    if let Some(origin) = origin {
        add_headers(&mut response, origin, DEV_METHODS);
        // The answer depends on the asking page, so no cache may reuse it for another.
        response
            .headers_mut()
            .insert(VARY, HeaderValue::from_static("Origin"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_and_hosts() {
        for o in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "https://LOCALHOST:3000",
            "http://[::1]:5173",
            "http://127.8.9.10",
        ] {
            assert!(is_loopback_origin(&HeaderValue::from_static(o)), "{o}");
        }
        for o in [
            "null",
            "https://evil.example",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
            "http://evil.example/127.0.0.1",
            "http://[::ffff:8.8.8.8]",
            "file:///home/me/page.html",
            "chrome-extension://abc",
            "http://0.0.0.0:8081",
        ] {
            assert!(!is_loopback_origin(&HeaderValue::from_static(o)), "{o}");
        }
        let mut h = HeaderMap::new();
        assert!(is_loopback_authority(&h));
        for (host, ok) in [
            ("127.0.0.1:8081", true),
            ("localhost", true),
            ("[::1]:8081", true),
            ("evil.example:8081", false),
            ("192.168.1.5:8081", false),
        ] {
            h.insert(HOST, HeaderValue::from_static(host));
            assert_eq!(is_loopback_authority(&h), ok, "{host}");
        }
    }
}
