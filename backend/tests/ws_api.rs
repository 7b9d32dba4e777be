//! The `/ws` echo session over real TCP with tokio-tungstenite: text and binary echo,
//! malformed input answered in-band, oversize messages closed with 1009, shutdown with
//! 1001, and a misbehaving session never disturbing a well-behaved one.

mod common;

use std::time::Duration;

use common::TestServer;
use futures_util::{SinkExt, StreamExt};
use protocol::limits::WS_MAX_MESSAGE_BYTES;
use protocol::ws::{WsErrorCode, frame_header_bytes};
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

/// The next text frame as a [`ServerMsg`]; pings and pongs are skipped (tungstenite
/// answers pings itself, as a browser does).
async fn next_server_msg(ws: &mut Ws) -> ServerMsg {
    loop {
        match next(ws).await {
            Message::Text(t) => return serde_json::from_str(&t).expect("a protocol::ServerMsg"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

async fn open(server: &TestServer) -> (Ws, u64) {
    let (mut ws, resp) = connect_async(server.ws_url()).await.expect("handshake");
    assert_eq!(resp.status(), 101);
    match next_server_msg(&mut ws).await {
        ServerMsg::Welcome {
            session,
            max_message_bytes,
            conn,
            ..
        } => {
            assert!(conn.is_some(), "the session names its TCP connection");
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
                frame_bytes,
            } => {
                let text_len = serde_json::to_string(&ClientMsg::Echo {
                    seq,
                    payload: payload.clone(),
                })
                .unwrap()
                .len() as u64;
                assert_eq!(frame_bytes, text_len + frame_header_bytes(text_len, true));
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
    match next_server_msg(&mut ws).await {
        ServerMsg::BinaryReceived {
            payload_bytes,
            frame_bytes,
        } => {
            assert_eq!(payload_bytes, 5000);
            assert_eq!(frame_bytes, 5000 + 8, "2 + 2 length + 4 mask");
        }
        other => panic!("expected the binary note, got {other:?}"),
    }
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

/// Reads server messages until `pred` picks one out (others are skipped).
async fn until<T>(ws: &mut Ws, what: &str, mut pred: impl FnMut(ServerMsg) -> Option<T>) -> T {
    tokio::time::timeout(PATIENCE, async {
        loop {
            if let Some(v) = pred(next_server_msg(ws).await) {
                return v;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {what} in time"))
}

#[tokio::test]
async fn ticker_pushes_exactly_the_count_at_about_the_rate() {
    let server = TestServer::start().await;
    let (mut ws, _) = open(&server).await;
    send(
        &mut ws,
        &ClientMsg::StartTicker {
            rate_hz: 20,
            count: 10,
            payload_bytes: 32,
        },
    )
    .await;
    let mut arrivals = Vec::new();
    loop {
        match next_server_msg(&mut ws).await {
            ServerMsg::Push {
                n, count, payload, ..
            } => {
                assert_eq!(n as usize, arrivals.len() + 1, "in order, none missing");
                assert_eq!(count, 10);
                assert_eq!(payload.len(), 32);
                arrivals.push(std::time::Instant::now());
            }
            ServerMsg::TickerDone { sent, stopped } => {
                assert_eq!((sent, stopped), (10, false));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(arrivals.len(), 10, "exactly the requested count");
    // 9 intervals of 50 ms; generous bounds for a shared 2-core machine.
    let span = arrivals[9] - arrivals[0];
    assert!(
        span >= Duration::from_millis(350) && span <= Duration::from_millis(1500),
        "10 pushes at 20 Hz took {span:?}"
    );
    assert_echo_works(&mut ws, 1).await;

    // A stopped ticker says how many it sent.
    send(
        &mut ws,
        &ClientMsg::StartTicker {
            rate_hz: 10,
            count: 1000,
            payload_bytes: 0,
        },
    )
    .await;
    until(&mut ws, "a push", |m| {
        matches!(m, ServerMsg::Push { .. }).then_some(())
    })
    .await;
    send(&mut ws, &ClientMsg::StopTicker).await;
    let (sent, stopped) = until(&mut ws, "ticker done", |m| match m {
        ServerMsg::TickerDone { sent, stopped } => Some((sent, stopped)),
        _ => None,
    })
    .await;
    assert!(stopped && (1..1000).contains(&sent), "{sent} {stopped}");
}

#[tokio::test]
async fn server_close_carries_the_requested_code_and_reason() {
    let server = TestServer::start().await;
    let (mut ws, _) = open(&server).await;
    send(
        &mut ws,
        &ClientMsg::CloseMe {
            code: 4001,
            reason: "see you".into(),
        },
    )
    .await;
    assert_eq!(expect_close(&mut ws).await, (4001, "see you".to_owned()));
}

#[tokio::test]
async fn drop_ends_the_connection_without_a_close_frame() {
    let server = TestServer::start().await;
    let (mut good, _) = open(&server).await;
    let (mut ws, _) = open(&server).await;
    send(&mut ws, &ClientMsg::Drop).await;
    let ended = tokio::time::timeout(PATIENCE, ws.next())
        .await
        .expect("the server ends the connection");
    match ended {
        None | Some(Err(_)) => {}
        Some(Ok(Message::Close(frame))) => panic!("a close frame was sent: {frame:?}"),
        Some(Ok(other)) => panic!("unexpected {other:?}"),
    }
    assert_echo_works(&mut good, 1).await;
}

#[tokio::test]
async fn out_of_range_settings_are_refused_and_the_session_stays() {
    let server = TestServer::start().await;
    let (mut ws, _) = open(&server).await;
    for bad in [
        ClientMsg::StartTicker {
            rate_hz: 1000,
            count: 1,
            payload_bytes: 0,
        },
        ClientMsg::StartTicker {
            rate_hz: 1,
            count: 0,
            payload_bytes: 0,
        },
        ClientMsg::StartTicker {
            rate_hz: 1,
            count: 1,
            payload_bytes: 1 << 20,
        },
        ClientMsg::SetPing { interval_ms: 5 },
        ClientMsg::CloseMe {
            code: 1001,
            reason: String::new(),
        },
        ClientMsg::CloseMe {
            code: 4000,
            reason: "x".repeat(200),
        },
    ] {
        send(&mut ws, &bad).await;
        match next_server_msg(&mut ws).await {
            ServerMsg::Error { code, message } => {
                assert_eq!(code, WsErrorCode::OutOfRange, "{bad:?}");
                assert!(!message.is_empty());
            }
            other => panic!("expected a refusal of {bad:?}, got {other:?}"),
        }
    }
    assert_echo_works(&mut ws, 7).await;
}

#[tokio::test]
async fn a_flood_is_closed_with_1008_and_spares_other_sessions() {
    let server = TestServer::start().await;
    let (mut good, _) = open(&server).await;
    let (mut bad, _) = open(&server).await;
    // Messages that get no reply, so the flood is not slowed by unread replies.
    let quiet = serde_json::to_string(&ClientMsg::SetPing { interval_ms: 0 }).unwrap();
    let flood = protocol::ws::WS_FLOOD_BURST + 5 * protocol::ws::WS_MAX_MESSAGES_PER_SECOND;
    for _ in 0..flood {
        if bad.feed(Message::text(quiet.clone())).await.is_err() {
            break;
        }
    }
    let _ = bad.flush().await;
    let (code, reason) = expect_close(&mut bad).await;
    assert_eq!(code, close_code::POLICY);
    assert!(reason.contains("per second"), "{reason}");
    assert_echo_works(&mut good, 1).await;
}

#[tokio::test]
async fn an_idle_session_is_closed_with_a_reason() {
    let server =
        TestServer::start_with(|s| s.with_ws_idle_timeout(Duration::from_millis(300))).await;
    let (mut idle, _) = open(&server).await;
    let (code, reason) = expect_close(&mut idle).await;
    assert_eq!(code, close_code::GOING_AWAY);
    assert!(reason.contains("idle"), "{reason}");
    // A session that talks stays open past the timeout.
    let (mut busy, _) = open(&server).await;
    for seq in 0..6 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_echo_works(&mut busy, seq).await;
    }
}

#[tokio::test]
async fn pings_are_timed_by_the_server() {
    let server = TestServer::start().await;
    let (mut ws, _) = open(&server).await;
    send(&mut ws, &ClientMsg::SetPing { interval_ms: 100 }).await;
    // tokio-tungstenite answers pings while we read, as a browser does.
    for _ in 0..2 {
        let rtt = until(&mut ws, "a ping round trip", |m| match m {
            ServerMsg::PingRtt { rtt_us } => Some(rtt_us),
            _ => None,
        })
        .await;
        assert!(rtt > 0 && rtt < 1_000_000, "rtt {rtt} µs");
    }
    send(&mut ws, &ClientMsg::SetPing { interval_ms: 0 }).await;
    assert_echo_works(&mut ws, 1).await;
}

#[tokio::test]
async fn handshake_is_shown_and_the_subprotocol_chosen() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let server = TestServer::start().await;
    let mut req = server.ws_url().into_client_request().unwrap();
    req.headers_mut().insert(
        "sec-websocket-protocol",
        "chat.v9, duplex.v1".parse().unwrap(),
    );
    let (mut ws, resp) = connect_async(req).await.unwrap();
    assert_eq!(resp.headers()["sec-websocket-protocol"], "duplex.v1");
    match next_server_msg(&mut ws).await {
        ServerMsg::Welcome {
            subprotocol,
            request_headers,
            response_headers,
            ..
        } => {
            assert_eq!(subprotocol.as_deref(), Some("duplex.v1"));
            let has =
                |h: &[protocol::lab::HeaderLine], name: &str| h.iter().any(|l| l.name == name);
            assert!(has(&request_headers, "sec-websocket-key"));
            assert!(has(&request_headers, "upgrade"));
            assert!(has(&response_headers, "sec-websocket-accept"));
            assert!(has(&response_headers, "upgrade"));
        }
        other => panic!("expected welcome, got {other:?}"),
    }
    // Without an offer, no subprotocol.
    let (mut plain, _) = connect_async(server.ws_url()).await.unwrap();
    match next_server_msg(&mut plain).await {
        ServerMsg::Welcome { subprotocol, .. } => assert_eq!(subprotocol, None),
        other => panic!("expected welcome, got {other:?}"),
    }
}

#[tokio::test]
async fn clock_probes_report_receive_and_send_times() {
    let server = TestServer::start().await;
    let (mut ws, _) = open(&server).await;
    send(&mut ws, &ClientMsg::Clock { seq: 3 }).await;
    match next_server_msg(&mut ws).await {
        ServerMsg::Clock {
            seq,
            server_received_unix_us,
            server_sent_unix_us,
        } => {
            assert_eq!(seq, 3);
            assert!(server_received_unix_us <= server_sent_unix_us);
        }
        other => panic!("expected clock, got {other:?}"),
    }
}

/// `/ws` decodes its query (`protocol::observe::WsQuery`): a bad escape or a repeated
/// `client` refuses the handshake with the JSON 400 every endpoint sends; names it does
/// not know are passed over (conformance tools append their own).
#[tokio::test]
async fn a_bad_or_repeated_query_refuses_the_handshake_as_json() {
    use tokio_tungstenite::tungstenite::Error;
    const KEY: &str = "k-ws-query-test-0001";
    let server = TestServer::start().await;
    for query in [
        format!("client=%zz&client={KEY}"),
        format!("client={KEY}&client={KEY}"),
        format!("agent=%zz&client={KEY}"),
    ] {
        let url = format!("{}?{query}", server.ws_url());
        match connect_async(url).await {
            Err(Error::Http(resp)) => {
                assert_eq!(resp.status().as_u16(), 400, "{query}");
                let body: protocol::ErrorBody =
                    serde_json::from_slice(resp.body().as_deref().unwrap_or_default())
                        .expect("a JSON error body");
                assert_eq!(body.code, protocol::ErrorCode::BadQuery, "{query}");
            }
            Ok(_) => panic!("handshake accepted: {query}"),
            Err(other) => panic!("{query}: {other}"),
        }
    }
    let url = format!("{}?agent=kosoku&case=1&client={KEY}", server.ws_url());
    let (mut ws, _) = connect_async(url)
        .await
        .expect("unknown names are passed over");
    match next_server_msg(&mut ws).await {
        ServerMsg::Welcome { .. } => {}
        other => panic!("expected Welcome, got {other:?}"),
    }
}
