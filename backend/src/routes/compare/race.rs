//! The race's two echo endpoints over the `race` domain. `POST /api/race` answers its body
//! as its body (`close=1`: and then closes the connection); `/ws/race` takes all `n` round
//! trips from the quota before upgrading, then hands the socket to
//! [`crate::race::ws::run`], which echoes at most `n` binary messages.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use protocol::compare::{RaceHttpQuery, RaceWsQuery};

use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::extract::{Params, Peer, Who};
use crate::race::{Race, RaceError};
use crate::ws_loop::{self, WsLife};

/// `POST /api/race`.
pub(crate) async fn http(
    State(race): State<Race>,
    Params(q): Params<RaceHttpQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let who = Who::of(&headers, q.client.as_deref(), on_conn.as_deref());
    let body = body.map_err(|r| AppError::from_body(&r, RaceError::PayloadTooLarge.into()))?;
    race.round_trip(&who, body.len() as u64)?;
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if q.close {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

/// `GET /ws/race?n=&run=&client=&emu=`.
pub(crate) async fn ws(
    State(race): State<Race>,
    State(life): State<WsLife>,
    Params(q): Params<RaceWsQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    Peer(peer): Peer,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let who = Who::of(&headers, q.client.as_deref(), on_conn.as_deref());
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    // A place first, so a refused session takes nothing from the quota.
    let ws = ws_loop::sized(ws, &life, peer, crate::race::ws::HARD_LIMIT_BYTES)?;
    let echoes = race.socket(&who, q.n)?;
    let hold = on_conn.and_then(|c| c.hold());
    Ok(ws.on_upgrade(move |socket| crate::race::ws::run(socket, life, echoes, hold)))
}
