//! Markdown of assistant replies, rendered to a sanitized, DOM-agnostic tree, whole or while it
//! streams.
//!
//! Role: turn reply text into [`Node`]s the widget can materialise with `createElement`,
//! `createTextNode` and `setAttribute` alone. Everything that makes the output safe happens here,
//! so the widget never has to judge a reply's content:
//!
//! - nothing from a reply is ever treated as HTML: raw HTML (block or inline) becomes text showing
//!   its literal source;
//! - only a fixed set of tags and attributes is ever produced (see [`Element`]); never `on*`,
//!   `style` or `src`;
//! - links are made only to `http:`, `https:` and `mailto:` URLs (checked after pulldown-cmark
//!   has decoded entities and escapes), and always open in a new tab with
//!   `rel="noopener noreferrer"`; a link to anything else is shown as its text;
//! - images are never loaded (a reply must not be able to make the visitor's browser fetch a
//!   tracking pixel): `![alt](url)` becomes a link to `url` showing `alt`, or just `alt`;
//! - headings are shifted down two levels (`#` → `h3`, `##` → `h4`, deeper → `h6`): the widget
//!   sits inside a customer's page whose outline a reply must not take over, and an `h1` in a chat
//!   bubble would look like a page title.
//!
//! Dialect: CommonMark with GitHub's tables, strikethrough, task lists and autolinks (the
//! extended "bare URL / `www.` / e-mail" autolinks are found by our own `linkify` module, since
//! pulldown-cmark does not make them). Parsing is pulldown-cmark's; this module never hand-parses markdown.
//! Where pulldown-cmark differs from GitHub we follow pulldown-cmark; the visible case is that a
//! table must follow a blank line (on GitHub it may interrupt a paragraph). Raw HTML is kept as
//! the text of a `p`, line breaks included (`\n` in the text node), so show it with
//! `white-space: pre-wrap` if its lines matter.
//!
//! For streaming see [`IncrementalMarkdown`] and its settling rule.
//!
//! Must not depend on: anything browser-specific (`web_sys`, `wasm_bindgen`, `js_sys`, `gloo`),
//! the HTML writer of pulldown-cmark (its `html` feature is off), or a regex engine (size).

mod build;
mod incremental;
mod linkify;

pub use incremental::{IncrementalMarkdown, Update, LAZY_TAIL};
pub use linkify::safe_href;

/// A sanitized, DOM-agnostic tree. The widget turns it into DOM nodes with createElement /
/// createTextNode / setAttribute only (never innerHTML), so everything here must already be safe.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// One element. `tag` is one of: `p em strong del code pre a ul ol li blockquote h3 h4 h5 h6
/// table thead tbody tr th td hr br input`. Attributes used: `a`: `href target rel` (+`title`);
/// `ol`: `start` (when not 1); `code` in a block: `data-lang`; `th`/`td`: `data-align`
/// (`left|center|right`); `input`: `type="checkbox" disabled` (+`checked`). A boolean attribute
/// has an empty value.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub tag: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub children: Vec<Node>,
}

impl Element {
    /// The value of attribute `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Renders a whole document (history messages).
pub fn render(markdown: &str) -> Vec<Node> {
    build::parse(markdown, &Default::default()).nodes
}
