//! The feed over HTTP, adapted to the `feed` domain: `POST /api/feed` starts one,
//! `DELETE /api/feed?feed=` ends it early, and three ways to read it — short poll (answer
//! at once, maybe empty), long poll (answer when there is news, or after
//! `LONG_POLL_WAIT_MS`), and Server-Sent Events (one response that never ends until the
//! feed does). Each read takes one token of the client's feed quota.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use protocol::compare::{
    FEED_MAX_RATE_HZ, FeedBatch, FeedReadQuery, FeedStartQuery, FeedStarted, FeedStopQuery,
    LONG_POLL_WAIT_MS, SSE_END_EVENT,
};

use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::extract::{ClientKey, Params, Peer, Who};
use crate::feed::{Cursor, FeedHub};

/// `POST /api/feed?rate=&secs=`.
pub(crate) async fn start(
    State(hub): State<FeedHub>,
    Params(q): Params<FeedStartQuery>,
    headers: HeaderMap,
    Peer(peer): Peer,
) -> Result<Json<FeedStarted>, AppError> {
    let who = Who::keyed(ClientKey::of(&headers, q.client.as_deref())?, peer);
    let feed = hub.start(&who, q.rate_hz, q.seconds)?;
    Ok(Json(FeedStarted {
        feed: feed.id,
        rate_hz: q.rate_hz,
        seconds: q.seconds,
        total: u64::from(q.rate_hz) * u64::from(q.seconds),
    }))
}

/// `DELETE /api/feed?feed=`: no more events (readers get the end).
pub(crate) async fn stop(
    State(hub): State<FeedHub>,
    Params(q): Params<FeedStopQuery>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let ClientKey(key) = ClientKey::of(&headers, q.client.as_deref())?;
    hub.get(&key, q.feed)?.stop();
    Ok(StatusCode::NO_CONTENT)
}

fn no_store(batch: FeedBatch) -> Response {
    let mut r = Json(batch).into_response();
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

fn count_empty(on_conn: Option<&OnConn>, batch: &FeedBatch) {
    if let Some(t) = on_conn
        .and_then(|c| c.tally.as_ref())
        .filter(|_| batch.events.is_empty())
    {
        t.count_empty();
    }
}

/// `GET /api/feed/poll?feed=&after=`: short poll.
pub(crate) async fn poll(
    State(hub): State<FeedHub>,
    Params(q): Params<FeedReadQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    Peer(peer): Peer,
) -> Result<Response, AppError> {
    let who = Who::keyed(ClientKey::of(&headers, q.client.as_deref())?, peer);
    let feed = hub.read(&who, q.feed)?;
    let batch = feed.after(q.after.unwrap_or(0));
    count_empty(on_conn.as_deref(), &batch);
    Ok(no_store(batch))
}

/// `GET /api/feed/long?feed=&after=`: long poll.
pub(crate) async fn long(
    State(hub): State<FeedHub>,
    Params(q): Params<FeedReadQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    Peer(peer): Peer,
) -> Result<Response, AppError> {
    let who = Who::keyed(ClientKey::of(&headers, q.client.as_deref())?, peer);
    let feed = hub.read(&who, q.feed)?;
    let after = q.after.unwrap_or(0);
    let _slot = hub.long_poll(&who)?;
    let _hold = on_conn.as_deref().and_then(OnConn::hold);
    tokio::select! {
        () = feed.changed_after(after) => {}
        () = tokio::time::sleep(Duration::from_millis(LONG_POLL_WAIT_MS)) => {}
        () = hub.shutdown().cancelled() => {}
    }
    let batch = feed.after(after);
    count_empty(on_conn.as_deref(), &batch);
    Ok(no_store(batch))
}

/// `GET /api/feed/sse?feed=` (resumes after `Last-Event-ID` or `after`).
pub(crate) async fn sse(
    State(hub): State<FeedHub>,
    Params(q): Params<FeedReadQuery>,
    headers: HeaderMap,
    on_conn: Option<axum::Extension<OnConn>>,
    Peer(peer): Peer,
) -> Result<Response, AppError> {
    let who = Who::keyed(ClientKey::of(&headers, q.client.as_deref())?, peer);
    let feed = hub.read(&who, q.feed)?;
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(q.after.unwrap_or(0));
    let cursor = hub.cursor(feed, after, on_conn.as_deref().and_then(OnConn::hold));
    Ok(Sse::new(events(cursor))
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// The feed as SSE events: `id: <seq>`, `data: <FeedEvent JSON>`, and a last `end` event.
fn events(cursor: Cursor) -> impl Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::unfold(cursor, |mut cursor| async move {
        let event = match cursor.next().await? {
            Some(e) => Event::default()
                .id(e.seq.to_string())
                .data(serde_json::to_string(&e).unwrap_or_default()),
            // Not empty: a browser drops an event whose data is empty.
            None => Event::default().event(SSE_END_EVENT).data("end"),
        };
        Some((Ok(event), cursor))
    })
}

const _: () = assert!(FEED_MAX_RATE_HZ <= 1000);
