//! The connection layer's request-head guard (`conn/guard.rs`) over real TCP: refusals
//! hyper would send with an empty body are JSON, heads are capped, and slow or silent
//! clients are timed out without holding up anyone else.

mod common;

use std::time::{Duration, Instant};

use backend::conn::HttpTimeouts;
use common::TestServer;
use protocol::{ErrorBody, ErrorCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Short timeouts, so each test waits ~1 s for what takes 10–60 s by default.
fn quick(header: u64, body: u64, keep_alive: u64) -> HttpTimeouts {
    HttpTimeouts {
        header: Duration::from_millis(header),
        body: Duration::from_millis(body),
        keep_alive: Duration::from_millis(keep_alive),
    }
}

/// Reads until the peer closes (at most 10 s): everything it sent.
async fn read_all(tcp: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut got))
        .await
        .expect("the server closes the connection in time");
    String::from_utf8_lossy(&got).into_owned()
}

/// The status and JSON body of one refusal.
fn parse_refusal(text: &str) -> (u16, ErrorBody) {
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("a head and a body: {text:?}"));
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    let status = head[9..12].parse().unwrap();
    let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"));
    (status, body)
}

/// Sends `request` on a new connection (not half-closing: a refusal must reach a client
/// that is still sending) and returns the refusal.
async fn refusal(server: &TestServer, request: &[u8]) -> (u16, ErrorBody) {
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    // A refusal may come (and the server close) before every byte is written.
    let _ = tcp.write_all(request).await;
    parse_refusal(&read_all(&mut tcp).await)
}

/// One keep-alive GET on `tcp`: the status line.
async fn get_on(tcp: &mut TcpStream, path: &str) -> String {
    tcp.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    read_response(tcp).await
}

/// Reads one whole response (head + Content-Length body): its status line.
async fn read_response(tcp: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .map_or(0, |v| v.trim().parse().unwrap());
            if got.len() >= end + 4 + len {
                return head.lines().next().unwrap().to_owned();
            }
        }
        let n = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut buf))
            .await
            .expect("a response in time")
            .unwrap();
        assert!(
            n > 0,
            "the connection ended: {:?}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
    }
}

#[tokio::test]
async fn a_300_kb_header_block_is_refused_with_431_and_never_reflected() {
    let server = TestServer::start().await;
    let big = "a".repeat(300 * 1024);
    for path in ["/api/lab", "/ws", "/healthz"] {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
             X-Big: {big}\r\n\r\n"
        );
        let (status, body) = refusal(&server, request.as_bytes()).await;
        assert_eq!(
            (status, body.code),
            (431, ErrorCode::HeadTooLarge),
            "{path}"
        );
        assert!(body.message.contains("32768"), "{}", body.message);
    }
    // Many small headers: over the count before the size.
    let many: String = (0..150).map(|i| format!("X-H{i}: v\r\n")).collect();
    let (status, body) = refusal(
        &server,
        format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many}\r\n").as_bytes(),
    )
    .await;
    assert_eq!((status, body.code), (431, ErrorCode::HeadTooLarge));
    // Just under the cap is served.
    let fits = "b".repeat(30 * 1024);
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    tcp.write_all(format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Fits: {fits}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    assert_eq!(read_response(&mut tcp).await, "http/1.1 200 ok");
}

