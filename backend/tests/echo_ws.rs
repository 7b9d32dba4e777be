//! The plain echo WebSocket (`/ws/echo`) over real TCP with tokio-tungstenite: text and
//! binary come back byte-exact, a fragmented message (with a ping between its fragments)
//! comes back whole, a message over the cap is closed with 1009, a flood with 1008, an
//! idle session and shutdown with 1001, a conformance tool's own query is accepted, and a
//! page on another origin is refused before the upgrade.

mod common;

use std::time::Duration;

use common::TestServer;
use futures_util::{SinkExt, StreamExt};
use protocol::close_code;
use protocol::limits::WS_MAX_MESSAGE_BYTES;
use protocol::ws::{WS_ECHO_PATH, WS_FLOOD_BURST, WS_MAX_MESSAGES_PER_SECOND};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Upper bound for anything the server should answer at once on loopback.
const PATIENCE: Duration = Duration::from_secs(5);

fn echo_url(server: &TestServer, query: &str) -> String {
    format!("ws://{}{WS_ECHO_PATH}{query}", server.addr)
}

async fn open(server: &TestServer) -> Ws {
    let (ws, resp) = connect_async(echo_url(server, ""))
        .await
        .expect("handshake");
    assert_eq!(resp.status(), 101);
    ws
}

/// The next data message or close (pings and pongs skipped).
async fn next(ws: &mut Ws) -> Message {
    tokio::time::timeout(PATIENCE, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(msg)) => return msg,
                other => panic!("expected a message, got {other:?}"),
            }
        }
    })
    .await
    .expect("the server answered in time")
}

async fn expect_close(ws: &mut Ws) -> (u16, String) {
    loop {
        match next(ws).await {
            Message::Close(Some(frame)) => return (frame.code.into(), frame.reason.to_string()),
            Message::Close(None) => panic!("close without a code"),
            _ => continue,
        }
    }
}

#[tokio::test]
async fn text_and_binary_come_back_byte_exact() {
    let server = TestServer::start().await;
    let mut ws = open(&server).await;
    let texts = [
        String::new(),
        "hello".to_owned(),
        "ソケット通信 vs HTTP通信, 소켓 통신 🦀".to_owned(),
        "x".repeat(WS_MAX_MESSAGE_BYTES),
    ];
    for text in texts {
        ws.send(Message::text(text.clone())).await.unwrap();
        assert_eq!(next(&mut ws).await, Message::text(text));
    }
    let every_byte: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    for bytes in [
        Vec::new(),
        vec![0u8, 0xff, 0x80],
        every_byte[..WS_MAX_MESSAGE_BYTES].to_vec(),
    ] {
        ws.send(Message::binary(bytes.clone())).await.unwrap();
        assert_eq!(next(&mut ws).await, Message::binary(bytes));
    }
    ws.close(None).await.unwrap();
}

#[tokio::test]
async fn a_fragmented_message_comes_back_whole() {
    let server = TestServer::start().await;
    let mut ws = open(&server).await;
    let parts: [&[u8]; 3] = [b"frag", "mented ✓ ".as_bytes(), b"message"];
    let first = Frame::message(parts[0].to_vec(), OpCode::Data(Data::Text), false);
    ws.send(Message::Frame(first)).await.unwrap();
    // A control frame may come between the fragments (RFC 6455 §5.4).
    ws.send(Message::Ping("between".into())).await.unwrap();
    let middle = Frame::message(parts[1].to_vec(), OpCode::Data(Data::Continue), false);
    ws.send(Message::Frame(middle)).await.unwrap();
    let last = Frame::message(parts[2].to_vec(), OpCode::Data(Data::Continue), true);
    ws.send(Message::Frame(last)).await.unwrap();
    assert_eq!(
        next(&mut ws).await,
        Message::text("fragmented ✓ message"),
        "one message, reassembled"
    );
    // Binary, split in the middle of nowhere in particular.
    let bytes: Vec<u8> = (0..=255u8).collect();
    let head = Frame::message(bytes[..100].to_vec(), OpCode::Data(Data::Binary), false);
    let tail = Frame::message(bytes[100..].to_vec(), OpCode::Data(Data::Continue), true);
    ws.send(Message::Frame(head)).await.unwrap();
    ws.send(Message::Frame(tail)).await.unwrap();
    assert_eq!(next(&mut ws).await, Message::binary(bytes));
}

