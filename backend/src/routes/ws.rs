//! `GET /ws` (`protocol::ws::WS_PATH`; its query, `protocol::observe::WsQuery`, is read by
//! the connection layer): upgrade to a WebSocket session (see [`session`]).
//!
//! The handler keeps a copy of the Upgrade request's headers and of its own `101`
//! response's headers, so the session can show the page the handshake for what it is: an
//! HTTP request that became a WebSocket. It offers [`protocol::ws::SUBPROTOCOL`].

mod session;

use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::HeaderMap;
use axum::response::Response;
use protocol::lab::HeaderLine;
use protocol::limits::WS_MAX_MESSAGE_BYTES;
use protocol::ws::SUBPROTOCOL;

use super::header_lines;
use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::state::Sessions;

/// tungstenite's own ceiling, above our cap so that a message between the two is still
/// read and answered with a clean 1009 close; anything larger fails inside tungstenite
/// without being buffered whole.
const WS_HARD_LIMIT_BYTES: usize = 4 * WS_MAX_MESSAGE_BYTES;

/// What the session knows of its own handshake.
#[derive(Debug, Default)]
pub(crate) struct Handshake {
    pub(crate) request: Vec<HeaderLine>,
    /// Filled in once the `101` response exists (before the upgrade completes).
    pub(crate) response: OnceLock<Vec<HeaderLine>>,
}

pub(crate) async fn upgrade(
    State(sessions): State<Sessions>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    let handshake = Arc::new(Handshake {
        request: header_lines(&headers),
        response: OnceLock::new(),
    });
    let record = on_conn.map(|axum::Extension(c)| c.handle.0);
    let shared = Arc::clone(&handshake);
    let response = ws
        .protocols([SUBPROTOCOL])
        .max_message_size(WS_HARD_LIMIT_BYTES)
        .max_frame_size(WS_HARD_LIMIT_BYTES)
        .on_upgrade(move |socket| session::run(socket, sessions, record, shared));
    let _ = handshake.response.set(header_lines(response.headers()));
    Ok(response)
}
