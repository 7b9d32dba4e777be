//! Close codes for broken WebSocket frames, over raw TCP on 127.0.0.1: a client that hand-
//! writes its frames (as a fuzzer or a buggy client would) gets RFC 6455's code on every
//! WebSocket endpoint — 1007 for text that is not UTF-8, 1002 for a frame that breaks the
//! protocol, 1009 for a message over the cap — in a close frame that reaches it.

mod common;

use std::time::Duration;

use common::TestServer;
use common::ws_raw::{frame, upgrade};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const KEY: &str = "0123456789abcdef0123456789abcdef";
const PATIENCE: Duration = Duration::from_secs(5);

/// Reads server frames until a close frame; returns its code and reason.
async fn close_code(tcp: &mut TcpStream) -> (u16, String) {
    let read = async {
        loop {
            let mut h = [0u8; 2];
            tcp.read_exact(&mut h)
                .await
                .expect("a close frame before the socket ends");
            let len = match h[1] & 0x7f {
                126 => {
                    let mut l = [0u8; 2];
                    tcp.read_exact(&mut l).await.unwrap();
                    u64::from(u16::from_be_bytes(l))
                }
                127 => {
                    let mut l = [0u8; 8];
                    tcp.read_exact(&mut l).await.unwrap();
                    u64::from_be_bytes(l)
                }
                n => u64::from(n),
            };
            let mut payload = vec![0u8; len as usize];
            tcp.read_exact(&mut payload).await.unwrap();
            if h[0] & 0x0f == 0x8 {
                let code = u16::from_be_bytes([payload[0], payload[1]]);
                return (code, String::from_utf8_lossy(&payload[2..]).into_owned());
            }
        }
    };
    tokio::time::timeout(PATIENCE, read)
        .await
        .expect("a close frame in time")
}

/// The broken frames and the code each must get.
fn cases() -> Vec<(&'static str, Vec<u8>, u16)> {
    vec![
        (
            "text that is not UTF-8",
            frame(0x81, &[0x68, 0xff, 0x69]),
            1007,
        ),
        ("RSV1 set without an extension", frame(0xC2, b"x"), 1002),
        ("reserved opcode 0x3", frame(0x83, b"x"), 1002),
        (
            "continuation with nothing to continue",
            frame(0x80, b"x"),
            1002,
        ),
        ("a 126-byte ping", frame(0x89, &[b'p'; 126]), 1002),
        ("a 1-byte close payload", frame(0x88, &[0x03]), 1002),
        (
            "a close reason that is not UTF-8",
            frame(0x88, &[0x03, 0xe8, 0xff]),
            1007,
        ),
    ]
}

async fn check_endpoint(server: &TestServer, path: &str) {
    for (what, bytes, want) in cases() {
        let mut tcp = upgrade(server.addr, path).await;
        tcp.write_all(&bytes).await.unwrap();
        let (code, reason) = close_code(&mut tcp).await;
        assert_eq!(code, want, "{path}: {what} (reason {reason:?})");
    }
}

#[tokio::test]
async fn the_session_socket_closes_broken_frames_with_their_codes() {
    let server = TestServer::start().await;
    check_endpoint(&server, "/ws").await;
}

#[tokio::test]
async fn the_echo_socket_closes_broken_frames_with_their_codes() {
    let server = TestServer::start().await;
    check_endpoint(&server, protocol::ws::WS_ECHO_PATH).await;
}

#[tokio::test]
async fn the_race_socket_closes_broken_frames_with_their_codes() {
    let server = TestServer::start().await;
    check_endpoint(&server, &format!("/ws/race?n=1000&client={KEY}")).await;
}

#[tokio::test]
async fn the_chat_socket_closes_broken_frames_with_their_codes() {
    let server = TestServer::start().await;
    check_endpoint(
        &server,
        &format!("/ws/chat?room=frames&name=F&client={KEY}"),
    )
    .await;
}

#[tokio::test]
async fn the_observer_socket_closes_broken_frames_with_their_codes() {
    let server = TestServer::start().await;
    check_endpoint(&server, &format!("/ws/observe?client={KEY}")).await;
}

#[tokio::test]
async fn a_message_over_the_race_cap_gets_1009_in_a_close_frame() {
    let server = TestServer::start().await;
    let mut tcp = upgrade(server.addr, &format!("/ws/race?n=10&client={KEY}")).await;
    tcp.write_all(&frame(0x82, &vec![0u8; 300 * 1024]))
        .await
        .unwrap();
    assert_eq!(close_code(&mut tcp).await.0, 1009);
}
