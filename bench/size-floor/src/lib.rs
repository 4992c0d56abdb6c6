//! A Leptos 0.8 CSR page with a text box and, with the `markdown` feature, the widget's markdown
//! renderer showing what is typed. Measures what any widget on this stack must ship before its
//! own code: see `measure.sh`. Kept minimal on purpose; its output is only ever measured.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[cfg(feature = "markdown")]
fn shown(source: &str) -> String {
    use helper_widget_core::markdown::{render, Node};
    fn text(nodes: &[Node], out: &mut String) {
        for node in nodes {
            match node {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => {
                    out.push_str(e.tag);
                    text(&e.children, out);
                }
            }
        }
    }
    let mut out = String::new();
    text(&render(source), &mut out);
    out
}

#[cfg(all(feature = "pulldown", not(feature = "markdown")))]
fn shown(source: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    // The options the widget's renderer uses (crates/core/src/markdown/build.rs).
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut out = String::new();
    for event in Parser::new_ext(source, options) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::Start(tag) => out.push_str(if matches!(tag, pulldown_cmark::Tag::Link { .. }) {
                "<a>"
            } else {
                "<>"
            }),
            _ => out.push(' '),
        }
    }
    out
}

#[cfg(not(any(feature = "pulldown", feature = "markdown")))]
fn shown(source: &str) -> String {
    source.to_owned()
}

#[wasm_bindgen(start)]
pub fn start() {
    let (source, set_source) = signal(String::new());
    leptos::mount::mount_to_body(move || {
        view! {
            <textarea on:input:target=move |ev| set_source.set(ev.target().value())></textarea>
            <p>{move || shown(&source.get())}</p>
        }
    });
}
