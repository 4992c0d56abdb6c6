//! Test harness: a server on `127.0.0.1:0` per test, and a thin HTTP client over real sockets.

use helper_dev_server::{auth, Options};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

pub struct Server {
    pub url: String,
    pub client: reqwest::Client,
    pub secret: String,
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn has_cors(&self) -> bool {
        self.header("access-control-allow-origin") == Some("*")
            && self.header("access-control-allow-headers") == Some("Content-Type, Authorization")
            && self.header("access-control-allow-methods").is_some()
    }
    /// Asserts status and `{"error": message}` body.
    #[track_caller]
    pub fn assert_error(&self, status: u16, message: &str) {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.json()["error"], message, "body: {}", self.body);
    }
}

pub async fn start(options: Options) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let secret = options.hmac_secret.clone();
    tokio::spawn(helper_dev_server::serve(listener, options));
    Server {
        url,
        client: reqwest::Client::new(),
        secret,
    }
}

pub async fn default_server() -> Server {
    start(Options::default()).await
}

pub async fn gap_server() -> Server {
    start(Options {
        cors_gaps: true,
        ..Options::default()
    })
    .await
}

impl Server {
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Resp {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, format!("{}{}", self.url, path));
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        response(req).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.send("POST", path, token, Some(&body.to_string()))
            .await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.send("GET", path, token, None).await
    }

    pub async fn session_with(&self, body: Value) -> Resp {
        self.post("/api/widget/session", None, body).await
    }

    pub async fn anonymous(&self) -> String {
        let r = self.session_with(json!({})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["token"].as_str().unwrap().to_string()
    }

    pub async fn conversation(&self, token: &str, is_prompt: bool) -> String {
        let r = self
            .post(
                "/api/chat/conversation",
                Some(token),
                json!({ "isPrompt": is_prompt }),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["conversationSlug"].as_str().unwrap().to_string()
    }

    /// A conversation with one question and its answer; returns the slug and the reaction path
    /// (`…/message/{id}`) of the saved answer.
    pub async fn answered_conversation(&self, token: &str) -> (String, String) {
        let slug = self.conversation(token, false).await;
        self.chat(token, &slug, "refund", "").await;
        let c = self
            .get(&format!("/api/chat/conversation/{slug}"), Some(token))
            .await
            .json();
        let id = c["messages"][1]["id"].as_str().unwrap().to_string();
        let path = format!("/api/chat/conversation/{slug}/message/{id}");
        (slug, path)
    }

    /// Sends a chat message the way Helper's widget does; `query` is appended to `/api/chat`.
    pub async fn chat(&self, token: &str, slug: &str, content: &str, query: &str) -> Resp {
        let body = json!({
            "id": "chat-1", "readPageTool": null, "guideEnabled": false, "isToolResult": false,
            "conversationSlug": slug,
            "message": { "id": "client_1", "role": "user", "content": content,
                         "parts": [{ "type": "text", "text": content }] },
        });
        self.post(&format!("/api/chat{query}"), Some(token), body)
            .await
    }

    /// The chat response as raw chunks, and whether the body ended in an error.
    pub async fn chat_chunks(
        &self,
        token: &str,
        slug: &str,
        content: &str,
        query: &str,
    ) -> (HeaderMap, Vec<Vec<u8>>, bool) {
        let body =
            json!({ "conversationSlug": slug, "message": { "role": "user", "content": content } });
        let mut r = self
            .client
            .post(format!("{}/api/chat{query}", self.url))
            .header("authorization", format!("Bearer {token}"))
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let headers = r.headers().clone();
        let mut chunks = Vec::new();
        loop {
            match r.chunk().await {
                Ok(Some(c)) => chunks.push(c.to_vec()),
                Ok(None) => return (headers, chunks, false),
                Err(_) => return (headers, chunks, true),
            }
        }
    }

    pub async fn dev(&self, path: &str, body: Value) -> Value {
        let r = self.post(path, None, body).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    }

    /// An identified visitor's session request body, signed as a host page's server would.
    pub fn identified(&self, email: &str, timestamp: i64) -> Value {
        let hash = auth::email_hash(&self.secret, email, &timestamp.to_string());
        json!({ "email": email, "emailHash": hash, "timestamp": timestamp })
    }

    pub fn claims(&self, token: &str) -> auth::Claims {
        auth::verify(&self.secret, token).expect("token verifies")
    }
}

pub fn now_ms() -> i64 {
    helper_dev_server::store::now_ms()
}

/// The v4 lines of a body as (code, JSON payload).
pub fn v4_parts(body: &str) -> Vec<(char, Value)> {
    body.lines()
        .map(|l| {
            let (code, payload) = l
                .split_once(':')
                .unwrap_or_else(|| panic!("no separator: {l:?}"));
            assert_eq!(code.len(), 1, "{l:?}");
            (
                code.chars().next().unwrap(),
                serde_json::from_str(payload).unwrap(),
            )
        })
        .collect()
}

/// Text of a v4 body.
pub fn v4_text(body: &str) -> String {
    v4_parts(body)
        .into_iter()
        .filter(|(c, _)| *c == '0')
        .map(|(_, v)| v.as_str().unwrap().to_string())
        .collect()
}

pub fn answer(question: &str) -> &'static str {
    helper_dev_server::kb::lookup(question).answer
}

/// A response read straight off the socket, for requests reqwest will not send as written
/// (a forged `Host`, a `Content-Length` with no body behind it).
pub struct Raw {
    pub status: u16,
    /// The header block, lower-cased.
    pub head: String,
    pub body: String,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.head
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .map(str::trim)
    }
}

impl Server {
    /// Writes `head` (request line and headers, without the blank line), then `body`, and reads
    /// the response until the server closes. Fails rather than hangs if no answer comes.
    pub async fn raw(&self, head: &str, body: &[u8]) -> Raw {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.url.trim_start_matches("http://");
        let exchange = async {
            let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            let head = format!("{head}\r\nConnection: close\r\n\r\n");
            tcp.write_all(head.as_bytes()).await.unwrap();
            // The server may answer and close before reading all of an oversized body.
            let _ = tcp.write_all(body).await;
            let mut out = Vec::new();
            let _ = tcp.read_to_end(&mut out).await;
            out
        };
        let out = tokio::time::timeout(std::time::Duration::from_secs(20), exchange)
            .await
            .expect("the server answers within 20 s");
        let text = String::from_utf8_lossy(&out).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line: {head:?}"));
        Raw {
            status,
            head: head.to_ascii_lowercase(),
            body: body.to_string(),
        }
    }

    /// A request with an `Origin` header, as a browser page on that origin sends it.
    pub async fn as_page(
        &self,
        method: &str,
        path: &str,
        origin: &str,
        body: Option<&str>,
    ) -> Resp {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .client
            .request(method, format!("{}{}", self.url, path))
            .header("origin", origin);
        if let Some(b) = body {
            // text/plain: a "simple" request a page may send cross-origin without a preflight.
            req = req.header("content-type", "text/plain").body(b.to_string());
        }
        response(req).await
    }
}

/// Sends `req` and reads everything a test looks at.
async fn response(req: reqwest::RequestBuilder) -> Resp {
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.text().await.unwrap();
    Resp {
        status,
        headers,
        body,
    }
}
