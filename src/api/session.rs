//! The visitor's Helper session (helper-api.md §1.1, §3.7). The loader `sdk.js` starts it at
//! page load, before the chat code exists, and it holds the one session request format; this
//! module takes that session over and owns renewal: a 401 on any call asks the loader for a new
//! session (anonymous: it sends the stored token back as `currentToken`; identified: with a fresh
//! HMAC from the page's `refreshAuth`).

use super::{Api, ApiError};
use crate::i18n::t;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where sessions come from: the loader's start-up request and its request function.
pub struct SessionSource {
    /// The start-up session, used by the first caller.
    startup: RefCell<Option<js_sys::Promise>>,
    /// `requestSession(identity | null)`: a new session, as the start-up one was made, or for
    /// the identity `refreshAuth` resolved to. Resolves to `{ok, token, status, error}`.
    request: js_sys::Function,
    /// Whether the page identified the visitor (email + HMAC).
    identified: bool,
}

impl SessionSource {
    /// A source whose first session is `startup`; later ones come from `request`.
    pub fn new(startup: js_sys::Promise, request: js_sys::Function, identified: bool) -> Self {
        SessionSource {
            startup: RefCell::new(Some(startup)),
            request,
            identified,
        }
    }
}

/// A session the server granted.
#[derive(Clone)]
pub(super) struct Granted {
    /// The bearer token.
    pub token: Rc<str>,
    /// Where its realtime broadcasts are heard (from `supabaseUrl` and `supabaseAnonKey`), if
    /// the deployment has realtime.
    pub socket_url: Option<String>,
}

/// Takes over the start-up session, or asks for a new one.
pub(super) async fn create(api: &Rc<Api>) -> Result<Granted, ApiError> {
    let startup = api.sessions.startup.borrow_mut().take();
    let first = match startup {
        Some(promise) => settle(promise).await,
        None => request(api, &JsValue::NULL).await,
    };
    let Err(ApiError::Http {
        status: 401,
        message,
    }) = first
    else {
        return first;
    };
    // The server's reason is for the site owner (the console); the visitor reads what to do.
    refused(message);
    if !api.sessions.identified {
        return Err(ApiError::Session(t("error.session_refused").into()));
    }
    let Some(refresh) = api.refresh_auth.clone() else {
        return Err(ApiError::Session(t("error.session_unverified").into()));
    };
    let identity = refreshed_identity(&refresh).await?;
    request(api, &identity).await.map_err(|e| match e {
        ApiError::Http {
            status: 401,
            message,
        } => {
            refused(message);
            ApiError::Session(t("error.session_unverified").into())
        }
        other => other,
    })
}

async fn request(api: &Rc<Api>, identity: &JsValue) -> Result<Granted, ApiError> {
    let promise = api
        .sessions
        .request
        .call1(&JsValue::NULL, identity)
        .map_err(|e| ApiError::Network(describe(&e, "the session request failed")))?;
    settle(promise.unchecked_into()).await
}

/// Reads the loader's `{ok: true, token, supabaseUrl?, supabaseAnonKey?}` /
/// `{ok: false, status, error}`.
async fn settle(promise: js_sys::Promise) -> Result<Granted, ApiError> {
    let result = JsFuture::from(promise)
        .await
        .map_err(|e| ApiError::Network(describe(&e, "the session request failed")))?;
    let field = |name: &str| js_sys::Reflect::get(&result, &name.into()).unwrap_or_default();
    if field("ok").as_bool() == Some(true) {
        let Some(token) = field("token").as_string() else {
            return Err(ApiError::BadResponse("the session has no token".into()));
        };
        let socket_url = match (
            field("supabaseUrl").as_string(),
            field("supabaseAnonKey").as_string(),
        ) {
            (Some(url), Some(key)) => helper_widget_core::phoenix::socket_url(&url, &key),
            _ => None,
        };
        return Ok(Granted {
            token: Rc::from(token),
            socket_url,
        });
    }
    let error = field("error").as_string();
    match field("status").as_f64().unwrap_or(0.0) {
        // The identity refreshAuth gave could not be used; the loader says why.
        s if s < 0.0 => Err(expired(error.unwrap_or_default())),
        s if (100.0..600.0).contains(&s) => Err(ApiError::Http {
            status: s as u16,
            message: error,
        }),
        _ => Err(ApiError::Network(error.unwrap_or_else(|| {
            "the support server could not be reached".into()
        }))),
    }
}

fn expired(why: String) -> ApiError {
    refused(Some(why));
    ApiError::Session(t("error.session_expired").into())
}

fn refused(reason: Option<String>) {
    if let Some(reason) = reason {
        let line = format!("[Helper widget] no session: {reason}");
        web_sys::console::warn_1(&line.into());
    }
}

/// Calls the page's `refreshAuth()` and returns what it resolves to; the loader checks that it
/// is `{email, emailHash, timestamp}` when it makes the request.
/// A promise that never settles must not hold every later call: it gets
/// [`super::timeout::REFRESH_AUTH_MS`].
async fn refreshed_identity(refresh: &js_sys::Function) -> Result<JsValue, ApiError> {
    let returned = refresh
        .call0(&JsValue::NULL)
        .map_err(|e| expired(describe(&e, "refreshAuth failed")))?;
    let answer = js_sys::Promise::resolve(&returned);
    let limit = super::timeout::rejects_after(
        super::timeout::REFRESH_AUTH_MS,
        "refreshAuth did not answer in time",
    );
    let race = js_sys::Promise::race(&js_sys::Array::of2(&answer, &limit));
    JsFuture::from(race)
        .await
        .map_err(|e| expired(describe(&e, "refreshAuth failed")))
}

fn describe(e: &JsValue, fallback: &str) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| fallback.into())
}
