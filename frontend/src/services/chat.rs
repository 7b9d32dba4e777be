//! The chat room's network calls and addresses: the WebSocket member's address, and the
//! HTTP member's join, send, short or long poll (cancellable) and leave — each answer
//! with the size of its body, so the page can count what polling costs.

use gloo_net::http::Request;
use protocol::chat::{
    CHAT_LONG_PATH, CHAT_PATH, CHAT_POLL_PATH, CHAT_SEND_PATH, CHAT_WS_PATH, ChatBatch,
    ChatJoinQuery, ChatJoined, ChatMemberQuery, ChatReadQuery, ChatSay,
};
use protocol::observe::CLIENT_HEADER;
use protocol::query::target;

use super::compare::Abort;
use crate::model::fetch::FetchError;

/// The WebSocket address of a member `name` of `room` (the client key goes in the query:
/// a handshake cannot carry the header).
pub(crate) fn ws_path(room: &str, name: &str, key: &str) -> String {
    let query = ChatJoinQuery {
        room: room.to_owned(),
        name: name.to_owned(),
        client: Some(key.to_owned()),
        ..ChatJoinQuery::default()
    };
    target(CHAT_WS_PATH, &query)
}

/// Sends `request` and reads a 2xx answer's JSON body: the answer and its body's bytes.
async fn exchange<T: serde::de::DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<(T, u64), FetchError> {
    let resp = request
        .map_err(|_| FetchError::Network)?
        .send()
        .await
        .map_err(|_| FetchError::Network)?;
    if !resp.ok() {
        return Err(super::refusal(resp).await);
    }
    let text = resp.text().await.map_err(|_| FetchError::Network)?;
    let answer = crate::wire::decode(&text).ok_or(FetchError::Unexpected)?;
    Ok((answer, text.len() as u64))
}

fn url(path: &str, query: &impl protocol::query::QueryString) -> String {
    format!("{}{}", super::origin(), target(path, query))
}

fn member_query(room: &str, member: &str) -> ChatMemberQuery {
    ChatMemberQuery {
        room: room.to_owned(),
        member: member.to_owned(),
        ..ChatMemberQuery::default()
    }
}

/// Joins `room` as a polling member.
pub(crate) async fn join(
    room: &str,
    name: &str,
    key: &str,
) -> Result<(ChatJoined, u64), FetchError> {
    let query = ChatJoinQuery {
        room: room.to_owned(),
        name: name.to_owned(),
        ..ChatJoinQuery::default()
    };
    exchange(
        Request::post(&url(CHAT_PATH, &query))
            .header(CLIENT_HEADER, key)
            .build(),
    )
    .await
}

/// Says `say` as member `member`: the bytes of the body sent and received. The answer
/// (a `ChatSent`: the message's place) is not read: the message itself arrives by poll
/// with the same numbers, and not decoding it keeps the page smaller.
pub(crate) async fn send(
    room: &str,
    member: &str,
    key: &str,
    say: &ChatSay,
) -> Result<(u64, u64), FetchError> {
    let body = serde_json::to_string(say).unwrap_or_default();
    let up = body.len() as u64;
    let request = Request::post(&url(CHAT_SEND_PATH, &member_query(room, member)))
        .header(CLIENT_HEADER, key)
        .header("content-type", "application/json")
        .body(body);
    let (_, down): (serde::de::IgnoredAny, u64) = exchange(request).await?;
    Ok((up, down))
}

/// One poll (`long`: held by the server until there is news) for the events after
/// `after`; `abort` cancels it in flight.
pub(crate) async fn read(
    long: bool,
    room: &str,
    member: &str,
    after: u64,
    key: &str,
    abort: &Abort,
) -> Result<(ChatBatch, u64), FetchError> {
    let path = if long { CHAT_LONG_PATH } else { CHAT_POLL_PATH };
    let query = ChatReadQuery {
        room: room.to_owned(),
        member: member.to_owned(),
        after: Some(after),
        ..ChatReadQuery::default()
    };
    let signal = abort.signal();
    exchange(
        Request::get(&url(path, &query))
            .header(CLIENT_HEADER, key)
            .abort_signal(signal.as_ref())
            .build(),
    )
    .await
}

/// Leaves the room ("left" for everyone): whether the server answered.
pub(crate) async fn leave(room: &str, member: &str, key: &str) -> bool {
    let Ok(request) = Request::delete(&url(CHAT_PATH, &member_query(room, member)))
        .header(CLIENT_HEADER, key)
        .build()
    else {
        return false;
    };
    request.send().await.is_ok_and(|r| r.ok())
}
