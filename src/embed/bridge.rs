//! What the loader `sdk.js` hands the chat code when it mounts it: where to render (the shadow
//! root it made), the API base, and the session it started. Read and
//! checked once here, so the rest of the widget gets typed values.

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
        })
    }
}
