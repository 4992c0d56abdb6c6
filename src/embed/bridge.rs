//! What the loader `sdk.js` hands the chat code when it mounts it: where to render (the shadow
//! root it made), the API base, the session it started, the launcher's unread badge and a way
//! to take a screenshot of the page. Read and checked once here, so the rest of the widget gets
//! typed values.

use super::EmbedError;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, ShadowRoot};

/// The loader's bridge object, read.
pub struct Loader {
    /// The widget's open shadow root; the panel's stylesheet is adopted here.
    pub shadow: ShadowRoot,
    /// The `.hw-root` element inside it, which the panel is rendered into.
    pub root: HtmlElement,
    /// Helper API base, e.g. `https://help.example.com`.
    pub base: String,
    /// `anonymous` or `email:<address>`: whose conversations these are.
    pub owner: String,
    /// Whether the page identified the visitor.
    pub identified: bool,
    /// The session the loader started at page load (`{ok, token, status, error}`).
    pub session: js_sys::Promise,
    /// The loader's `requestSession(identity | null)`.
    pub request_session: js_sys::Function,
    /// The unread badge on the launcher, which the loader draws.
    pub unread: UnreadBadge,
    /// The page's language (a canonical BCP 47 tag; empty: English).
    pub locale: String,
    /// That language's texts with the site's overrides (an object by key), or `undefined`.
    pub messages: JsValue,
    /// The loader's `screenshot()`: a promise of a PNG data URL of the page, without the widget
    /// and with form fields masked (it fetches the capture module on first use).
    pub screenshot: js_sys::Function,
}

/// The launcher's unread badge (the number of the visitor's conversations with unread replies).
/// The loader fetches the count once at page load for visitors who can have conversations;
/// the chat code asks it again whenever the count may have changed: after a staff reply arrives
/// while the panel is closed, and after a conversation has been read. Cheap to clone.
#[derive(Clone)]
pub struct UnreadBadge {
    /// The loader's `unread(token)`: fetches `GET /api/chat/conversations/unread` with that
    /// session token and redraws the badge (none at 0). Returns a promise that never rejects;
    /// a failed request leaves the badge as it was.
    refresh: js_sys::Function,
}

impl UnreadBadge {
    /// Re-fetches the unread count with `token` (the current session's) and redraws the badge.
    /// Fire and forget: the loader times the request out and ignores failures.
    pub fn refresh(&self, token: &str) {
        let _ = self.refresh.call1(&JsValue::NULL, &token.into());
    }
}

impl Loader {
    /// Reads `bridge`; an error names the first field that is missing or of the wrong kind.
    pub fn read(bridge: &JsValue) -> Result<Loader, EmbedError> {
        let get = |name: &str| js_sys::Reflect::get(bridge, &name.into()).unwrap_or_default();
        fn typed<T: JsCast>(value: JsValue, name: &str) -> Result<T, EmbedError> {
            value
                .dyn_into::<T>()
                .map_err(|_| EmbedError::Bridge(name.to_owned()))
        }
        Ok(Loader {
            shadow: typed(get("shadow"), "shadow")?,
            root: typed(get("root"), "root")?,
            base: get("base")
                .as_string()
                .ok_or_else(|| EmbedError::Bridge("base".into()))?,
            owner: get("owner")
                .as_string()
                .ok_or_else(|| EmbedError::Bridge("owner".into()))?,
            identified: get("identified").as_bool().unwrap_or(false),
            session: typed(get("session"), "session")?,
            request_session: typed(get("requestSession"), "requestSession")?,
            unread: UnreadBadge {
                refresh: typed(get("unread"), "unread")?,
            },
            locale: get("locale").as_string().unwrap_or_default(),
            messages: get("messages"),
            screenshot: typed(get("screenshot"), "screenshot")?,
        })
    }

    /// Re-fetches the unread count with `token` and redraws the launcher's badge (see
    /// [`UnreadBadge`]; keep a clone of [`Loader::unread`] where the loader is gone).
    pub fn refresh_unread(&self, token: &str) {
        self.unread.refresh(token);
    }
}
