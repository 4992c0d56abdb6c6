//! pulldown-cmark events → sanitized [`Node`] tree, with the source offset of every top-level
//! block (which [`super::incremental`] needs to settle blocks).
//!
//! This is the only place that decides which tags and attributes exist; every URL goes through
//! [`linkify::safe_href`] first. Must not depend on the DOM or on pulldown-cmark's HTML writer.

use std::collections::BTreeMap;

use pulldown_cmark::{
    Alignment, BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser,
    Tag, TagEnd,
};

use super::linkify::{self, safe_href};
use super::{Element, Node};

/// The contract's dialect: CommonMark + GitHub tables, strikethrough and task lists. GitHub's
/// alerts, footnotes, heading attributes, smart punctuation, math etc. stay off.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// Link reference definitions from already-settled text: normalized label → (dest, title).
pub(crate) type Defs = BTreeMap<String, (String, String)>;

/// One parse of a piece of source.
pub(crate) struct Parsed {
    pub nodes: Vec<Node>,
    /// For each top-level block in order: (byte offset where its source starts, index of its
    /// first node in `nodes`).
    pub blocks: Vec<(usize, usize)>,
    /// Link reference definitions found: (normalized label, dest, title, end offset of the
    /// definition's source).
    pub defs: Vec<(String, String, String, usize)>,
}

/// Case-folded, whitespace-collapsed label, as CommonMark matches them. The folding is
/// unicase's, the one pulldown-cmark itself matches labels with within a parse, so a label
/// resolves across settled blocks exactly as it would in one parse (and the wasm carries one
/// case table: `char::to_lowercase` would add core's, about 4 KB gzipped).
pub(crate) fn normalize_label(label: &str) -> String {
    let mut collapsed = String::with_capacity(label.len());
    for word in label.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    unicase::UniCase::new(collapsed).to_folded_case()
}

/// Parses `text`, resolving otherwise-undefined reference links from `known` (definitions that
/// appeared in earlier, already-settled parts of the message).
pub(crate) fn parse(text: &str, known: &Defs) -> Parsed {
    let callback = |link: BrokenLink<'_>| {
        known
            .get(&normalize_label(&link.reference))
            .map(|(dest, title)| (CowStr::from(dest.clone()), CowStr::from(title.clone())))
    };
    let mut events =
        Parser::new_with_broken_link_callback(text, OPTIONS, Some(callback)).into_offset_iter();
    let mut builder = Builder::default();
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    for (event, range) in events.by_ref() {
        let is_end = matches!(event, Event::End(_));
        if depth == 0 && !is_end {
            blocks.push((range.start, builder.root_len()));
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        builder.event(event);
    }
    let defs = events
        .reference_definitions()
        .iter()
        .map(|(label, def)| {
            (
                normalize_label(label),
                def.dest.to_string(),
                def.title.as_deref().unwrap_or("").to_string(),
                def.span.end,
            )
        })
        .collect();
    Parsed {
        nodes: builder.finish(),
        blocks,
        defs,
    }
}

/// An element being built; `tag == ""` marks a dropped wrapper (a link we refuse to make, or a
/// construct we do not render) whose children are spliced into the parent when it closes.
type Open = Element;

/// How deep the rendered tree may nest. Deeper elements (a reply of `"> "` × 50 000, say) are
/// rendered flat into their ancestor at this depth, text kept: every walk of the tree (clone,
/// compare, drop, building the DOM) recurses, and a stored reply that overflowed the stack would
/// crash the widget on every page load. Real replies nest a handful of levels.
pub(crate) const MAX_DEPTH: usize = 32;

#[derive(Default)]
struct Builder {
    root: Vec<Node>,
    stack: Vec<Open>,
    /// Elements in `stack` that will appear in the output (transparent wrappers do not nest).
    depth: usize,
    /// Text not yet added: consecutive text events are joined so the linkifier sees whole runs
    /// (pulldown-cmark splits text at `_`, `[`, entities …).
    pending: String,
    /// Inside code, links or literal HTML, text is never linkified.
    no_linkify: usize,
    /// Inside an HTML block, every event is literal text.
    in_html_block: bool,
    image: Option<Image>,
    table: Table,
}

struct Image {
    /// Nesting of images inside this image's description.
    depth: usize,
    href: Option<String>,
    title: String,
    alt: String,
}

#[derive(Default)]
struct Table {
    aligns: Vec<Alignment>,
    in_head: bool,
    body_open: bool,
    column: usize,
}

fn element(tag: &'static str, attrs: Vec<(&'static str, String)>) -> Element {
    Element {
        tag,
        attrs,
        children: Vec::new(),
    }
}

fn anchor(href: String, title: &str) -> Element {
    let mut attrs = vec![
        ("href", href),
        ("target", "_blank".to_string()),
        ("rel", "noopener noreferrer".to_string()),
    ];
    if !title.is_empty() {
        attrs.push(("title", title.to_string()));
    }
    element("a", attrs)
}

