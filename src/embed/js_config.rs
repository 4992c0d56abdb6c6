//! Turns the page's JavaScript config object into a [`Config`], warning on the console once per
//! field that cannot be used (embed-contract §3).

use helper_widget_core::config::{Config, ConfigWarning};
use serde_json::{Map, Value};
use wasm_bindgen::{JsCast, JsValue};

/// Reads `value` (normally `window.helperWidgetConfig` or the argument of `init`).
///
/// It goes through `JSON.stringify`, which drops functions such as `refreshAuth` (read
/// separately where needed) and any other non-data the page may have put there.
pub fn read(value: &JsValue) -> Config {
    let map = if value.is_undefined() || value.is_null() {
        Map::new()
    } else {
        match to_json(value) {
            Some(Value::Object(map)) => map,
            _ => {
                warn("helperWidgetConfig should be an object; using the defaults");
                Map::new()
            }
        }
    };
    let (config, warnings) = Config::from_json(&map);
    for w in &warnings {
        warn_config(w);
    }
    config
}

/// The page's `refreshAuth` callback (embed-contract §3), if it is a function.
pub fn refresh_auth(value: &JsValue) -> Option<js_sys::Function> {
    if !value.is_object() {
        return None;
    }
    let f = js_sys::Reflect::get(value, &"refreshAuth".into()).ok()?;
    match f.dyn_into::<js_sys::Function>() {
        Ok(f) => Some(f),
        Err(other) if other.is_undefined() || other.is_null() => None,
        Err(_) => {
            warn("helperWidgetConfig.refreshAuth should be a function; ignoring it");
            None
        }
    }
}

fn to_json(value: &JsValue) -> Option<Value> {
    // Throws on cycles or BigInt: treated like any other malformed config.
    let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

fn warn_config(w: &ConfigWarning) {
    warn(&w.to_string());
}

fn warn(message: &str) {
    web_sys::console::warn_1(&format!("[Helper widget] {message}").into());
}
