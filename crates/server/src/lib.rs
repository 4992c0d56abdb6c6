//! A local server that speaks Helper's widget API: the same routes, JSON shapes, statuses,
//! bearer-token auth, CORS and streaming bytes as a Helper deployment
//! (`shared/reference/helper-api.md` §1–§2, read from Helper's code), with a deterministic
//! built-in knowledge base instead of an LLM, and fault injection for tests.
//!
//! It must not depend on the widget crates (`helper-widget`, `helper-widget-core`): it stands
//! in for the real backend, so it is written from Helper's contract, not from our client. Only
//! its tests use the core decoder, to check that what it sends decodes.
//!
//! # Starting it in-process
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let url = format!("http://{}", listener.local_addr()?);
//! tokio::spawn(helper_dev_server::serve(listener, helper_dev_server::Options::default()));
//! # Ok(()) }
//! ```
//!
//! # Routes
//! Helper's: `POST /api/widget/session`, `POST /api/chat/conversation`, `POST /api/chat`,
//! `GET`/`PATCH /api/chat/conversation/{slug}`, `GET /api/chat/conversations`,
//! `GET /api/chat/conversations/unread`, `POST /api/chat/conversation/{slug}/message`,
//! `POST /api/chat/conversation/{slug}/message/{id}` (reaction),
//! `POST /api/chat/conversation/{slug}/message/{id}/event`, `POST /api/chat/contact`,
//! `PATCH /api/widget/notification/{id}`. A contact form is answered at once as Helper's
//! auto-response job answers it, with a notification for the email it came from.
//! Every response carries CORS headers unless [`Options::cors_gaps`] asks for Helper's gaps.
//!
//! # Realtime
//! Supabase Realtime's `GET /realtime/v1/websocket?apikey=<supabaseAnonKey>&vsn=1.0.0`
//! (Phoenix v1 JSON frames, public broadcast channels; the frames are documented in the `ws`
//! module), named by the session's `supabaseUrl` (this server's origin, from the request's
//! `X-Forwarded-Host` or `Host`, or [`Options::supabase_url`]). As in Helper (helper-api.md
//! §1.16), channel `public:conversation-<slug>` carries `agent-reply` (every saved message not
//! from the visitor, AI replies included, once its stream has ended, as a widget `Message` in
//! SuperJSON), `agent-typing` and `conversation-subject`. With
//! [`Options::staff_reply_after`] an escalation is followed by `agent-typing` and, after that
//! delay, a reply from [`Options::staff_name`]. [`Options::realtime`] off gives sessions without
//! `supabaseUrl`. Identified sessions list the notifications `/__dev/notify` queued.
//!
//! `POST /api/chat` also takes query parameters for one request: `format=v4|v5|seed`,
//! `chunking=token|byte|whole`, `pace_ms=N`, `chunk_chars=N` (text re-cut into `N`-character
//! parts, one `0:` part per write with `token` chunking; `0` = word tokens), `fault=<fault>` (text form of [`Fault`]:
//! `error-part[:TOKENS]`, `drop-after:BYTES`, `unauthorized`, `server-error`, `slow[:MS]`,
//! `one-byte`, `http-error:STATUS`).
//!
//! Request bodies are limited to [`MAX_BODY_BYTES`] (Helper's largest message: 50 MB of
//! attachments as base64, plus room for the JSON), with a JSON 413; conversations, messages,
//! the prompt cache, the dev queues and realtime connections are bounded too ([`store`],
//! [`faults`], [`MAX_SCRIPTED_REPLIES`], [`realtime`]).
//!
//! Dev-only control routes (not Helper's). They answer only requests from no page at all
//! (the e2e harness, the benchmark, curl) and pages on loopback origins (`localhost`,
//! `127.0.0.0/8`, `[::1]`, any port; CORS headers name that origin), and only when addressed
//! by a loopback host name: a page on any other origin gets a 403 without CORS headers, so
//! the sites a developer visits while the server runs can neither sign identities with its
//! secret nor change its state. A full queue answers 503 until `POST /__dev/reset`.
//! - `GET /__dev/health` → `{"ok":true,"format":…,"paceMs":…,"chunkChars":…,"chunking":…,`
//!   `"corsGaps":…,"pendingFaults":n}`
//! - `POST /__dev/fault` `{"kind":"drop-after","bytes":200,"count":1}` → the next `count`
//!   `/api/chat` requests get that fault (kinds: `error-part` {after_tokens}, `drop-after`
//!   {bytes}, `unauthorized`, `server-error`, `slow` {pace_ms}, `one-byte`, `http-error` {status}).
//!   With `"route":"contact"` the next `POST /api/chat/contact` requests get it instead
//!   (`unauthorized`, `server-error`, `http-error` {status}; the other kinds do nothing there).
//! - `POST /__dev/settings`
//!   `{"format":"v5","paceMs":0,"chunking":"byte","corsGaps":true,"chunkChars":5}` (any
//!   subset; `chunkChars: 0` goes back to word tokens) changes the delivery settings until
//!   reset.
//! - `POST /__dev/reset` forgets conversations, queued faults, scripted replies and settings
//!   changes.
//! - `POST /__dev/reply` `{"text":"…markdown…"}` → the next model answer is that text instead of
//!   a knowledge-base article (for rendering tests).
//! - `POST /__dev/staff-reply` `{"conversationSlug","content","staffName"?,"attachments"?}` adds a staff
//!   message (for unread counts and history) and publishes it as `agent-reply`.
//! - `POST /__dev/staff-typing` `{"conversationSlug"}` publishes `agent-typing`.
//! - `POST /__dev/notify` `{"email","text"?,"conversationSlug"}` → `{"id"}`: a pending
//!   notification the visitor's next identified session lists (then marked sent).
//! - `POST /__dev/realtime-drop` `{"conversationSlug"?,"closeCode"?,"refuseMs"?}` cuts the
//!   realtime sockets (those joined to that conversation, or all) without a close frame, or
//!   with `closeCode`; `refuseMs` answers new connections 503 meanwhile.
//! - `GET /__dev/hmac?email=E[&timestamp=MS]` → `{"email","timestamp","emailHash"}` signed with
//!   the server's secret, as a host page's backend would (`generateHelperAuth`).

