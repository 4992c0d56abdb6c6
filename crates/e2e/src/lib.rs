//! Test support for the end-to-end suite in `tests/`.
//!
//! Each test gets what a real site has: the built `dist/` served on one loopback origin (with
//! CORS and `application/wasm`, as a CDN would), host pages served on another origin, and (for
//! chat tests) the local Helper-compatible API on a third. A real Chromium is driven through
//! chromedriver's WebDriver endpoint by `fantoccini`.
//!
//! Nothing here is a test double of the widget: pages load `dist/sdk.js` exactly as a customer's
//! page would.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::Router;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// How long a test waits for something to appear before failing.
pub const WAIT: Duration = Duration::from_secs(15);

/// The built `dist/` directory (`trunk build --release`), or `HELPER_WIDGET_DIST`.
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("HELPER_WIDGET_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"));
    assert!(
        dir.join("sdk.js").is_file(),
        "{} has no sdk.js: run `trunk build --release` first (scripts/test.sh does)",
        dir.display()
    );
    dir
}

/// A running set of origins for one test.
pub struct Site {
    /// Origin serving `dist/` (the widget's assets), e.g. `http://127.0.0.1:41234`.
    pub assets: String,
    /// Origin serving the host pages registered with [`Site::page`].
    pub host: String,
    /// Origin of the local Helper-compatible API (`helper-dev-server`, in-process).
    pub api: String,
    pages: Arc<Mutex<HashMap<String, String>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Site {
    /// Starts the asset, host-page and API servers on fresh loopback ports; the API answers at
    /// once (no pacing) unless told otherwise.
    pub async fn start() -> Site {
        Self::start_with(helper_dev_server::Options::default()).await
    }

    /// As [`Site::start`], with the API server configured by `options`.
    pub async fn start_with(options: helper_dev_server::Options) -> Site {
        Self::start_with_assets(options, AssetFaults::default()).await
    }

    /// As [`Site::start_with`], with the asset server slowing down or failing the `.wasm`.
    pub async fn start_with_assets(
        options: helper_dev_server::Options,
        faults: AssetFaults,
    ) -> Site {
        let dist = dist_dir();
        let faults = Arc::new(faults);
        let assets_app = Router::new()
            .fallback_service(ServeDir::new(dist))
            .layer(axum::middleware::from_fn(
                move |request: axum::extract::Request, next: axum::middleware::Next| {
                    let faults = Arc::clone(&faults);
                    async move { faults.apply(request, next).await }
                },
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            ));
        let (assets, assets_task) = spawn_server(assets_app).await;

        let pages: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let served = Arc::clone(&pages);
        let host_app = Router::new().fallback(move |uri: axum::http::Uri| {
            let served = Arc::clone(&served);
            async move {
                let page = served
                    .lock()
                    .expect("page map lock")
                    .get(uri.path())
                    .cloned();
                match page {
                    Some(html) => Html(html).into_response(),
                    None => (StatusCode::NOT_FOUND, "no such page").into_response(),
                }
            }
        });
        let (host, host_task) = spawn_server(host_app).await;
        let (api, api_task) = spawn_server(helper_dev_server::router(options)).await;
        Site {
            assets,
            host,
            api,
            pages,
            tasks: vec![assets_task, host_task, api_task],
        }
    }

    /// Calls a `/__dev/…` control route of the API server (faults, settings, scripted replies).
    pub async fn dev(&self, path: &str, body: Value) -> Value {
        let (status, text) = http_request(
            "POST",
            &format!("{}{path}", self.api),
            Some(&body.to_string()),
            None,
        )
        .await;
        assert_eq!(status, 200, "{path}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// A GET on the API server, returning status and body (e.g. `/__dev/hmac?email=…`).
    pub async fn api_get(&self, path: &str) -> (u16, String) {
        http_request("GET", &format!("{}{path}", self.api), None, None).await
    }

    /// A Helper API call as the widget makes it (JSON body, `Bearer` token), for setting up
    /// what a visitor has before the browser comes in; returns status and parsed body
    /// (`Null` when it is not JSON).
    pub async fn api_call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        token: Option<&str>,
    ) -> (u16, Value) {
        let body = body.map(Value::to_string);
        let (status, text) = http_request(
            method,
            &format!("{}{path}", self.api),
            body.as_deref(),
            token,
        )
        .await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Starts an identified session for `email` (signed by the dev server's `/__dev/hmac`) and
    /// returns the config fields a host page needs for it (`email`, `emailHash`, `timestamp`)
    /// and the session's token.
    pub async fn identify(&self, email: &str) -> (Value, String) {
        let query: String = url_escape(email);
        let (status, signed) = self.api_get(&format!("/__dev/hmac?email={query}")).await;
        assert_eq!(status, 200, "/__dev/hmac: {signed}");
        let signed: Value = serde_json::from_str(&signed).expect("hmac JSON");
        let (status, session) = self
            .api_call("POST", "/api/widget/session", Some(&signed), None)
            .await;
        assert_eq!(status, 200, "identified session: {session}");
        let token = session["token"].as_str().expect("session token").to_owned();
        (signed, token)
    }

    /// `{email, emailHash, timestamp}` for `email`, signed now by the API server's HMAC secret:
    /// an identified visitor's `helperWidgetConfig` fields (as JSON, which is also a JS literal)
    /// or session request body.
    pub async fn signed_identity(&self, email: &str) -> Value {
        let query: String = email
            .bytes()
            .map(|b| match b {
                b'@' => "%40".to_owned(),
                b'+' => "%2B".to_owned(),
                _ => char::from(b).to_string(),
            })
            .collect();
        let (status, text) = self.api_get(&format!("/__dev/hmac?email={query}")).await;
        assert_eq!(status, 200, "signing {email}: {text}");
        serde_json::from_str(&text).expect("the signature is JSON")
    }

    /// The `sdk.js` URL on the asset origin.
    pub fn sdk_url(&self) -> String {
        format!("{}/sdk.js", self.assets)
    }

    /// Registers a host page at `path` and returns its URL. `{SDK}` in `html` becomes the
    /// `sdk.js` URL and `{API}` the API origin.
    pub fn page(&self, path: &str, html: &str) -> String {
        let html = html
            .replace("{SDK}", &self.sdk_url())
            .replace("{API}", &self.api);
        self.pages
            .lock()
            .expect("page map lock")
            .insert(path.to_owned(), html);
        format!("{}{}", self.host, path)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// What the asset server does to requests for the `.wasm` (the chat code) and the screenshot
/// module, to test the loader while they are slow to arrive or fail to.
#[derive(Default)]
pub struct AssetFaults {
    /// Each `.wasm` response waits this long first.
    pub wasm_delay: Duration,
    /// The first this-many `.wasm` requests get a 404.
    pub wasm_failures: usize,
    failed: std::sync::atomic::AtomicUsize,
    /// The first this-many requests for `screenshot-<hash>.js` get a 404.
    pub screenshot_failures: usize,
    screenshot_failed: std::sync::atomic::AtomicUsize,
}

impl AssetFaults {
    /// Every `.wasm` response `delay` late.
    pub fn slow_wasm(delay: Duration) -> Self {
        AssetFaults {
            wasm_delay: delay,
            ..Self::default()
        }
    }

    /// The first `n` `.wasm` requests fail with a 404.
    pub fn failing_wasm(n: usize) -> Self {
        AssetFaults {
            wasm_failures: n,
            ..Self::default()
        }
    }

    /// The first `n` requests for the screenshot module fail with a 404.
    pub fn failing_screenshot(n: usize) -> Self {
        AssetFaults {
            screenshot_failures: n,
            ..Self::default()
        }
    }

    async fn apply(
        &self,
        request: axum::extract::Request,
        next: axum::middleware::Next,
    ) -> axum::response::Response {
        use std::sync::atomic::Ordering;
        if request.uri().path().starts_with("/screenshot-")
            && self
                .screenshot_failed
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                    (n < self.screenshot_failures).then_some(n + 1)
                })
                .is_ok()
        {
            return (StatusCode::NOT_FOUND, "not found (asset fault)").into_response();
        }
        if request.uri().path().ends_with(".wasm") {
            let failed = self
                .failed
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                    (n < self.wasm_failures).then_some(n + 1)
                })
                .is_ok();
            if failed {
                return (StatusCode::NOT_FOUND, "not found (asset fault)").into_response();
            }
            tokio::time::sleep(self.wasm_delay).await;
        }
        next.run(request).await
    }
}

/// Serves `app` on `127.0.0.1:0`; returns its origin and task.
pub async fn spawn_server(app: Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr: SocketAddr = listener.local_addr().expect("local addr");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), task)
}

