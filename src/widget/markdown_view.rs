//! A message's content: the visitor's text as typed, or a reply's markdown rendered
//! incrementally.
//!
//! The markdown tree comes from the browser-free renderer already sanitized; it is turned into
//! DOM with `createElement`, `setAttribute` and `createTextNode` only, never `innerHTML`, so no
//! text from a reply is ever parsed as HTML. While a reply streams, settled blocks are appended
//! once and only the still-open last block is rebuilt, so a chunk costs what it adds.

use crate::chat::Row;
use helper_widget_core::chat::Role;
use helper_widget_core::markdown::{IncrementalMarkdown, Node, Update};
use leptos::html;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::Document;

/// `[data-testid="message-content"]`: the message's rendered content and nothing else.
#[component]
pub fn MessageContent(
    /// The message.
    row: Row,
) -> impl IntoView {
    if row.role == Role::User {
        let text = row.text.clone();
        return view! {
            <div class="hw-content hw-content--plain" data-testid="message-content">
                {move || text.get()}
            </div>
        }
        .into_any();
    }
    let content_ref = NodeRef::<html::Div>::new();
    render_markdown_into(content_ref, row);
    view! { <div node_ref=content_ref class="hw-content hw-md" data-testid="message-content"></div> }
        .into_any()
}

/// What has been put into the DOM so far.
struct Rendered {
    markdown: IncrementalMarkdown,
    /// Bytes of the text already given to `markdown`.
    consumed: usize,
    /// The DOM nodes of the open tail, replaced on every update.
    tail: Vec<web_sys::Node>,
    finished: bool,
}

fn render_markdown_into(content_ref: NodeRef<html::Div>, row: Row) {
    let state = Rc::new(RefCell::new(Rendered {
        markdown: IncrementalMarkdown::new(),
        consumed: 0,
        tail: Vec::new(),
        finished: false,
    }));
    Effect::new(move || {
        let Some(container) = content_ref.get() else {
            return;
        };
        let streaming = row.streaming.get();
        let mut state = state.borrow_mut();
        if state.finished {
            return;
        }
        let update = row.text.with(|text| {
            let new = text.get(state.consumed..).unwrap_or_default();
            state.consumed = text.len();
            (!new.is_empty()).then(|| state.markdown.push(new))
        });
        if let Some(update) = update {
            apply(&container, &mut state.tail, update);
        }
        if !streaming {
            state.finished = true;
            let update = state.markdown.finish();
            apply(&container, &mut state.tail, update);
            // The row keeps the text; the renderer's own copy of it is not needed any more.
            state.markdown = IncrementalMarkdown::new();
            state.tail = Vec::new();
        }
    });
}

/// Appends newly settled blocks and swaps the tail.
fn apply(container: &web_sys::HtmlDivElement, tail: &mut Vec<web_sys::Node>, update: Update) {
    // Text for a giant open block between two of its parses: shown as is, replaced with the
    // tail by the next full update.
    if let Some(text) = update.appended {
        let node: web_sys::Node = leptos::prelude::document().create_text_node(&text).into();
        let _ = container.append_child(&node);
        tail.push(node);
        return;
    }
    // A delta that only completes a line, say, can leave the rendering as it was.
    if update.tail_unchanged {
        return;
    }
    let document = leptos::prelude::document();
    for old in tail.drain(..) {
        let _ = container.remove_child(&old);
    }
    for node in update.settled.iter().chain(update.tail.iter()) {
        let _ = container.append_child(&build(&document, node));
    }
    // The tail is what was appended last.
    let children = container.child_nodes();
    let total = children.length();
    let tail_len = update.tail.len() as u32;
    for i in total.saturating_sub(tail_len)..total {
        if let Some(n) = children.item(i) {
            tail.push(n);
        }
    }
}

/// Builds DOM for one sanitized node.
fn build(document: &Document, node: &Node) -> web_sys::Node {
    match node {
        Node::Text(text) => document.create_text_node(text).into(),
        Node::Element(element) => match document.create_element(element.tag) {
            Ok(el) => {
                for (name, value) in &element.attrs {
                    let _ = el.set_attribute(name, value);
                }
                for child in &element.children {
                    let _ = el.append_child(&build(document, child));
                }
                el.into()
            }
            // Tags are a fixed allow-list, so this cannot happen; show nothing rather than panic.
            Err(_) => document.create_text_node("").into(),
        },
    }
}
