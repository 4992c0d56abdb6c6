//! JSON values handed to JavaScript: event details, and the text of request bodies, stored
//! values and non-string ids. Built with the browser's own objects and `JSON.stringify` rather
//! than serde serializers, because the wasm is downloaded by every visitor: serde-wasm-bindgen's
//! generic serializer and serde_json's writer cost about 8 KB of it for the handful of small
//! objects the widget writes.

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

/// `value`'s JSON text. The same as `serde_json::to_string` gives except where no JSON reader
/// can tell: number spelling (JavaScript's, e.g. `1e+21` for `1e21`) and the order of keys that
/// look like array indices (JavaScript puts those first).
pub fn stringify(value: &Value) -> String {
    // JSON.stringify throws only on cycles, BigInts and throwing `toJSON`s, none of which a
    // tree from `to_js` can hold.
    js_sys::JSON::stringify(&to_js(value))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A JSON object of `fields` (serde_json's map keeps keys sorted, as `json!` gives them).
///
/// Used instead of `serde_json::json!` with interpolated values: the macro runs each value
/// through `to_value(..).unwrap()`, whose panic message links serde_json's error `Debug` and
/// with it `str` escaping for `{:?}`. One shared, non-generic copy.
#[inline(never)]
pub fn object(fields: Vec<(&str, Value)>) -> Value {
    let mut map = serde_json::Map::new();
    for (key, value) in fields {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}
