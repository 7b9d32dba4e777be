//! The feed pushed over an upgraded `/ws/feed` socket, apart from HTTP: one text message
//! (a `FeedEvent` as JSON) per event from a [`Cursor`], then a 1000 close "feed ended".
//! The page sends nothing; a data message from it ends the session with 1003.
//! `routes/compare/feed_ws.rs` upgrades and calls [`run`].

use axum::extract::ws::{Message, WebSocket};
use protocol::ws::close_code;

use super::Cursor;
use crate::ws_loop::{self, End};

/// The loop (`ws_loop`'s shape): the cursor ends it on shutdown, so it has no branch of
/// its own for that, and no idle deadline (the page only listens).
pub(crate) async fn run(mut socket: WebSocket, mut cursor: Cursor) {
    let end = loop {
        tokio::select! {
            next = cursor.next() => match next {
                Some(Some(event)) => {
                    let text = serde_json::to_string(&event).unwrap_or_default();
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break End::Drop;
                    }
                }
                Some(None) => break End::close(close_code::NORMAL, "feed ended"),
                None => break End::shutting_down(),
            },
            msg = socket.recv() => match msg {
                None => break End::Drop,
                Some(Err(err)) => break End::read_error(err),
                Some(Ok(Message::Text(_) | Message::Binary(_))) => {
                    break End::close(close_code::UNSUPPORTED, "this socket only pushes");
                }
                Some(Ok(Message::Close(_))) => break End::Drain,
                Some(Ok(_)) => {}
            },
        }
    };
    ws_loop::finish(&mut socket, end).await;
}
