//! `GET /ws/feed?feed=&run=&client=`: the feed pushed over a WebSocket. The handler takes
//! one read of the client's feed quota, upgrades, and hands the socket and a cursor to
//! [`crate::feed::ws::run`] (one message per event, then a 1000 close "feed ended").

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::HeaderMap;
use axum::response::Response;
use protocol::compare::FeedReadQuery;

use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::extract::{ClientKey, Params, Peer, Who};
use crate::feed::{self, FeedHub};
use crate::ws_loop::{self, WsLife};

pub(crate) async fn upgrade(
    State(hub): State<FeedHub>,
    State(life): State<WsLife>,
    Params(q): Params<FeedReadQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    Peer(peer): Peer,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let who = Who::keyed(ClientKey::of(&headers, q.client.as_deref())?, peer);
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    // The page sends nothing here but its close: any message over the protocol's cap ends it.
    let ws = ws_loop::sized(ws, &life, peer, protocol::limits::WS_MAX_MESSAGE_BYTES)?;
    let feed = hub.read(&who, q.feed)?;
    let hold = on_conn.as_deref().and_then(OnConn::hold);
    let cursor = hub.cursor(feed, q.after.unwrap_or(0), hold);
    Ok(ws.on_upgrade(move |socket| feed::ws::run(socket, cursor)))
}
