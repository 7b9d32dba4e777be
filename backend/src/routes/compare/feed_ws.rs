//! `GET /ws/feed?feed=&run=&client=`: the feed pushed over a WebSocket, one text message
//! (a `FeedEvent` as JSON) per event, then a 1000 close "feed ended". The page sends
//! nothing; a data message from it ends the session with 1003.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use protocol::ws::close_code;

use super::feed_http::{Cursor, hold, reader};
use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::routes::ws_close;
use crate::state::AppState;

pub(crate) async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    on_conn: Option<axum::Extension<OnConn>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let (feed, after, _) = reader(
        &state,
        &headers,
        raw.as_deref(),
        &["feed", "after", "run", "emu", "client"],
        true,
    )?;
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    let cursor = Cursor::new(
        feed,
        after,
        state.shutdown.clone(),
        hold(on_conn.as_deref()),
    );
    Ok(ws.on_upgrade(move |socket| push(socket, cursor)))
}

async fn push(mut socket: WebSocket, mut cursor: Cursor) {
    let (code, reason) = loop {
        tokio::select! {
            next = cursor.next() => match next {
                Some(Some(event)) => {
                    let text = serde_json::to_string(&event).unwrap_or_default();
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Some(None) => break (close_code::NORMAL, "feed ended"),
                None => break (close_code::GOING_AWAY, "server shutting down"),
            },
            msg = socket.recv() => match msg {
                None | Some(Err(_)) => return,
                Some(Ok(Message::Text(_) | Message::Binary(_))) => {
                    break (close_code::UNSUPPORTED, "this socket only pushes");
                }
                Some(Ok(Message::Close(_))) => {
                    while let Some(Ok(_)) = socket.recv().await {}
                    return;
                }
                Some(Ok(_)) => {}
            },
        }
    };
    ws_close(&mut socket, code, reason).await;
}