mod api;
pub mod auth;
mod cors;
mod dev;
pub mod error;
pub mod faults;
mod followup;
pub mod kb;
mod limits;
pub mod realtime;
pub mod store;
pub mod stream;
mod ws;

pub use error::Error;
pub use faults::Fault;
pub use limits::MAX_BODY_BYTES;
pub use stream::{Chunking, Format};

use axum::Router;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Scripted replies `POST /__dev/reply` keeps queued at most.
pub const MAX_SCRIPTED_REPLIES: usize = 1_000;
/// Total text of the queued scripted replies at most.
pub const MAX_SCRIPTED_BYTES: usize = 16 << 20;

/// The session's `supabaseAnonKey`, the only `apikey` the realtime endpoint accepts.
pub const ANON_KEY: &str = "helper-dev-server-anon-key";

/// The staff member of the simulated human side of support.
pub const DEFAULT_STAFF_NAME: &str = "Sam";

/// The default HMAC secret, printed at start so a demo page can sign identified sessions.
pub const DEFAULT_SECRET: &str = "helper-dev-secret";

/// How the server behaves. `Default` suits tests: no pacing, v4, CORS everywhere.
#[derive(Clone, Debug)]
pub struct Options {
    /// The mailbox's `widgetHMACSecret`: signs session tokens and identified-visitor hashes.
    pub hmac_secret: String,
    /// The mailbox name, sent as the token's `title` claim.
    pub mailbox_name: String,
    /// Stream format of `/api/chat`.
    pub format: Format,
    /// How replies are cut into writes.
    pub chunking: Chunking,
    /// Pause before each streamed token.
    pub pace: Duration,
    /// Text parts of this many characters instead of word tokens (benchmarks: a reply of
    /// `len` characters becomes exactly `ceil(len / n)` text parts).
    pub chunk_chars: Option<usize>,
    /// Leave CORS headers off exactly where Helper's server does.
    pub cors_gaps: bool,
    /// Overrides Helper's token lifetimes (7 days anonymous, 12 hours identified), to test
    /// refresh on 401.
    pub token_ttl: Option<Duration>,
    /// A fault applied to every `/api/chat` request.
    pub fault: Option<Fault>,
    /// The session response's `showWidget`.
    pub show_widget: bool,
    /// Serve the first message of a prompt conversation from Helper's answer cache once seen.
    pub prompt_cache: bool,
    /// Serve the realtime websocket and name this server as the session's `supabaseUrl`; when
    /// off, sessions carry no `supabaseUrl`, so a client must fall back to polling.
    pub realtime: bool,
    /// The session's `supabaseUrl` instead of this server's origin as the request names it
    /// (`X-Forwarded-Host`, else `Host`): for a proxy in front that does not pass websockets on.
    pub supabase_url: Option<String>,
    /// A websocket that sends nothing for this long is closed (Phoenix's default 60 s;
    /// realtime-js heartbeats every 25 s).
    pub realtime_idle_timeout: Duration,
    /// After the AI escalates a conversation to a human, a staff member is typing
    /// (`agent-typing`) and replies this long after the escalation reply has streamed.
    pub staff_reply_after: Option<Duration>,
    /// The staff member who replies (the message's `staffName`).
    pub staff_name: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            hmac_secret: DEFAULT_SECRET.into(),
            mailbox_name: "Helper Dev".into(),
            format: Format::V4,
            chunking: Chunking::Token,
            pace: Duration::ZERO,
            chunk_chars: None,
            cors_gaps: false,
            token_ttl: None,
            fault: None,
            show_widget: true,
            prompt_cache: true,
            realtime: true,
            supabase_url: None,
            realtime_idle_timeout: Duration::from_secs(60),
            staff_reply_after: None,
            staff_name: DEFAULT_STAFF_NAME.into(),
        }
    }
}

