//! The Helper support-chat widget: a Leptos 0.8 (client-side rendered) component compiled to
//! WebAssembly, embedded in any page by one `<script src=".../sdk.js">` tag.
//!
//! # Brief overview
//!
//! Data flows upward through layers; only the top ones know about the browser.
//!
//! - [`helper_widget_core`] (a separate crate, browser-free, tested natively): the page's
//!   configuration ([`helper_widget_core::config`]) and the stream decoder
//!   ([`helper_widget_core::protocol`]) that turns reply bytes into typed events.
//! - [`live`]: a human agent's replies and typing as they happen (Supabase Realtime over a
//!   websocket, or polling), handed to the chat controller.
//! - [`widget`]: the Leptos components (launcher, panel, transcript, composer), one per file,
//!   and [`widget::UiState`], the open/minimized state the JavaScript API drives.
//! - [`i18n`]: the visitor's language: catalogue texts, plural forms, ages and dates by `Intl`.
//! - [`history`] and [`contact`]: the controllers behind the list of earlier conversations
//!   and the contact form (requests and state, shared with their views through [`watch`]; the
//!   views are in [`widget`]).
//! - [`embed`]: everything about someone else's page: the `#helper-widget-root` host and its
//!   open shadow root, the stylesheet inside it, `data-helper-*` attributes, the events sent
//!   to `HelperWidget.on(...)` listeners, and the functions `sdk.js` calls (see
//!   `embed/sdk.js`, the loader Trunk's post-build hook writes into `dist/`).
//!
//! The loader defines `window.HelperWidget` synchronously, queues calls, imports the
//! wasm-bindgen glue relative to its own URL and then calls the `hw*` exports in
//! [`embed::exports`].

pub mod api;
pub mod chat;
pub mod contact;
pub mod embed;
pub mod events;
pub mod history;
pub mod i18n;
pub mod json;
pub mod live;
pub mod style;
pub mod watch;
pub mod widget;
