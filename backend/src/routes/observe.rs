//! `GET /ws/observe?client=KEY`: the page's live view of its own connections, as a
//! WebSocket (an SSE stream would hold one of the browser's six HTTP/1.1 connections per
//! host and disturb the lab it is watching; a WebSocket does not).
//!
//! The session sends `Hello` (naming the observer's own connection), a snapshot of the
//! client's live connections, then every event of its key's channel on the bus, and
//! `Missed { count }` when it fell behind. Other clients' events never reach it.

use std::sync::Arc;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use futures_util::SinkExt;
use protocol::close_code;
use protocol::observe::{ObserveMsg, valid_client_key};
use serde::Deserialize;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::state::AppState;

/// The query of `/ws/observe`. Private to the server: the page builds the URL from
/// `protocol::observe::CLIENT_PARAM`.
#[derive(Debug, Deserialize)]
pub(crate) struct ObserveQuery {
    client: Option<String>,
}

pub(crate) async fn upgrade(
    State(state): State<AppState>,
    Query(q): Query<ObserveQuery>,
    on_conn: Option<axum::Extension<OnConn>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let key = q.client.filter(|k| valid_client_key(k)).ok_or_else(|| {
        AppError::BadQuery(
            "`client` must be the page's key: 16–64 characters of A–Z, a–z, 0–9, - and _"
                .to_owned(),
        )
    })?;
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    let own = on_conn.map(|axum::Extension(c)| c.handle.id());
    Ok(ws.on_upgrade(move |socket| session(socket, state, Arc::from(key), own)))
}

async fn session(mut socket: WebSocket, state: AppState, key: Arc<str>, own: Option<u64>) {
    // Subscribe before the snapshot so nothing falls between them (the page ignores a
    // connection it already knows).
    let mut events = state.obs.subscribe(&key);
    let hello = ObserveMsg::Hello {
        observer_conn: own,
        now_us: state.obs.now_us(),
    };
    if send(&mut socket, &hello).await.is_err() {
        return;
    }
    for record in state.obs.live_of(&key) {
        let msg = ObserveMsg::Event {
            event: record.accepted_event(),
        };
        if send(&mut socket, &msg).await.is_err() {
            return;
        }
    }
    loop {
        let msg = tokio::select! {
            () = state.shutdown.cancelled() => {
                let frame = CloseFrame { code: close_code::GOING_AWAY, reason: Utf8Bytes::from_static("server shutting down") };
                let _ = socket.send(Message::Close(Some(frame))).await;
                return;
            }
            incoming = socket.recv() => match incoming {
                // The page has nothing to say on this channel; pings are answered by
                // tungstenite. Anything else is ignored.
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => continue,
            },
            event = events.recv() => match event {
                Ok(event) => ObserveMsg::Event { event: (*event).clone() },
                Err(RecvError::Lagged(count)) => ObserveMsg::Missed { count },
                Err(RecvError::Closed) => return,
            },
        };
        // Whatever else is already waiting goes out with it, flushed once: under load
        // a write per event would cost a syscall each and slow the server it watches.
        if feed(&mut socket, &msg).await.is_err() {
            return;
        }
        for _ in 0..BATCH {
            let more = match events.try_recv() {
                Ok(event) => ObserveMsg::Event {
                    event: (*event).clone(),
                },
                Err(TryRecvError::Lagged(count)) => ObserveMsg::Missed { count },
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Closed) => return,
            };
            if feed(&mut socket, &more).await.is_err() {
                return;
            }
        }
        if socket.flush().await.is_err() {
            return;
        }
    }
}

/// Most queued events sent per flush.
const BATCH: usize = 256;

async fn feed(socket: &mut WebSocket, msg: &ObserveMsg) -> Result<(), axum::Error> {
    let text = serde_json::to_string(msg).unwrap_or_default();
    socket.feed(Message::Text(Utf8Bytes::from(text))).await
}

async fn send(socket: &mut WebSocket, msg: &ObserveMsg) -> Result<(), axum::Error> {
    let text = serde_json::to_string(msg).unwrap_or_default();
    socket.send(Message::Text(Utf8Bytes::from(text))).await
}