/// Delivery settings that `/__dev/settings` can change while the server runs.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub format: Format,
    pub chunking: Chunking,
    pub pace_ms: u64,
    pub chunk_chars: Option<usize>,
    pub cors_gaps: bool,
}

impl Settings {
    fn from_options(o: &Options) -> Self {
        Settings {
            format: o.format,
            chunking: o.chunking,
            pace_ms: u64::try_from(o.pace.as_millis()).unwrap_or(u64::MAX),
            chunk_chars: o.chunk_chars,
            cors_gaps: o.cors_gaps,
        }
    }
}

/// Shared state of one server.
#[derive(Debug)]
pub struct App {
    options: Options,
    settings: Mutex<Settings>,
    store: Mutex<store::Store>,
    faults: Mutex<faults::FaultQueue>,
    /// Replies queued by `POST /__dev/reply`, used instead of the knowledge base.
    scripted: Mutex<Scripted>,
    /// Realtime connections and what is published to them.
    hub: realtime::Hub,
}

/// Replies queued by `POST /__dev/reply`, first in first out, within
/// [`MAX_SCRIPTED_REPLIES`] and [`MAX_SCRIPTED_BYTES`].
#[derive(Debug, Default)]
struct Scripted {
    queue: std::collections::VecDeque<String>,
    bytes: usize,
}

impl Scripted {
    /// Queues a reply, or refuses it (a test queued more than it will ever use, or a page
    /// tried to fill the server's memory) until `/__dev/reset`.
    fn push(&mut self, text: String) -> Result<(), Error> {
        let bytes = self.bytes.saturating_add(text.len());
        if self.queue.len() >= MAX_SCRIPTED_REPLIES || bytes > MAX_SCRIPTED_BYTES {
            return Err(Error::Full(
                "Too many scripted replies queued; POST /__dev/reset",
            ));
        }
        self.bytes = bytes;
        self.queue.push_back(text);
        Ok(())
    }

    fn pop(&mut self) -> Option<String> {
        let text = self.queue.pop_front()?;
        self.bytes = self.bytes.saturating_sub(text.len());
        Some(text)
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: every critical section
/// leaves the state consistent, so a poisoned lock is still safe to use.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl App {
    fn new(options: Options) -> Self {
        App {
            settings: Mutex::new(Settings::from_options(&options)),
            options,
            store: Mutex::new(store::Store::default()),
            faults: Mutex::new(faults::FaultQueue::default()),
            scripted: Mutex::default(),
            hub: realtime::Hub::default(),
        }
    }

    /// The next scripted reply, if a test queued one.
    fn take_scripted_reply(&self) -> Option<String> {
        lock(&self.scripted).pop()
    }

    fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    fn store(&self) -> MutexGuard<'_, store::Store> {
        lock(&self.store)
    }

    fn faults(&self) -> MutexGuard<'_, faults::FaultQueue> {
        lock(&self.faults)
    }
}

/// All routes, with the CORS layer, for these options.
pub fn router(options: Options) -> Router {
    let app = Arc::new(App::new(options));
    Router::new()
        .merge(api::routes())
        .merge(dev::routes())
        .route("/realtime/v1/websocket", axum::routing::get(ws::websocket))
        .fallback(api::not_found)
        // The limits layer has already read the body within the same limit; this only lifts
        // axum's 2 MB default so the handlers' `Bytes` accept what it passed on.
        .layer(axum::extract::DefaultBodyLimit::max(limits::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(limits::layer))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            cors::layer,
        ))
        .with_state(app)
}

/// Serves until the listener fails. Sockets get `TCP_NODELAY` so paced tokens leave at once.
pub async fn serve(listener: tokio::net::TcpListener, options: Options) -> Result<(), Error> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        // Nagle only delays small writes; a failure here changes timing, never correctness.
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router(options)).await?;
    Ok(())
}
