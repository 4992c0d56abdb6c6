//! When a message was written: a short relative time ("5m"), the full date on hover.

use super::use_clock;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The full local date and time of `ms`, in the visitor's own locale and format.
fn full_date(ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    // `toLocaleString()` with no argument: the browser's locale (js-sys only offers the form
    // that names one).
    js_sys::Reflect::get(&date, &"toLocaleString".into())
        .ok()
        .and_then(|f| js_sys::Function::from(f).call0(&date).ok())
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// `<time datetime=…>` for an ISO 8601 time; nothing for one that does not parse.
#[component]
pub fn MessageTime(
    /// The server's time of the message.
    iso: String,
) -> impl IntoView {
    let then = js_sys::Date::parse(&iso);
    let clock = use_clock();
    (!then.is_nan()).then(|| {
        let label = move || helper_widget_core::time::relative(clock.get(), then);
        view! {
            <time class="hw-time" data-testid="message-time" datetime=iso title=full_date(then)>
                {label}
            </time>
        }
    })
}
