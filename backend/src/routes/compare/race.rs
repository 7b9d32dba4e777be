//! The race's two echo endpoints. `POST /api/race` answers its body as its body
//! (`close=1`: and then closes the connection); `/ws/race` echoes binary messages, at
//! most `n` of them. Each round trip takes one token of the client's per-minute race
//! quota — a WebSocket takes its `n` at the handshake, so it is refused before upgrading.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use protocol::compare::{RACE_MAX_PAYLOAD_BYTES, RACE_ROUND_TRIPS_PER_MINUTE};
use protocol::lab::{LabParam, ParamProblem};
use protocol::ws::close_code;

use super::query::Query;
use crate::conn::tag::{OnConn, key_of};
use crate::error::AppError;
use crate::routes::{quota_key, ws_close};
use crate::state::AppState;

/// `POST /api/race`.
pub(crate) async fn http(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    on_conn: Option<axum::Extension<OnConn>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let q = Query::parse(raw.as_deref(), &["run", "close", "emu", "client", "i"])?;
    q.id("run")?;
    q.id("i")?;
    q.emu()?;
    let close = q.num(LabParam::Close)? == Some(1);
    let body = body.map_err(|_| too_large())?;
    if body.len() as u64 > RACE_MAX_PAYLOAD_BYTES {
        return Err(too_large());
    }
    let who = quota_key(key_of(&headers, raw.as_deref()), on_conn.as_deref());
    take_round_trips(&state, &who, 1)?;
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if close {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

fn too_large() -> AppError {
    AppError::BadParam {
        param: LabParam::PayloadBytes,
        problem: ParamProblem::TooLarge,
    }
}

fn take_round_trips(state: &AppState, who: &str, n: u64) -> Result<(), AppError> {
    state
        .quotas
        .race_round_trips
        .take(who, n)
        .map_err(|wait| AppError::RateLimited {
            what: "race round trips",
            limit: RACE_ROUND_TRIPS_PER_MINUTE,
            unit: "round trips",
            retry_after_s: wait.as_secs().max(1),
        })
}

/// `GET /ws/race?n=&run=&client=&emu=`.
pub(crate) async fn ws(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    on_conn: Option<axum::Extension<OnConn>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let q = Query::parse(raw.as_deref(), &["run", "n", "emu", "client"])?;
    q.id("run")?;
    q.emu()?;
    let n = q.need_num(LabParam::RoundTrips)?;
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    let who = quota_key(key_of(&headers, raw.as_deref()), on_conn.as_deref());
    take_round_trips(&state, &who, n)?;
    let hold = on_conn.and_then(|c| c.tally.as_ref().map(|t| t.hold()));
    let limit = RACE_MAX_PAYLOAD_BYTES as usize;
    Ok(ws
        .max_message_size(limit * 4)
        .max_frame_size(limit * 4)
        .on_upgrade(move |socket| async move {
            let _hold = hold;
            echo(socket, state, n).await;
        }))
}

/// Echoes up to `n` binary messages; anything else ends the session with a close code
/// that says why.
async fn echo(mut socket: WebSocket, state: AppState, n: u64) {
    let mut echoed = 0u64;
    let idle = state.ws_idle_timeout;
    let (code, reason) = loop {
        let msg = tokio::select! {
            () = state.shutdown.cancelled() => break (close_code::GOING_AWAY, "server shutting down"),
            msg = tokio::time::timeout(idle, socket.recv()) => msg,
        };
        match msg {
            Err(_) => break (close_code::GOING_AWAY, "idle for too long"),
            Ok(None | Some(Err(_))) => return,
            Ok(Some(Ok(Message::Binary(bytes)))) => {
                if bytes.len() as u64 > RACE_MAX_PAYLOAD_BYTES {
                    break (close_code::TOO_BIG, "payload over the race limit");
                }
                if echoed == n {
                    break (close_code::POLICY, "more round trips than n");
                }
                echoed += 1;
                if socket.send(Message::Binary(bytes)).await.is_err() {
                    return;
                }
            }
            Ok(Some(Ok(Message::Text(_)))) => {
                break (close_code::UNSUPPORTED, "binary messages only");
            }
            Ok(Some(Ok(Message::Close(_)))) => {
                // tungstenite answers the close; drain until the socket ends.
                let drain = async { while let Some(Ok(_)) = socket.recv().await {} };
                let _ = tokio::time::timeout(Duration::from_secs(5), drain).await;
                return;
            }
            Ok(Some(Ok(_))) => {}
        }
    };
    ws_close(&mut socket, code, reason).await;
}
