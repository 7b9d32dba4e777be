//! `GET /ws`: upgrade to a WebSocket session that echoes [`protocol::ClientMsg`]s.
//!
//! One task per session. Bad input never ends anyone else's session: a malformed message
//! gets a [`ServerMsg::Error`] and the session stays open; a message over
//! [`WS_MAX_MESSAGE_BYTES`] ends *this* session with 1009.

use std::ops::ControlFlow;

use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use protocol::limits::WS_MAX_MESSAGE_BYTES;
use protocol::ws::WsErrorCode;
use protocol::{ClientMsg, ServerMsg, close_code};

use crate::clock::unix_us;
use crate::error::AppError;
use crate::state::AppState;

/// tungstenite's own ceiling, above our cap so that a message between the two is still
/// read and answered with a clean 1009 close; anything larger fails inside tungstenite
/// without being buffered whole.
const WS_HARD_LIMIT_BYTES: usize = 4 * WS_MAX_MESSAGE_BYTES;

pub(crate) async fn upgrade(
    State(state): State<AppState>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    Ok(ws
        .max_message_size(WS_HARD_LIMIT_BYTES)
        .max_frame_size(WS_HARD_LIMIT_BYTES)
        .on_upgrade(move |socket| session(socket, state)))
}

async fn session(mut socket: WebSocket, state: AppState) {
    let id = state.next_session_id();
    tracing::debug!(session = id, "websocket open");
    let welcome = ServerMsg::Welcome {
        session: id,
        max_message_bytes: WS_MAX_MESSAGE_BYTES as u64,
    };
    if send(&mut socket, &welcome).await.is_err() {
        return;
    }
    loop {
        let next = tokio::select! {
            () = state.shutdown.cancelled() => {
                close(&mut socket, close_code::GOING_AWAY, "server shutting down").await;
                break;
            }
            next = socket.recv() => next,
        };
        let msg = match next {
            Some(Ok(msg)) => msg,
            Some(Err(err)) => {
                // Most often tungstenite refusing a message over WS_HARD_LIMIT_BYTES.
                tracing::debug!(session = id, %err, "websocket read error");
                close(
                    &mut socket,
                    close_code::TOO_BIG,
                    "message too big or malformed frame",
                )
                .await;
                break;
            }
            None => break,
        };
        if handle(&mut socket, msg).await.is_break() {
            break;
        }
    }
    tracing::debug!(session = id, "websocket closed");
}

async fn handle(socket: &mut WebSocket, msg: Message) -> ControlFlow<()> {
    let received = unix_us();
    let len = match &msg {
        Message::Text(t) => t.len(),
        Message::Binary(b) => b.len(),
        _ => 0,
    };
    if len > WS_MAX_MESSAGE_BYTES {
        let reason = format!("message of {len} bytes exceeds {WS_MAX_MESSAGE_BYTES}");
        close(socket, close_code::TOO_BIG, &reason).await;
        return ControlFlow::Break(());
    }
    let sent = match msg {
        Message::Text(text) => {
            let reply = match serde_json::from_str::<ClientMsg>(&text) {
                Ok(ClientMsg::Echo { seq, payload }) => ServerMsg::Echo {
                    seq,
                    payload_bytes: payload.len() as u64,
                    payload,
                    server_received_unix_us: received,
                },
                Err(err) => ServerMsg::Error {
                    code: WsErrorCode::MalformedMessage,
                    message: err.to_string(),
                },
            };
            send(socket, &reply).await
        }
        // Binary frames carry a raw payload: echoed back unchanged.
        Message::Binary(bytes) => socket.send(Message::Binary(bytes)).await,
        // tungstenite answers pings itself; a close is answered by tungstenite too.
        Message::Ping(_) | Message::Pong(_) => Ok(()),
        // tungstenite has queued its close reply; it goes out on the next read, which
        // then ends the stream. Breaking here would drop the socket before the reply
        // and the page would see 1006 instead of a clean close.
        Message::Close(_) => Ok(()),
    };
    if sent.is_err() {
        ControlFlow::Break(())
    } else {
        ControlFlow::Continue(())
    }
}

async fn send(socket: &mut WebSocket, msg: &ServerMsg) -> Result<(), axum::Error> {
    // Serialising our own enum cannot fail (no maps with non-string keys, no floats NaN).
    let text = serde_json::to_string(msg).unwrap_or_default();
    socket.send(Message::Text(Utf8Bytes::from(text))).await
}

async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from(reason),
    };
    // The peer may already be gone; nothing more to do then.
    let _ = socket.send(Message::Close(Some(frame))).await;
}
