//! The citations under a reply.

use crate::i18n::t;
use helper_widget_core::chat::Source;
use helper_widget_core::markdown::safe_href;
use leptos::prelude::*;

/// A numbered list of links (title, else host name). Outside the message content, so the
/// content stays exactly the rendered markdown. Unsafe URLs (not http, https or mailto) are
/// listed as text, never as links.
#[component]
pub fn Sources(
    /// The sources, growing as the reply streams.
    sources: ArcRwSignal<Vec<Source>>,
) -> impl IntoView {
    let list = sources.clone();
    let has_any = move || sources.with(|s| !s.is_empty());
    view! {
        <Show when=has_any>
            <div class="hw-sources" data-testid="sources">
                <p class="hw-sources__title">{t("transcript.sources")}</p>
                <ol class="hw-sources__list">
                    {
                        let list = list.clone();
                        move || list.get().into_iter().map(source_item).collect_view()
                    }
                </ol>
            </div>
        </Show>
    }
}

fn source_item(source: Source) -> impl IntoView {
    let label = source
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| host_of(&source.url));
    match safe_href(&source.url) {
        Some(href) => view! {
            <li><a href=href target="_blank" rel="noopener noreferrer">{label}</a></li>
        }
        .into_any(),
        None => view! { <li>{label}</li> }.into_any(),
    }
}

fn host_of(url: &str) -> String {
    helper_widget_core::config::origin_of(url)
        .and_then(|o| o.split("://").nth(1).map(str::to_owned))
        .unwrap_or_else(|| url.to_owned())
}
