//! A public instance can't be turned against its readers, over real TCP on 127.0.0.1:
//! credentials a browser attaches to a request (cookies, tokens) are never reflected to the
//! page by the labs that show request headers — only that they were sent, and how long —
//! and a page on another origin can neither open a WebSocket session nor change state here
//! unless the server allows that origin. A request written by hand with bare LF line ends
//! is answered, not held open, and a body that cannot be read (a broken chunked
//! encoding, fewer bytes than its Content-Length) is refused as such — not as "too large".
//! Connections past the caps (in all, per address) get a JSON 503 while the open ones
//! keep being served.

mod common;

use backend::conn::ConnLimits;
use backend::origin::Origins;
use common::TestServer;
use futures_util::StreamExt;
use protocol::lab::{HeaderLine, LabReply};
use protocol::{ErrorBody, ErrorCode, ServerMsg};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const COOKIE: &str = "session=very-secret-cookie-value";
const TOKEN: &str = "Bearer very-secret-token";

/// Every credential is listed, empty, with its length; the secret appears nowhere.
fn assert_redacted(lines: &[HeaderLine], raw: &str) {
    assert!(
        !raw.contains("very-secret"),
        "a credential was reflected: {raw}"
    );
    for (name, value) in [
        ("cookie", COOKIE),
        ("authorization", TOKEN),
        ("proxy-authorization", TOKEN),
    ] {
        let line = lines
            .iter()
            .find(|l| l.name == name)
            .unwrap_or_else(|| panic!("{name} is listed as sent"));
        assert_eq!(line.value, "", "{name}");
        assert_eq!(line.redacted_bytes, Some(value.len() as u64), "{name}");
    }
    let ua = lines.iter().find(|l| l.name == "user-agent").unwrap();
    assert_eq!(
        (ua.value.as_str(), ua.redacted_bytes),
        ("duplex-test", None)
    );
}

#[tokio::test]
async fn the_http_lab_never_reflects_cookies_or_tokens() {
    let server = TestServer::start().await;
    let raw = reqwest::Client::new()
        .get(server.url("/api/lab?resp=0"))
        .header("cookie", COOKIE)
        .header("authorization", TOKEN)
        .header("proxy-authorization", TOKEN)
        .header("user-agent", "duplex-test")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let reply: LabReply = serde_json::from_str(&raw).unwrap();
    assert_redacted(&reply.request_headers, &raw);
}

#[tokio::test]
async fn the_websocket_welcome_never_reflects_cookies_or_tokens() {
    let server = TestServer::start().await;
    let mut req = server.ws_url().into_client_request().unwrap();
    for (name, value) in [
        ("cookie", COOKIE),
        ("authorization", TOKEN),
        ("proxy-authorization", TOKEN),
        ("user-agent", "duplex-test"),
    ] {
        req.headers_mut().insert(name, value.parse().unwrap());
    }
    let (mut ws, _) = connect_async(req).await.unwrap();
    let raw = loop {
        match ws.next().await.expect("a message").expect("a frame") {
            Message::Text(t) => break t.to_string(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected the welcome, got {other:?}"),
        }
    };
    match serde_json::from_str::<ServerMsg>(&raw).unwrap() {
        ServerMsg::Welcome {
            request_headers, ..
        } => assert_redacted(&request_headers, &raw),
        other => panic!("expected the welcome, got {other:?}"),
    }
}

/// Opens `/ws` with `origin` (if any); the status of the answer and its JSON error, if any.
async fn upgrade_from(server: &TestServer, origin: Option<&str>) -> (u16, Option<ErrorBody>) {
    let mut req = server.ws_url().into_client_request().unwrap();
    if let Some(origin) = origin {
        req.headers_mut().insert("origin", origin.parse().unwrap());
    }
    match connect_async(req).await {
        Ok((_, resp)) => (resp.status().as_u16(), None),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            let (status, _, body) = common::upgrade_refusal(&resp);
            (status, Some(body))
        }
        Err(e) => panic!("{e}"),
    }
}

