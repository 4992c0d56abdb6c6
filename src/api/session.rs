//! `POST /api/widget/session` (helper-api.md §1.1, §3.7), including the identified visitor's
//! fresh HMAC from the page's `refreshAuth` when Helper rejects the current one.

use super::{storage, Api, ApiError};
use gloo_net::http::Request;
use helper_widget_core::config::{Config, Identity};
use serde_json::{json, Value};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Creates a session and returns its token.
pub(super) async fn create(api: &Rc<Api>) -> Result<Rc<str>, ApiError> {
    match request(api).await {
        Err(ApiError::Http {
            status: 401,
            message,
        }) => {
            let identified = matches!(&*api.identity.borrow(), Identity::Identified(_));
            if !identified {
                return Err(ApiError::Session(format!(
                    "The support server refused a new session{}.",
                    message.map(|m| format!(" ({m})")).unwrap_or_default()
                )));
            }
            let Some(refresh) = api.refresh_auth.clone() else {
                return Err(ApiError::Session(format!(
                    "We couldn't verify your account{}. Please reload the page.",
                    message.map(|m| format!(" ({m})")).unwrap_or_default()
                )));
            };
            let identity = refreshed_identity(&refresh).await?;
            *api.identity.borrow_mut() = identity;
            request(api).await.map_err(|e| match e {
                ApiError::Http {
                    status: 401,
                    message,
                } => ApiError::Session(format!(
                    "We couldn't verify your account{}. Please reload the page.",
                    message.map(|m| format!(" ({m})")).unwrap_or_default()
                )),
                other => other,
            })
        }
        other => other,
    }
}

async fn request(api: &Rc<Api>) -> Result<Rc<str>, ApiError> {
    let current_url = leptos::prelude::window()
        .location()
        .href()
        .unwrap_or_default();
    let (body, anonymous) = match &*api.identity.borrow() {
        Identity::Anonymous => (
            json!({ "currentToken": storage::anonymous_token(), "currentURL": current_url }),
            true,
        ),
        Identity::Identified(user) => (
            json!({
                "email": user.email,
                "emailHash": user.email_hash,
                "timestamp": user.timestamp,
                "customerMetadata": user.customer_metadata,
                "currentURL": current_url,
            }),
            false,
        ),
    };
    let request = Request::post(&api.url("/api/widget/session"));
    let response = super::send_json(request, &body).await?;
    let mut fields = super::read_object(response).await?;
    let token = super::required_string(&mut fields, "token").map_err(ApiError::BadResponse)?;
    if anonymous {
        storage::set_anonymous_token(Some(&token));
    } else {
        // As Helper's SDK does: an identified visitor's page keeps no anonymous identity.
        storage::set_anonymous_token(None);
    }
    Ok(Rc::from(token))
}

/// Calls the page's `refreshAuth()` and reads the `{email, emailHash, timestamp}` it resolves to.
async fn refreshed_identity(refresh: &js_sys::Function) -> Result<Identity, ApiError> {
    let failed = |why: String| {
        ApiError::Session(format!(
            "Your session expired and could not be renewed ({why}). Please reload the page."
        ))
    };
    let returned = refresh
        .call0(&JsValue::NULL)
        .map_err(|e| failed(describe(&e)))?;
    let promise = js_sys::Promise::resolve(&returned);
    let value = JsFuture::from(promise)
        .await
        .map_err(|e| failed(describe(&e)))?;
    let json = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str::<Value>(&s).ok());
    let Some(Value::Object(map)) = json else {
        return Err(failed("refreshAuth did not resolve to an object".into()));
    };
    match Config::from_json(&map).0.identity {
        identity @ Identity::Identified(_) => Ok(identity),
        Identity::Anonymous => Err(failed(
            "refreshAuth must resolve to {email, emailHash, timestamp}".into(),
        )),
    }
}

fn describe(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "refreshAuth failed".into())
}