#[tokio::test]
async fn a_long_target_gets_414_and_a_malformed_head_400_both_json() {
    let server = TestServer::start().await;
    let long = format!(
        "GET /healthz?x={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "y".repeat(20_000)
    );
    let (status, body) = refusal(&server, long.as_bytes()).await;
    assert_eq!((status, body.code), (414, ErrorCode::UriTooLong));
    // Long and never finished: refused as soon as it is too long, not after a timeout.
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    let started = Instant::now();
    tcp.write_all(format!("GET /{}", "z".repeat(9_000)).as_bytes())
        .await
        .unwrap();
    let (status, _) = parse_refusal(&read_all(&mut tcp).await);
    assert_eq!(status, 414);
    assert!(started.elapsed() < Duration::from_secs(5));

    for (bad, what) in [
        (&b"G@T / HTTP/1.1\r\nHost: x\r\n\r\n"[..], "a bad method"),
        (b"GET / HTTP/7.1\r\nHost: x\r\n\r\n", "a bad version"),
        (b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", "a space in a header name"),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "a TLS hello on the plain port"),
        (
            b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "a bad Content-Length",
        ),
        (
            b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "two Content-Lengths",
        ),
        (
            b"POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
            "a Transfer-Encoding that is not chunked",
        ),
    ] {
        let (status, body) = refusal(&server, bad).await;
        assert_eq!((status, body.code), (400, ErrorCode::MalformedRequest), "{what}");
        assert!(body.message.starts_with("malformed request head"), "{what}: {}", body.message);
    }
}

#[tokio::test]
async fn a_slow_head_gets_408_while_a_normal_request_is_served() {
    let server =
        TestServer::start_with(|s| s.with_http_timeouts(quick(1_000, 30_000, 60_000))).await;
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    let started = Instant::now();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHo")
        .await
        .unwrap();
    // Meanwhile, another client is served at once.
    let mut normal = TcpStream::connect(server.addr).await.unwrap();
    assert_eq!(get_on(&mut normal, "/healthz").await, "http/1.1 200 ok");
    assert!(started.elapsed() < Duration::from_millis(900));
    let (status, body) = parse_refusal(&read_all(&mut slow).await);
    let waited = started.elapsed();
    assert_eq!((status, body.code), (408, ErrorCode::RequestTimeout));
    assert!(
        waited >= Duration::from_millis(950) && waited < Duration::from_secs(4),
        "refused after {waited:?}"
    );
    // The normal connection is still usable.
    assert_eq!(get_on(&mut normal, "/healthz").await, "http/1.1 200 ok");
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_quietly() {
    let server = TestServer::start_with(|s| s.with_http_timeouts(quick(800, 30_000, 60_000))).await;
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    let started = Instant::now();
    assert_eq!(read_all(&mut silent).await, "", "closed without an answer");
    assert!(started.elapsed() >= Duration::from_millis(750));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_but_a_busy_one_is_not() {
    let server = TestServer::start_with(|s| s.with_http_timeouts(quick(10_000, 30_000, 800))).await;
    // Busy: a request every 300 ms for 2 s on one connection, all served.
    let mut busy = TcpStream::connect(server.addr).await.unwrap();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        assert_eq!(get_on(&mut busy, "/healthz").await, "http/1.1 200 ok");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // A response slower than the keep-alive timeout is still answered: no idle timer runs
    // while a response is due.
    assert_eq!(
        get_on(&mut busy, "/api/lab?resp=0&delay=1500&close=0").await,
        "http/1.1 200 ok"
    );
    // Then idle: closed after ~800 ms without an answer.
    let idle_from = Instant::now();
    assert_eq!(read_all(&mut busy).await, "");
    let idle = idle_from.elapsed();
    assert!(
        idle >= Duration::from_millis(750) && idle < Duration::from_secs(4),
        "{idle:?}"
    );
}

#[tokio::test]
async fn a_body_that_stops_coming_gets_408() {
    let server =
        TestServer::start_with(|s| s.with_http_timeouts(quick(10_000, 1_000, 60_000))).await;
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    let started = Instant::now();
    tcp.write_all(
        b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 100\r\n\r\n{\"payload\":",
    )
    .await
    .unwrap();
    let (status, body) = parse_refusal(&read_all(&mut tcp).await);
    assert_eq!(
        (status, body.code),
        (408, ErrorCode::RequestTimeout),
        "{}",
        body.message
    );
    assert!(started.elapsed() >= Duration::from_millis(950));
}

#[tokio::test]
async fn pipelined_requests_are_each_answered_and_each_guarded() {
    let server = TestServer::start().await;
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    let body = r#"{"payload":"hi"}"#;
    let two = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n\
         POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}\
         GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        body.len()
    );
    tcp.write_all(two.as_bytes()).await.unwrap();
    // The three answers may come in one read: count them in what arrives.
    let mut got = String::new();
    let mut buf = [0u8; 4096];
    while got.matches("HTTP/1.1 200 OK").count() < 3 || !got.ends_with("}") {
        let n = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut buf))
            .await
            .expect("three answers in time")
            .unwrap();
        assert!(n > 0, "{got}");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(
        got.contains(r#""payload":"hi""#) || got.contains("hi"),
        "{got}"
    );
    // A pipelined head over the cap is refused after the first is answered.
    let big = "a".repeat(40 * 1024);
    tcp.write_all(
        format!(
            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nX: {big}\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    // Both answers, in order, then the close.
    let text = read_all(&mut tcp).await;
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    let second = text
        .find("HTTP/1.1 431")
        .expect("the refusal after the answer");
    let (status, body) = parse_refusal(&text[second..]);
    assert_eq!((status, body.code), (431, ErrorCode::HeadTooLarge));
}

#[tokio::test]
async fn expect_continue_and_chunked_bodies_still_work() {
    let server = TestServer::start().await;
    // A chunked body sent in two writes, then another request on the same connection.
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    for _ in 0..2 {
        tcp.write_all(
            b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Transfer-Encoding: chunked\r\n\r\nb\r\n{\"payload\":\r\n",
        )
        .await
        .unwrap();
        tcp.write_all(b"a\r\n\"chunked\"}\r\n0\r\n\r\n")
            .await
            .unwrap();
        assert_eq!(read_response(&mut tcp).await, "http/1.1 200 ok");
    }
    // Expect: 100-continue: the body is sent after the server's 100.
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    let body = r#"{"payload":"later"}"#;
    tcp.write_all(
        format!(
            "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Expect: 100-continue\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut buf = [0u8; 256];
    let n = tcp.read(&mut buf).await.unwrap();
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 100"),
        "{:?}",
        String::from_utf8_lossy(&buf[..n])
    );
    tcp.write_all(body.as_bytes()).await.unwrap();
    assert_eq!(read_response(&mut tcp).await, "http/1.1 200 ok");
}