/// Appends `node`, joining it to a preceding text node so equal documents give equal trees
/// however pulldown-cmark happened to split the text.
fn push_node(children: &mut Vec<Node>, node: Node) {
    if let Node::Text(t) = &node {
        if t.is_empty() {
            return;
        }
        if let Some(Node::Text(prev)) = children.last_mut() {
            prev.push_str(t);
            return;
        }
    }
    children.push(node);
}

/// Keeps only `[A-Za-z0-9_+#.-]` of the info string's first word: the language is shown or used
/// as a class by the widget and must stay a plain token.
fn code_lang(info: &str) -> Option<String> {
    let word = info.split_whitespace().next().unwrap_or("");
    let lang: String = word
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '#' | '.'))
        .take(32)
        .collect();
    (!lang.is_empty()).then_some(lang)
}

fn heading_tag(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h3",
        HeadingLevel::H2 => "h4",
        HeadingLevel::H3 => "h5",
        _ => "h6",
    }
}

impl Builder {
    fn children(&mut self) -> &mut Vec<Node> {
        match self.stack.last_mut() {
            Some(open) => &mut open.children,
            None => &mut self.root,
        }
    }

    fn root_len(&mut self) -> usize {
        self.flush();
        self.root.len()
    }

    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        if self.no_linkify > 0 {
            push_node(self.children(), Node::Text(text));
        } else {
            let children = self.children();
            linkify::linkify(&text, &mut |node| push_node(children, node));
        }
    }

    fn add(&mut self, node: Node) {
        self.flush();
        push_node(self.children(), node);
    }

    fn open(&mut self, mut el: Element) {
        self.flush();
        if !el.tag.is_empty() {
            if self.depth >= MAX_DEPTH {
                el = element("", Vec::new());
            } else {
                self.depth += 1;
            }
        }
        self.stack.push(el);
    }

    fn close(&mut self) {
        self.flush();
        let Some(el) = self.stack.pop() else { return };
        if !el.tag.is_empty() {
            self.depth = self.depth.saturating_sub(1);
        }
        if el.tag.is_empty() {
            let children = self.children();
            for child in el.children {
                push_node(children, child);
            }
        } else {
            push_node(self.children(), Node::Element(el));
        }
    }

    fn finish(mut self) -> Vec<Node> {
        while !self.stack.is_empty() {
            self.close();
        }
        self.flush();
        self.root
    }

    fn event(&mut self, event: Event<'_>) {
        if let Some(image) = &mut self.image {
            // Inside an image description only the plain text survives, as the alt text.
            match event {
                Event::Start(Tag::Image { .. }) => image.depth += 1,
                Event::End(TagEnd::Image) if image.depth > 0 => image.depth -= 1,
                Event::End(TagEnd::Image) => self.end_image(),
                Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => {
                    image.alt.push_str(&t)
                }
                Event::SoftBreak | Event::HardBreak => image.alt.push(' '),
                _ => {}
            }
            return;
        }
        if self.in_html_block {
            match event {
                Event::End(TagEnd::HtmlBlock) => {
                    self.in_html_block = false;
                    let trimmed = self.pending.trim_end_matches(['\n', '\r']).len();
                    self.pending.truncate(trimmed);
                    self.close();
                    self.no_linkify = self.no_linkify.saturating_sub(1);
                }
                Event::Html(t) | Event::Text(t) | Event::InlineHtml(t) => self.pending.push_str(&t),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.pending.push_str(&t),
            Event::SoftBreak => self.pending.push('\n'),
            Event::Code(t) => {
                let mut code = element("code", Vec::new());
                push_node(&mut code.children, Node::Text(t.into_string()));
                self.add(Node::Element(code));
            }
            // Literal source, never markup; not linkified either (an attribute's URL is not prose).
            Event::Html(t) | Event::InlineHtml(t) => {
                self.flush();
                push_node(self.children(), Node::Text(t.into_string()));
            }
            Event::HardBreak => self.add(Node::Element(element("br", Vec::new()))),
            Event::Rule => self.add(Node::Element(element("hr", Vec::new()))),
            Event::TaskListMarker(checked) => {
                let mut attrs = vec![
                    ("type", "checkbox".to_string()),
                    ("disabled", String::new()),
                ];
                if checked {
                    attrs.push(("checked", String::new()));
                }
                self.add(Node::Element(element("input", attrs)));
            }
            // Not enabled by OPTIONS; kept as their source text should that ever change.
            Event::InlineMath(t) | Event::DisplayMath(t) => self.pending.push_str(&t),
            Event::FootnoteReference(t) => {
                self.pending.push_str("[^");
                self.pending.push_str(&t);
                self.pending.push(']');
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let el = match tag {
            Tag::Paragraph => element("p", Vec::new()),
            Tag::Heading { level, .. } => element(heading_tag(level), Vec::new()),
            Tag::BlockQuote(_) => element("blockquote", Vec::new()),
            Tag::CodeBlock(kind) => {
                self.open(element("pre", Vec::new()));
                let attrs = match kind {
                    CodeBlockKind::Fenced(info) => code_lang(&info)
                        .map(|lang| vec![("data-lang", lang)])
                        .unwrap_or_default(),
                    CodeBlockKind::Indented => Vec::new(),
                };
                self.no_linkify += 1;
                element("code", attrs)
            }
            Tag::HtmlBlock => {
                self.in_html_block = true;
                self.no_linkify += 1;
                element("p", Vec::new())
            }
            Tag::List(None) => element("ul", Vec::new()),
            Tag::List(Some(start)) => {
                let attrs = if start == 1 {
                    Vec::new()
                } else {
                    vec![("start", start.to_string())]
                };
                element("ol", attrs)
            }
            Tag::Item => element("li", Vec::new()),
            Tag::Table(aligns) => {
                self.table = Table {
                    aligns,
                    ..Table::default()
                };
                element("table", Vec::new())
            }
            Tag::TableHead => {
                self.table.in_head = true;
                self.table.column = 0;
                self.open(element("thead", Vec::new()));
                element("tr", Vec::new())
            }
            Tag::TableRow => {
                self.table.column = 0;
                if !self.table.body_open {
                    self.table.body_open = true;
                    self.open(element("tbody", Vec::new()));
                }
                element("tr", Vec::new())
            }
            Tag::TableCell => {
                let tag = if self.table.in_head { "th" } else { "td" };
                let align = match self.table.aligns.get(self.table.column) {
                    Some(Alignment::Left) => Some("left"),
                    Some(Alignment::Center) => Some("center"),
                    Some(Alignment::Right) => Some("right"),
                    _ => None,
                };
                self.table.column += 1;
                let attrs = align
                    .map(|a| vec![("data-align", a.to_string())])
                    .unwrap_or_default();
                element(tag, attrs)
            }
            Tag::Emphasis => element("em", Vec::new()),
            Tag::Strong => element("strong", Vec::new()),
            Tag::Strikethrough => element("del", Vec::new()),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                self.no_linkify += 1;
                let href = if link_type == LinkType::Email {
                    safe_href(&format!("mailto:{dest_url}"))
                } else {
                    safe_href(&dest_url)
                };
                match href {
                    Some(href) => anchor(href, &title),
                    None => element("", Vec::new()),
                }
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.flush();
                // An image inside a link becomes plain alt text: anchors must not nest.
                let href = if self.no_linkify == 0 {
                    safe_href(&dest_url)
                } else {
                    None
                };
                self.image = Some(Image {
                    depth: 0,
                    href,
                    title: title.into_string(),
                    alt: String::new(),
                });
                return;
            }
            // Not enabled by OPTIONS (footnotes, definition lists, super/subscript, metadata):
            // their content is kept, their wrapper dropped.
            _ => element("", Vec::new()),
        };
        self.open(el);
    }

    fn end_image(&mut self) {
        let Some(image) = self.image.take() else {
            return;
        };
        match image.href {
            Some(href) => {
                let mut a = anchor(href.clone(), &image.title);
                let text = if image.alt.trim().is_empty() {
                    href
                } else {
                    image.alt
                };
                a.children.push(Node::Text(text));
                self.add(Node::Element(a));
            }
            None => self.add(Node::Text(image.alt)),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::CodeBlock => {
                self.close();
                self.close();
                self.no_linkify = self.no_linkify.saturating_sub(1);
            }
            TagEnd::Link => {
                self.close();
                self.no_linkify = self.no_linkify.saturating_sub(1);
            }
            TagEnd::TableHead => {
                self.close();
                self.close();
                self.table.in_head = false;
            }
            TagEnd::Table => {
                if self.table.body_open {
                    self.close();
                }
                self.close();
                self.table = Table::default();
            }
            _ => self.close(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lang_is_a_plain_token() {
        assert_eq!(code_lang("rust ignore").as_deref(), Some("rust"));
        assert_eq!(code_lang("c++").as_deref(), Some("c++"));
        assert_eq!(code_lang("\"><x").as_deref(), Some("x"));
        assert_eq!(code_lang("").as_deref(), None);
    }

    #[test]
    fn labels_match_case_and_space_insensitively() {
        assert_eq!(normalize_label("  Foo \n  BAR "), "foo bar");
        // Full case folding, as pulldown-cmark matches labels within one parse.
        assert_eq!(normalize_label("Straße"), normalize_label("STRASSE"));
        assert_eq!(normalize_label("ΣΊΣΥΦΟΣ"), normalize_label("σίσυφος"));
    }
}
