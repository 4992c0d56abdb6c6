//! The widget's stylesheet as it ships: `style/widget.css` minified at build time by
//! `build.rs` (see `build/minify_css.rs`), because the text is compiled into the wasm and every
//! visitor downloads it. Edit `style/widget.css`; this constant follows on the next build.

/// The whole widget stylesheet, minified; placed in the shadow root by `embed::shadow`.
pub const WIDGET_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));
