//! `GET /ws/feed?feed=&run=&client=`: the feed pushed over a WebSocket, one text message
//! (a `FeedEvent` as JSON) per event, then a 1000 close "feed ended". The page sends
//! nothing; a data message from it ends the session with 1003.

use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use protocol::compare::FeedReadQuery;
use protocol::ws::close_code;

use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::extract::{ClientKey, Params};
use crate::feed::{Cursor, FeedHub};
use crate::ws_loop::{self, End};

pub(crate) async fn upgrade(
    State(hub): State<FeedHub>,
    Params(q): Params<FeedReadQuery>,
    ClientKey(key): ClientKey,
    on_conn: Option<axum::Extension<OnConn>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let feed = hub.read(&key, q.feed)?;
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    let hold = on_conn.as_deref().and_then(OnConn::hold);
    let cursor = hub.cursor(feed, q.after.unwrap_or(0), hold);
    Ok(ws.on_upgrade(move |socket| push(socket, cursor)))
}

/// The loop (`ws_loop`'s shape): the cursor ends it on shutdown, so it has no branch of
/// its own for that, and no idle deadline (the page only listens).
async fn push(mut socket: WebSocket, mut cursor: Cursor) {
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
                None | Some(Err(_)) => break End::Drop,
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