#[tokio::test]
async fn a_message_over_the_cap_is_closed_with_1009() {
    let server = TestServer::start().await;
    for msg in [
        Message::text("x".repeat(WS_MAX_MESSAGE_BYTES + 1)),
        Message::binary(vec![7u8; WS_MAX_MESSAGE_BYTES + 1]),
        // Beyond tungstenite's own ceiling too: refused while reading, still 1009.
        Message::binary(vec![7u8; 5 * WS_MAX_MESSAGE_BYTES]),
    ] {
        let mut ws = open(&server).await;
        let _ = ws.send(msg).await;
        let (code, reason) = expect_close(&mut ws).await;
        assert_eq!(code, close_code::TOO_BIG, "{reason}");
    }
    // Another session is untouched.
    let mut ws = open(&server).await;
    ws.send(Message::text("still here")).await.unwrap();
    assert_eq!(next(&mut ws).await, Message::text("still here"));
}

#[tokio::test]
async fn a_flood_is_closed_with_1008() {
    let server = TestServer::start().await;
    let mut ws = open(&server).await;
    let flood = WS_FLOOD_BURST + 5 * WS_MAX_MESSAGES_PER_SECOND;
    for _ in 0..flood {
        if ws.feed(Message::binary(Vec::new())).await.is_err() {
            break;
        }
    }
    let _ = ws.flush().await;
    let (code, reason) = expect_close(&mut ws).await;
    assert_eq!(code, close_code::POLICY);
    assert!(reason.contains("per second"), "{reason}");
}

#[tokio::test]
async fn idle_and_shutdown_close_with_1001() {
    let server =
        TestServer::start_with(|s| s.with_ws_idle_timeout(Duration::from_millis(300))).await;
    let mut idle = open(&server).await;
    let (code, reason) = expect_close(&mut idle).await;
    assert_eq!(code, close_code::GOING_AWAY);
    assert!(reason.contains("idle"), "{reason}");

    let server = TestServer::start().await;
    let mut ws = open(&server).await;
    ws.send(Message::text("hi")).await.unwrap();
    assert_eq!(next(&mut ws).await, Message::text("hi"));
    server.shutdown.cancel();
    let (code, reason) = expect_close(&mut ws).await;
    assert_eq!(code, close_code::GOING_AWAY);
    assert!(reason.contains("shutting down"), "{reason}");
}

#[tokio::test]
async fn a_conformance_tools_query_is_accepted_and_a_bad_one_refused() {
    let server = TestServer::start().await;
    let (mut ws, _) = connect_async(echo_url(&server, "?case=17&agent=duplex"))
        .await
        .expect("unknown names are ignored");
    ws.send(Message::text("ok")).await.unwrap();
    assert_eq!(next(&mut ws).await, Message::text("ok"));

    let refused = connect_async(echo_url(&server, "?client=%zz")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), 400);
        }
        other => panic!("expected a 400, got {other:?}"),
    }
}

#[tokio::test]
async fn another_origin_is_refused_before_the_upgrade() {
    let server = TestServer::start().await;
    let mut req = echo_url(&server, "").into_client_request().unwrap();
    req.headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), 403);
        }
        other => panic!("expected a 403, got {other:?}"),
    }
    let mut own = echo_url(&server, "").into_client_request().unwrap();
    let origin = format!("http://{}", server.addr);
    own.headers_mut().insert("origin", origin.parse().unwrap());
    assert!(connect_async(own).await.is_ok(), "the site's own origin");
}
