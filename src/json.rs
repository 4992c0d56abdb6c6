//! JSON values handed to JavaScript (event details), built with the browser's own objects
//! rather than serde-wasm-bindgen, because the wasm is downloaded by every visitor and that
//! crate's generic serializer cost 2.6 KB of it for a handful of small flat objects.

use serde_json::Value;
use wasm_bindgen::JsValue;

/// `value` as the JavaScript value `JSON.parse` would give for its text: plain objects and
/// arrays, never a `Map`.
pub fn to_js(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        // Without serde_json's arbitrary_precision feature every number has an f64 reading.
        Value::Number(n) => n.as_f64().map_or(JsValue::NULL, JsValue::from_f64),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(to_js).collect::<js_sys::Array>().into(),
        Value::Object(fields) => {
            let object = js_sys::Object::new();
            for (key, item) in fields {
                // Setting a data property on a fresh plain object cannot throw.
                let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &to_js(item));
            }
            object.into()
        }
    }
}
