//! `GET /ws` (`protocol::ws::WS_PATH`): upgrade to a command session ([`crate::session`]).
//! Its query, `protocol::observe::WsQuery`, is decoded here (lenient on unknown names:
//! conformance tools append their own; a bad escape or a repeated `client` → 400
//! `bad_query`); the key in it is what the connection layer tagged the connection with.
//!
//! The handler keeps a copy of the Upgrade request's headers and of its own `101`
//! response's headers (a [`Handshake`]), so the session can show the page the handshake
//! for what it is. It offers [`protocol::ws::SUBPROTOCOL`] and sets tungstenite's limits
//! to [`session::HARD_LIMIT_BYTES`].

use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::HeaderMap;
use axum::response::Response;
use protocol::observe::WsQuery;
use protocol::ws::SUBPROTOCOL;

use super::header_lines;
use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::extract::{Params, Peer};
use crate::session::{self, Handshake, Sessions};
use crate::ws_loop;

pub(crate) async fn upgrade(
    State(sessions): State<Sessions>,
    Params(_): Params<WsQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    Peer(peer): Peer,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    let handshake = Arc::new(Handshake {
        request: header_lines(&headers),
        response: OnceLock::new(),
    });
    let record = on_conn.map(|axum::Extension(c)| c.handle.0);
    let shared = Arc::clone(&handshake);
    let response = ws_loop::sized(ws, &sessions.life, peer, session::HARD_LIMIT_BYTES)?
        .protocols([SUBPROTOCOL])
        .on_upgrade(move |socket| session::run(socket, sessions, record, shared));
    let _ = handshake.response.set(header_lines(response.headers()));
    Ok(response)
}