/// POSTs an echo with `origin`; the status.
async fn post_from(server: &TestServer, origin: &str) -> (u16, String) {
    let resp = reqwest::Client::new()
        .post(server.url("/api/echo"))
        .header("origin", origin)
        .json(&serde_json::json!({ "payload": "hi" }))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn another_origin_can_neither_open_a_session_nor_change_state() {
    let server = TestServer::start().await;
    let own = format!("http://{}", server.addr);
    assert_eq!(upgrade_from(&server, Some(&own)).await.0, 101, "own origin");
    assert_eq!(
        upgrade_from(&server, None).await.0,
        101,
        "no Origin (not a browser)"
    );
    let (status, body) = upgrade_from(&server, Some("https://evil.example")).await;
    assert_eq!(status, 403);
    assert_eq!(body.unwrap().code, ErrorCode::ForbiddenOrigin);
    // A sandboxed frame or a file says "null": not this site either.
    assert_eq!(upgrade_from(&server, Some("null")).await.0, 403);

    let (status, body) = post_from(&server, "https://evil.example").await;
    assert_eq!(status, 403, "{body}");
    let body: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(body.code, ErrorCode::ForbiddenOrigin);
    assert_eq!(post_from(&server, &own).await.0, 200);
    // Reading is not guarded: a GET from anywhere is answered (CORS decides what a page
    // may read of it).
    let get = reqwest::Client::new()
        .get(server.url("/api/echo?payload=x"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
}

#[tokio::test]
async fn an_allowed_origin_may_open_sessions_and_post() {
    let origins = Origins::new(&["https://blog.example"]).unwrap();
    let server = TestServer::start_with(|s| s.with_allowed_origins(origins)).await;
    assert_eq!(
        upgrade_from(&server, Some("https://blog.example")).await.0,
        101
    );
    assert_eq!(post_from(&server, "https://blog.example").await.0, 200);
    assert_eq!(
        upgrade_from(&server, Some("https://other.example")).await.0,
        403
    );
}

/// Sends `request` on a fresh connection; the status line of the answer, or `None` if none
/// came within 5 s.
async fn answer_to(server: &TestServer, request: &[u8]) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    tcp.write_all(request).await.unwrap();
    let mut got = Vec::new();
    let read = async {
        let mut buf = [0u8; 1024];
        while !got.windows(2).any(|w| w == b"\r\n") {
            let n = tcp.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(5), read)
        .await
        .ok()?;
    let text = String::from_utf8_lossy(&got);
    text.lines().next().map(str::to_owned)
}

#[tokio::test]
async fn a_request_with_bare_lf_line_ends_is_answered() {
    let server = TestServer::start().await;
    let status = answer_to(&server, b"GET /healthz HTTP/1.1\nHost: x\n\n").await;
    assert_eq!(status.as_deref(), Some("HTTP/1.1 200 OK"));
    // With an emulated network too: the link reads the line the same way.
    let status = answer_to(&server, b"GET /healthz?emu=5,0 HTTP/1.1\nHost: x\n\n").await;
    assert_eq!(status.as_deref(), Some("HTTP/1.1 200 OK"));
}

/// Sends `request` and half-closes; the answer's status and JSON error code.
async fn refusal_of(server: &TestServer, request: &[u8]) -> (u16, ErrorCode) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    tcp.write_all(request).await.unwrap();
    tcp.shutdown().await.unwrap(); // no more bytes are coming
    let mut got = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read_to_end(&mut got))
        .await
        .expect("an answer in time")
        .unwrap();
    let text = String::from_utf8_lossy(&got);
    let status = text[9..12].parse().unwrap();
    let body = &text[text.find("\r\n\r\n").unwrap() + 4..];
    let body: ErrorBody = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"));
    (status, body.code)
}

#[tokio::test]
async fn an_unreadable_body_is_refused_as_such_not_as_too_large() {
    let server = TestServer::start().await;
    for path in ["/api/echo", "/api/lab", "/api/race"] {
        let short = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: 100\r\nConnection: close\r\n\r\n{{\"payload\""
        );
        assert_eq!(
            refusal_of(&server, short.as_bytes()).await,
            (400, ErrorCode::BadBody),
            "{path}: a body shorter than its Content-Length"
        );
        let chunked = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
        );
        assert_eq!(
            refusal_of(&server, chunked.as_bytes()).await,
            (400, ErrorCode::BadBody),
            "{path}: a bogus chunk size"
        );
    }
}

/// A keep-alive GET of /healthz on `tcp`; the status line of the answer.
async fn health_on(tcp: &mut tokio::net::TcpStream) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tcp.read(&mut buf).await.unwrap();
        assert!(n > 0, "the connection ended");
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got)
        .lines()
        .next()
        .unwrap()
        .to_owned()
}

/// The whole answer a refused connection gets: (status line, Retry-After, JSON body).
async fn refused(server: &TestServer) -> (String, String, ErrorBody) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let _ = tcp
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let mut got = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read_to_end(&mut got))
        .await
        .expect("an answer in time")
        .unwrap();
    let text = String::from_utf8_lossy(&got).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
    let retry = head
        .lines()
        .find_map(|l| l.strip_prefix("retry-after: "))
        .unwrap_or_default()
        .to_owned();
    let status = head.lines().next().unwrap().to_owned();
    (
        status,
        retry,
        serde_json::from_str(body).expect("a JSON body"),
    )
}

#[tokio::test]
async fn connections_past_a_cap_get_a_json_503_and_the_open_ones_are_served() {
    let limits = ConnLimits {
        total: 100,
        per_ip: 2,
    };
    let server = TestServer::start_with(|s| s.with_conn_limits(limits)).await;
    let mut a = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut b = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    assert_eq!(health_on(&mut a).await, "HTTP/1.1 200 OK");
    assert_eq!(health_on(&mut b).await, "HTTP/1.1 200 OK");
    let (status, retry, body) = refused(&server).await;
    assert_eq!(status, "HTTP/1.1 503 Service Unavailable");
    assert_eq!(retry, "5");
    assert_eq!(body.code, ErrorCode::TooManyConnections);
    assert!(body.message.contains("this address"), "{}", body.message);
    // The two open connections are still served.
    assert_eq!(health_on(&mut a).await, "HTTP/1.1 200 OK");
    // A freed place is free again (the server notices the close a moment later).
    drop(b);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let mut c = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 64];
        let n = c.read(&mut buf).await.unwrap_or(0);
        if String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the freed place never came back"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_total_cap_holds_for_every_address() {
    let limits = ConnLimits {
        total: 1,
        per_ip: 100,
    };
    let server = TestServer::start_with(|s| s.with_conn_limits(limits)).await;
    let mut a = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    assert_eq!(health_on(&mut a).await, "HTTP/1.1 200 OK");
    let (status, _, body) = refused(&server).await;
    assert_eq!(status, "HTTP/1.1 503 Service Unavailable");
    assert!(body.message.contains("the server"), "{}", body.message);
}
