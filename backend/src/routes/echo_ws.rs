//! `GET /ws/echo` (`protocol::ws::WS_ECHO_PATH`): upgrade to the plain echo loop
//! ([`crate::echo_ws`]). Its query is `protocol::observe::WsQuery`, as on `/ws`: lenient
//! on unknown names (conformance tools such as kosoku append their own), a bad escape or a
//! repeated `client` → 400 `bad_query`. No subprotocol is offered.

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::response::Response;
use protocol::observe::WsQuery;

use crate::echo_ws;
use crate::error::AppError;
use crate::extract::{Params, Peer};
use crate::ws_loop::{self, WsLife};

pub(crate) async fn upgrade(
    State(life): State<WsLife>,
    Params(_): Params<WsQuery>,
    Peer(peer): Peer,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    Ok(ws_loop::sized(ws, &life, peer, echo_ws::HARD_LIMIT_BYTES)?
        .on_upgrade(move |socket| echo_ws::run(socket, life)))
}
