//! The chat room over WebSocket and HTTP, adapted to the `chat` domain (`crate::chat`):
//! `GET /ws/chat` joins for the socket's life; `POST /api/chat` joins as a polling member,
//! `POST /api/chat/send` says something, `GET /api/chat/poll` and `/api/chat/long` read
//! (short and long poll), `DELETE /api/chat` leaves. Every request needs the page's client
//! key (rooms are counted per client); refusals are `ChatError`s turned into `AppError`s.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use protocol::chat::{
    CHAT_MAX_MESSAGE_BYTES, ChatBatch, ChatJoinQuery, ChatJoined, ChatMemberQuery, ChatReadQuery,
    ChatSay, ChatSent,
};

use crate::chat::{self, ChatHub};
use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::extract::{ClientKey, Params, Peer, Who};
use crate::ws_loop;

/// `GET /ws/chat?room=&name=&client=`: the caps are checked before the `101` (a refusal
/// is an HTTP status with the JSON body), then the session runs in `chat::ws::run`.
pub(crate) async fn upgrade(
    State(hub): State<ChatHub>,
    Params(q): Params<ChatJoinQuery>,
    headers: HeaderMap,
    Peer(peer): Peer,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let who = Who::keyed(ClientKey::of(&headers, q.client.as_deref())?, peer);
    let ws = ws.map_err(|_| AppError::UpgradeRequired)?;
    let upgrade = ws_loop::sized(ws, &hub.life, peer, chat::ws::HARD_LIMIT_BYTES)?;
    let join = hub.join_ws(&q.room, &q.name, &who).await?;
    let life = hub.life.clone();
    Ok(upgrade.on_upgrade(move |socket| chat::ws::run(socket, life, join)))
}

/// `POST /api/chat?room=&name=&client=`: joins as a polling member.
pub(crate) async fn join(
    State(hub): State<ChatHub>,
    Params(q): Params<ChatJoinQuery>,
    headers: HeaderMap,
    Peer(peer): Peer,
) -> Result<Json<ChatJoined>, AppError> {
    let who = Who::keyed(ClientKey::of(&headers, q.client.as_deref())?, peer);
    Ok(Json(hub.join_http(&q.room, &q.name, &who).await?))
}

/// `POST /api/chat/send?room=&member=&client=`, body `ChatSay`.
pub(crate) async fn send(
    State(hub): State<ChatHub>,
    Params(q): Params<ChatMemberQuery>,
    headers: HeaderMap,
    body: Result<Json<ChatSay>, JsonRejection>,
) -> Result<Json<ChatSent>, AppError> {
    let ClientKey(key) = ClientKey::of(&headers, q.client.as_deref())?;
    let Json(say) = body.map_err(|rejection| match rejection {
        JsonRejection::BytesRejection(r) => AppError::from_body(
            &r,
            AppError::PayloadTooLarge {
                what: "a chat message",
                limit: CHAT_MAX_MESSAGE_BYTES,
            },
        ),
        other => AppError::from(other),
    })?;
    Ok(Json(hub.say_http(&q.room, &q.member, &key, &say).await?))
}

/// `DELETE /api/chat?room=&member=&client=`: leaves (presence "left").
pub(crate) async fn leave(
    State(hub): State<ChatHub>,
    Params(q): Params<ChatMemberQuery>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let ClientKey(key) = ClientKey::of(&headers, q.client.as_deref())?;
    hub.leave_http(&q.room, &q.member, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/chat/poll?room=&member=&after=&client=`: short poll.
pub(crate) async fn poll(
    hub: State<ChatHub>,
    q: Params<ChatReadQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    peer: Peer,
) -> Result<Response, AppError> {
    read(hub, q, headers, on_conn, peer, false).await
}

/// `GET /api/chat/long?room=&member=&after=&client=`: long poll.
pub(crate) async fn long(
    hub: State<ChatHub>,
    q: Params<ChatReadQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    peer: Peer,
) -> Result<Response, AppError> {
    read(hub, q, headers, on_conn, peer, true).await
}

async fn read(
    State(hub): State<ChatHub>,
    Params(q): Params<ChatReadQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    Peer(peer): Peer,
    long: bool,
) -> Result<Response, AppError> {
    let who = Who::keyed(ClientKey::of(&headers, q.client.as_deref())?, peer);
    let _hold = long
        .then(|| on_conn.as_deref().and_then(OnConn::hold))
        .flatten();
    let batch = hub.read(&q.room, &q.member, q.after, &who, long).await?;
    if let Some(t) = on_conn
        .as_deref()
        .and_then(|c| c.tally.as_ref())
        .filter(|_| batch.events.is_empty())
    {
        t.count_empty();
    }
    Ok(no_store(batch))
}

fn no_store(batch: ChatBatch) -> Response {
    let mut r = Json(batch).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
