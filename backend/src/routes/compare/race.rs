//! The race's two echo endpoints over the `race` domain. `POST /api/race` answers its body
//! as its body (`close=1`: and then closes the connection); `/ws/race` echoes binary
//! messages, at most `n` of them (the quota takes all `n` before upgrading).

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use protocol::compare::{RACE_MAX_PAYLOAD_BYTES, RaceHttpQuery, RaceWsQuery};
use protocol::ws::close_code;

use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::extract::{Params, Who};
use crate::race::{Echoes, Race, RaceError};
use crate::ws_loop::{self, End, WsLife};

/// `POST /api/race`.
pub(crate) async fn http(
    State(race): State<Race>,
    Params(q): Params<RaceHttpQuery>,
    Who(who): Who,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let body = body.map_err(|_| RaceError::PayloadTooLarge)?;
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
    Who(who): Who,
    on_conn: Option<axum::Extension<OnConn>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    let echoes = race.socket(&who, q.n)?;
    let hold = on_conn.and_then(|c| c.hold());
    let limit = RACE_MAX_PAYLOAD_BYTES as usize;
    Ok(ws
        .max_message_size(limit * 4)
        .max_frame_size(limit * 4)
        .on_upgrade(move |socket| async move {
            let _hold = hold;
            echo(socket, life, echoes).await;
        }))
}

/// Echoes the binary messages `echoes` admits; anything else ends the session with a
/// close code that says why.
async fn echo(mut socket: WebSocket, life: WsLife, mut echoes: Echoes) {
    let end = loop {
        let msg = tokio::select! {
            () = life.shutdown.cancelled() => break End::shutting_down(),
            msg = tokio::time::timeout(life.idle, socket.recv()) => msg,
        };
        match msg {
            Err(_) => break End::close(close_code::GOING_AWAY, "idle for too long"),
            Ok(None | Some(Err(_))) => break End::Drop,
            Ok(Some(Ok(Message::Binary(bytes)))) => {
                if let Err((code, reason)) = echoes.admit(bytes.len()) {
                    break End::close(code, reason);
                }
                if socket.send(Message::Binary(bytes)).await.is_err() {
                    break End::Drop;
                }
            }
            Ok(Some(Ok(Message::Text(_)))) => {
                break End::close(close_code::UNSUPPORTED, "binary messages only");
            }
            // tungstenite answers the close; drain until the socket ends.
            Ok(Some(Ok(Message::Close(_)))) => break End::Drain,
            Ok(Some(Ok(_))) => {}
        }
    };
    ws_loop::finish(&mut socket, end).await;
}