/// A headless Chromium session through its own chromedriver process.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
}

impl Browser {
    /// Starts chromedriver and a new headless Chromium with the flags this machine needs (no
    /// sandbox as root; no background traffic to Google, which the closed network refuses).
    pub async fn start() -> Browser {
        Self::start_with_size(1280, 900).await
    }

    /// As [`Browser::start`], with the given window size (for narrow-screen tests).
    pub async fn start_with_size(width: u32, height: u32) -> Browser {
        Self::start_with(width, height, &[]).await
    }

    /// As [`Browser::start`], with a window size and extra Chromium flags.
    pub async fn start_with(width: u32, height: u32, extra_args: &[&str]) -> Browser {
        let port = free_port().await;
        let driver_path =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {driver_path}: {e} (scripts/setup.sh installs it)")
            });
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + WAIT;
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ]
        .iter()
        .chain(extra_args)
        .map(|a| a.to_string())
        .collect();
        args.push(format!("--window-size={width},{height}"));
        let caps = json!({
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": args
            },
            "goog:loggingPrefs": { "browser": "ALL" }
        });
        let caps = match caps {
            Value::Object(map) => map,
            _ => unreachable!("literal object"),
        };
        let mut last_error = None;
        for _ in 0..3 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Browser { client, driver },
                Err(e) => {
                    last_error = Some(e);
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
        }
        panic!("cannot start a Chromium session: {last_error:?}");
    }

    /// Opens `url` and waits for the widget's launcher.
    pub async fn open_with_widget(&self, url: &str) -> Element {
        self.client.goto(url).await.expect("navigate");
        self.wait_shadow("[data-testid=launcher]").await
    }

    /// Clicks the host-page element matching `css` (outside the widget).
    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// The element matching `selector` inside the widget's shadow root, if any now.
    pub async fn shadow_find(&self, selector: &str) -> Option<Element> {
        let host = self
            .client
            .find(Locator::Css("#helper-widget-root"))
            .await
            .ok()?;
        let root = host.shadow_root().await.ok()?;
        root.find(Locator::Css(selector)).await.ok()
    }

    /// Waits until `selector` matches inside the shadow root.
    pub async fn wait_shadow(&self, selector: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(el) = self.shadow_find(selector).await {
                return el;
            }
            if Instant::now() > deadline {
                let logs = self.console().await;
                panic!(
                    "timed out waiting for {selector} in the widget's shadow root\nconsole: {logs}"
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the JavaScript expression `expr` is truthy in the page.
    pub async fn wait_js(&self, expr: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self.js(&format!("return !!({expr});"), vec![]).await;
            if v == Value::Bool(true) {
                return;
            }
            if Instant::now() > deadline {
                let logs = self.console().await;
                panic!("timed out waiting for `{expr}`\nconsole: {logs}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Evaluates `expr` against the shadow root (bound to `root`) and returns the value.
    pub async fn in_shadow(&self, expr: &str) -> Value {
        self.js(
            &format!(
                "const root = document.getElementById('helper-widget-root').shadowRoot; return ({expr});"
            ),
            vec![],
        )
        .await
    }

    /// The `textContent` of the first element matching `selector` in the shadow root (unlike
    /// WebDriver's element text, it does not depend on the element being rendered yet).
    pub async fn shadow_text(&self, selector: &str) -> String {
        let sel = serde_json::to_string(selector).unwrap_or_default();
        self.in_shadow(&format!(
            "(root.querySelector({sel}) || {{}}).textContent || ''"
        ))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Types `text` into the composer and presses Enter.
    pub async fn type_and_send(&self, text: &str) {
        let composer = self
            .wait_shadow("textarea[aria-label='Ask a question']")
            .await;
        composer.send_keys(text).await.expect("type");
        composer.send_keys("\u{E007}").await.expect("Enter");
    }

    /// Waits until the transcript holds `n` messages and none is streaming.
    pub async fn wait_settled(&self, n: usize) {
        self.wait_js(&format!(
            "(() => {{ const r = document.getElementById('helper-widget-root');
                const m = r ? Array.from(r.shadowRoot.querySelectorAll('[data-testid=message]')) : [];
                return m.length === {n} && m.every(x => x.getAttribute('aria-busy') === 'false'); }})()"
        ))
        .await;
    }

    /// Whether `#helper-widget-root` is in the page.
    pub async fn widget_mounted(&self) -> bool {
        self.js(
            "return !!document.getElementById('helper-widget-root')",
            vec![],
        )
        .await
            == Value::Bool(true)
    }

    /// Whether the panel is open: present, without `hidden`, and rendered.
    pub async fn panel_open(&self) -> bool {
        match self.shadow_find("[data-testid=widget-panel]").await {
            Some(panel) => {
                panel.attr("hidden").await.ok().flatten().is_none()
                    && panel.is_displayed().await.unwrap_or(false)
            }
            None => false,
        }
    }

    /// Waits until the panel's open state equals `open`.
    pub async fn wait_panel(&self, open: bool) {
        let deadline = Instant::now() + WAIT;
        while self.panel_open().await != open {
            assert!(
                Instant::now() < deadline,
                "panel did not become {}",
                if open { "open" } else { "closed" }
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The browser console so far, for failure messages.
    pub async fn console(&self) -> String {
        // chromedriver's log endpoint is not in fantoccini's API; a page-side capture is
        // enough for diagnosis.
        self.client
            .execute("return (window.__consoleLog || []).join('\\n');", vec![])
            .await
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    }

    /// Ends the session and the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}

/// A script for host pages that records console errors and warnings into
/// `window.__consoleLog`, so failures can print them. Put it first in `<head>`.
pub const CONSOLE_CAPTURE: &str = r#"<script>
window.__consoleLog = [];
['error', 'warn'].forEach(function (level) {
  var orig = console[level];
  console[level] = function () {
    window.__consoleLog.push(level + ': ' + Array.prototype.map.call(arguments, String).join(' '));
    return orig.apply(console, arguments);
  };
});
window.addEventListener('error', function (e) { window.__consoleLog.push('uncaught: ' + e.message); });
window.addEventListener('unhandledrejection', function (e) { window.__consoleLog.push('unhandled: ' + e.reason); });
</script>"#;

/// A script for host pages that records the page's requests (`window.__requests`: URL and body)
/// and gives the bodies of its `POST /api/chat` requests (`__chats()`), and `__root()`, the
/// widget's shadow root. Put it after [`CONSOLE_CAPTURE`], before `sdk.js`.
pub const RECORD_CHATS: &str = r#"<script>
window.__requests = [];
var origFetch = window.fetch;
window.fetch = function (input, init) {
  var entry = { url: String(input && input.url || input), body: null };
  window.__requests.push(entry);
  if (init && typeof init.body === 'string') { entry.body = init.body; }
  else if (input && typeof input.clone === 'function') { input.clone().text().then(function (b) { entry.body = b; }); }
  return origFetch.apply(this, arguments);
};
window.__chats = function () {
  return __requests.filter(function (r) { return new URL(r.url).pathname === '/api/chat' && r.body; })
    .map(function (r) { return JSON.parse(r.body); });
};
window.__root = function () { var h = document.getElementById('helper-widget-root'); return h && h.shadowRoot; };
</script>"#;

/// A host page for [`Site::page`]: [`CONSOLE_CAPTURE`], then `sdk.js` by a plain tag with a
/// config that points the widget at the test's API origin, merged with the object literal
/// `config`; `body` goes into `<body>` after a heading.
pub fn page(config: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8>{CONSOLE_CAPTURE}\
         <script>window.helperWidgetConfig = Object.assign({{ host: '{{API}}' }}, {config});</script>\
         <script src=\"{{SDK}}\"></script></head>\
         <body><h1>Host page</h1>{body}</body></html>"
    )
}

/// Percent-encodes everything but unreserved characters, for a query value.
fn url_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A minimal HTTP/1.1 call over loopback, for the tests' control requests.
async fn http_request(
    method: &str,
    url: &str,
    body: Option<&str>,
    bearer: Option<&str>,
) -> (u16, String) {
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    let client: Client<HttpConnector, Full<bytes::Bytes>> =
        Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let mut request = axum::http::Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/json");
    if let Some(token) = bearer {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = request
        .body(Full::new(bytes::Bytes::from(
            body.unwrap_or_default().to_owned(),
        )))
        .expect("valid request");
    let response = client.request(request).await.expect("API server answers");
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    l.local_addr().expect("addr").port()
}
