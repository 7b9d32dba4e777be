//! The connection observatory's session, apart from HTTP: the page's live view of its own
//! connections on an upgraded `/ws/observe` socket (`routes/observe.rs` upgrades and calls
//! [`run`]).
//!
//! The session sends `Hello` (naming the observer's own connection), a snapshot of the
//! client's live connections, then every event of its key's channel on the bus
//! ([`Observatory`]), and `Missed { count }` when it fell behind. Other clients' events
//! never reach it.

use std::sync::Arc;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::SinkExt;
use protocol::observe::ObserveMsg;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::conn::Observatory;
use crate::ws_loop::{self, End, WsLife};

/// Most queued events sent per flush.
const BATCH: usize = 256;

/// The loop (`ws_loop`'s shape) with one more source, the key's channel on the bus, and
/// no idle deadline (the page only listens). `own` is the observer's own connection.
pub(crate) async fn run(
    mut socket: WebSocket,
    obs: Arc<Observatory>,
    life: WsLife,
    key: Arc<str>,
    own: Option<u64>,
) {
    // Subscribe before the snapshot so nothing falls between them (the page ignores a
    // connection it already knows).
    let mut events = obs.subscribe(&key);
    let hello = ObserveMsg::Hello {
        observer_conn: own,
        now_us: obs.now_us(),
    };
    if send(&mut socket, &hello).await.is_err() {
        return;
    }
    for record in obs.live_of(&key) {
        let msg = ObserveMsg::Event {
            event: record.accepted_event(),
        };
        if send(&mut socket, &msg).await.is_err() {
            return;
        }
    }
    let end = loop {
        let msg = tokio::select! {
            () = life.shutdown.cancelled() => break End::shutting_down(),
            incoming = socket.recv() => match incoming {
                // The page closed: drain, so tungstenite's reply goes out (not 1006).
                Some(Ok(Message::Close(_))) => break End::Drain,
                // The page has nothing to say on this channel; pings are answered by
                // tungstenite. Anything else is ignored.
                Some(Ok(_)) => continue,
                Some(Err(err)) => break End::read_error(err),
                None => break End::Drop,
            },
            event = events.recv() => match event {
                Ok(event) => ObserveMsg::Event { event: (*event).clone() },
                Err(RecvError::Lagged(count)) => ObserveMsg::Missed { count },
                Err(RecvError::Closed) => break End::Drop,
            },
        };
        // Whatever else is already waiting goes out with it, flushed once: under load
        // a write per event would cost a syscall each and slow the server it watches.
        if feed(&mut socket, &msg).await.is_err() {
            break End::Drop;
        }
        let mut closed = false;
        for _ in 0..BATCH {
            let more = match events.try_recv() {
                Ok(event) => ObserveMsg::Event {
                    event: (*event).clone(),
                },
                Err(TryRecvError::Lagged(count)) => ObserveMsg::Missed { count },
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Closed) => {
                    closed = true;
                    break;
                }
            };
            if feed(&mut socket, &more).await.is_err() {
                closed = true;
                break;
            }
        }
        if closed || socket.flush().await.is_err() {
            break End::Drop;
        }
    };
    ws_loop::finish(&mut socket, end).await;
}

async fn feed(socket: &mut WebSocket, msg: &ObserveMsg) -> Result<(), axum::Error> {
    let text = serde_json::to_string(msg).unwrap_or_default();
    socket.feed(Message::Text(Utf8Bytes::from(text))).await
}

async fn send(socket: &mut WebSocket, msg: &ObserveMsg) -> Result<(), axum::Error> {
    let text = serde_json::to_string(msg).unwrap_or_default();
    socket.send(Message::Text(Utf8Bytes::from(text))).await
}
