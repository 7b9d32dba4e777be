//! `GET /ws/observe?client=KEY`: the page's live view of its own connections, as a
//! WebSocket (an SSE stream would hold one of the browser's six HTTP/1.1 connections per
//! host and disturb the lab it is watching; a WebSocket does not). The handler upgrades
//! and hands the socket to [`crate::observe::run`].

use std::sync::Arc;

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::HeaderMap;
use axum::response::Response;
use protocol::observe::ObserveQuery;

use crate::conn::Observatory;
use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::extract::{ClientKey, Params, Peer};
use crate::observe;
use crate::ws_loop::{self, WsLife};

pub(crate) async fn upgrade(
    State(obs): State<Arc<Observatory>>,
    State(life): State<WsLife>,
    Params(q): Params<ObserveQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    Peer(peer): Peer,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    // The channel of the key the connection layer tagged this connection with (a
    // browser's handshake has no header, so it is the query's).
    let ClientKey(key) = ClientKey::of(&headers, Some(&q.client))?;
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    let own = on_conn.map(|axum::Extension(c)| c.handle.id());
    // The page sends nothing here but its close: any message over the protocol's cap ends it.
    let ws = ws_loop::sized(ws, &life, peer, protocol::limits::WS_MAX_MESSAGE_BYTES)?;
    Ok(ws.on_upgrade(move |socket| observe::run(socket, obs, life, Arc::from(key), own)))
}
