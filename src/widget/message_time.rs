//! When a message was written: a short relative time ("5m ago", in the visitor's language),
//! the full date on hover.

use super::use_clock;
use leptos::prelude::*;

/// The time of an ISO 8601 date (Unix ms) and its full local date and time for a tooltip, in the
/// visitor's own locale and format; `None` for a date the browser cannot read.
pub fn parse_time(iso: &str) -> Option<(f64, String)> {
    let then = js_sys::Date::parse(iso);
    (!then.is_nan()).then(|| (then, crate::i18n::full_date(then)))
}

/// `<time datetime=…>` for an ISO 8601 time; nothing for one that does not parse.
#[component]
pub fn MessageTime(
    /// The server's time of the message.
    iso: String,
) -> impl IntoView {
    let clock = use_clock();
    parse_time(&iso).map(|(then, full)| {
        let label = move || crate::i18n::age(clock.get(), then);
        view! {
            <time class="hw-time" data-testid="message-time" datetime=iso title=full>
                {label}
            </time>
        }
    })
}
