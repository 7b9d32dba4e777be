//! HTTP and WebSocket handlers, one module per endpoint, plus the JSON 404/405 fallbacks.

pub(crate) mod compare;
pub(crate) mod echo;
pub(crate) mod health;
pub(crate) mod lab;
pub(crate) mod observe;
pub(crate) mod ws;

use std::time::Duration;

use crate::conn::tag::OnConn;
use crate::error::AppError;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use axum::http::{HeaderMap, Uri};
use protocol::lab::HeaderLine;

/// Whose quota a request takes from: its client key, else its peer's IP address.
pub(crate) fn quota_key(key: Option<String>, on_conn: Option<&OnConn>) -> String {
    key.or_else(|| on_conn.map(|c| format!("ip:{}", c.handle.peer().ip())))
        .unwrap_or_else(|| "anonymous".to_owned())
}

/// Sends a close frame and waits (up to 5 s) for the page's reply, so the page sees our
/// code and a clean close rather than 1006.
pub(crate) async fn ws_close(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from(reason),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let drain = async { while let Some(Ok(_)) = socket.recv().await {} };
    let _ = tokio::time::timeout(Duration::from_secs(5), drain).await;
}

/// Request or response headers as the wire types carry them (names lower-case, values
/// lossily decoded).
pub(crate) fn header_lines(headers: &HeaderMap) -> Vec<HeaderLine> {
    headers
        .iter()
        .map(|(name, value)| HeaderLine {
            name: name.as_str().to_owned(),
            value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
        })
        .collect()
}

/// Unknown `/api/...` paths: JSON 404 rather than the page's `index.html`.
pub(crate) async fn not_found(uri: Uri) -> AppError {
    AppError::NotFound(uri.path().to_owned())
}

/// A known path with the wrong method.
pub(crate) async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
