//! The `/ws` echo session over real TCP with tokio-tungstenite: text and binary echo,
//! malformed input answered in-band, oversize messages closed with 1009, shutdown with
//! 1001, and a misbehaving session never disturbing a well-behaved one.

mod common;

use std::time::Duration;

use common::TestServer;
use futures_util::{SinkExt, StreamExt};
use protocol::limits::WS_MAX_MESSAGE_BYTES;
use protocol::ws::WsErrorCode;
use protocol::{ClientMsg, ServerMsg, close_code};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Upper bound for anything the server should answer at once on loopback.
const PATIENCE: Duration = Duration::from_secs(5);

async fn next(ws: &mut Ws) -> Message {
    tokio::time::timeout(PATIENCE, ws.next())
        .await
        .expect("server answered in time")
        .expect("stream not ended")
        .expect("no protocol error")
}

async fn next_server_msg(ws: &mut Ws) -> ServerMsg {
    match next(ws).await {
        Message::Text(t) => serde_json::from_str(&t).expect("a protocol::ServerMsg"),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

async fn open(server: &TestServer) -> (Ws, u64) {
    let (mut ws, resp) = connect_async(server.ws_url()).await.expect("handshake");
    assert_eq!(resp.status(), 101);
    match next_server_msg(&mut ws).await {
        ServerMsg::Welcome {
            session,
            max_message_bytes,
        } => {
            assert_eq!(max_message_bytes, WS_MAX_MESSAGE_BYTES as u64);
            (ws, session)
        }
        other => panic!("expected welcome, got {other:?}"),
    }
}

async fn send(ws: &mut Ws, msg: &ClientMsg) {
    ws.send(Message::text(serde_json::to_string(msg).unwrap()))
        .await
        .unwrap();
}

async fn assert_echo_works(ws: &mut Ws, seq: u64) {
    send(
        ws,
        &ClientMsg::Echo {
            seq,
            payload: format!("still here {seq}"),
        },
    )
    .await;
    match next_server_msg(ws).await {
        ServerMsg::Echo {
            seq: s, payload, ..
        } => {
            assert_eq!(s, seq);
            assert_eq!(payload, format!("still here {seq}"));
        }
        other => panic!("expected echo, got {other:?}"),
    }
}

/// Reads until the close frame and returns its code and reason.
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
async fn text_echo_carries_seq_size_and_time() {
    let server = TestServer::start().await;
    let (mut ws, session) = open(&server).await;
    let (_ws2, session2) = open(&server).await;
    assert_ne!(session, session2, "each session gets its own id");
    for seq in 1..=3 {
        let payload = "é".repeat(seq as usize * 10);
        send(
            &mut ws,
            &ClientMsg::Echo {
                seq,
                payload: payload.clone(),
            },
        )
        .await;
        match next_server_msg(&mut ws).await {
            ServerMsg::Echo {
                seq: s,
                payload: p,
                payload_bytes,
                server_received_unix_us,
            } => {
                assert_eq!(s, seq);
                assert_eq!(p, payload);
                assert_eq!(payload_bytes, payload.len() as u64);
                assert!(server_received_unix_us > 1_600_000_000_000_000);
            }
            other => panic!("expected echo, got {other:?}"),
        }
    }
    // A close from the client is answered with a close frame (a clean close for the
    // browser), echoing the code.
    ws.close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
        code: CloseCode::from(4000),
        reason: "bye".into(),
    }))
    .await
    .unwrap();
    let (code, _) = expect_close(&mut ws).await;
    assert_eq!(code, 4000);
}

#[tokio::test]
async fn binary_is_echoed_unchanged() {
    let server = TestServer::start().await;
    let (mut ws, _) = open(&server).await;
    let data: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    ws.send(Message::binary(data.clone())).await.unwrap();
    match next(&mut ws).await {
        Message::Binary(b) => assert_eq!(b.as_ref(), data.as_slice()),
        other => panic!("expected binary, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_messages_get_an_error_and_the_session_stays_open() {
    let server = TestServer::start().await;
    let (mut ws, _) = open(&server).await;
    for bad in [
        "not json",
        r#"{"type":"launch_rockets"}"#,
        r#"{"type":"echo","seq":"one","payload":"x"}"#,
        r#"{"type":"echo","seq":1}"#,
    ] {
        ws.send(Message::text(bad)).await.unwrap();
        match next_server_msg(&mut ws).await {
            ServerMsg::Error { code, message } => {
                assert_eq!(code, WsErrorCode::MalformedMessage);
                assert!(!message.is_empty());
            }
            other => panic!("expected error for {bad}, got {other:?}"),
        }
    }
    assert_echo_works(&mut ws, 42).await;
}

#[tokio::test]
async fn oversize_message_closes_with_1009_and_spares_other_sessions() {
    let server = TestServer::start().await;
    let (mut good, _) = open(&server).await;
    let (mut bad, _) = open(&server).await;
    bad.send(Message::binary(vec![0u8; WS_MAX_MESSAGE_BYTES + 1]))
        .await
        .unwrap();
    let (code, reason) = expect_close(&mut bad).await;
    assert_eq!(code, close_code::TOO_BIG);
    assert!(reason.contains("exceeds"), "reason explains: {reason}");
    assert_echo_works(&mut good, 1).await;

    // Far over tungstenite's own ceiling: the session ends, the server stays up.
    let (mut huge, _) = open(&server).await;
    let _ = huge
        .send(Message::binary(vec![0u8; 8 * WS_MAX_MESSAGE_BYTES]))
        .await;
    let ended = tokio::time::timeout(PATIENCE, async {
        while let Some(Ok(msg)) = huge.next().await {
            if let Message::Close(frame) = msg {
                return frame.map(|f| f.code);
            }
        }
        None
    })
    .await
    .expect("the oversize session ends promptly");
    if let Some(code) = ended {
        assert_eq!(code, CloseCode::Size);
    }
    assert_echo_works(&mut good, 2).await;
    let (mut fresh, _) = open(&server).await;
    assert_echo_works(&mut fresh, 3).await;
}

#[tokio::test]
async fn shutdown_closes_sessions_with_1001() {
    let server = TestServer::start().await;
    let (mut ws, _) = open(&server).await;
    server.shutdown.cancel();
    let (code, _) = expect_close(&mut ws).await;
    assert_eq!(code, close_code::GOING_AWAY);
}
