//! Browser-free core of the Helper widget.
//!
//! Everything here is plain Rust: no `web_sys`, `wasm_bindgen`, `js_sys` or `gloo`. It is tested
//! natively with `cargo test -p helper-widget-core` and shared by the widget (compiled to wasm)
//! and the local Helper-compatible server (whose tests decode what it streams with
//! [`protocol`]).
//!
//! - [`attachments`]: which files may be attached, and which attachment URLs may be shown.
//! - [`bug_report`]: whether a draft reads like a bug report (the composer then offers a
//!   screenshot).
//! - [`chat`]: how a streamed reply's events change the message being built.
//! - [`config`]: the embedding page's `helperWidgetConfig`, validated field by field.
//! - [`i18n`]: the message catalogue (English built in, other languages and site overrides laid over).
//! - [`markdown`]: reply markdown to a sanitized node tree, whole or incrementally while it streams.
//! - [`phoenix`]: the Supabase Realtime (Phoenix v1) frames of a broadcast listener.
//! - [`protocol`]: bytes of a chat reply in, typed stream events out, at any chunking.
//! - [`time`]: a message's age as a unit and count (worded by the browser's `Intl`), the polling
//!   pace.

pub mod attachments;
pub mod bug_report;
pub mod chat;
pub mod config;
pub mod i18n;
pub mod markdown;
pub mod phoenix;
pub mod protocol;
pub mod time;
