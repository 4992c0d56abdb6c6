//! When a message was written: a short relative time ("5m"), the full date on hover.

use super::use_clock;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The time of an ISO 8601 date (Unix ms) and its full local date and time for a tooltip, in the
/// visitor's own locale and format; `None` for a date the browser cannot read.
pub fn parse_time(iso: &str) -> Option<(f64, String)> {
    let then = js_sys::Date::parse(iso);
    (!then.is_nan()).then(|| (then, full_date(then)))
}

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
    let clock = use_clock();
    parse_time(&iso).map(|(then, full)| {
        let label = move || helper_widget_core::time::relative(clock.get(), then);
        view! {
            <time class="hw-time" data-testid="message-time" datetime=iso title=full>
                {label}
            </time>
        }
    })
}
