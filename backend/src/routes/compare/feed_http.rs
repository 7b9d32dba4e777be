//! The feed over HTTP: `POST /api/feed` starts one, `DELETE /api/feed?feed=` ends it
//! early, and three ways to read it — short poll (answer at once, maybe empty), long poll
//! (answer when there is news, or after `LONG_POLL_WAIT_MS`), and Server-Sent Events (one
//! response that never ends until the feed does). Each read takes one token of the
//! client's feed quota.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use protocol::compare::{
    FEED_MAX_RATE_HZ, FEED_REQUESTS_PER_MINUTE, FeedBatch, FeedEvent, FeedStarted,
    LONG_POLL_WAIT_MS, SSE_END_EVENT,
};
use protocol::lab::LabParam;
use tokio_util::sync::CancellationToken;

use super::feed::Feed;
use super::query::Query;
use crate::conn::tag::{OnConn, key_of};
use crate::conn::tally::HoldGuard;
use crate::error::AppError;
use crate::state::AppState;

/// `POST /api/feed?rate=&secs=`.
pub(crate) async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<FeedStarted>, AppError> {
    let q = Query::parse(raw.as_deref(), &["rate", "secs", "client"])?;
    let rate = q.need_num(LabParam::FeedRateHz)? as u32;
    let secs = q.need_num(LabParam::FeedSeconds)? as u32;
    let key = key_of(&headers, raw.as_deref()).ok_or(AppError::NeedsClientKey)?;
    let feed = state
        .feeds
        .start(&key, rate, secs, &state.shutdown)
        .map_err(|_| AppError::TooManyFeeds)?;
    Ok(Json(FeedStarted {
        feed: feed.id,
        rate_hz: rate,
        seconds: secs,
        total: u64::from(rate) * u64::from(secs),
    }))
}

/// `DELETE /api/feed?feed=`: no more events (readers get the end).
pub(crate) async fn stop(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<StatusCode, AppError> {
    let (feed, _, _) = reader(&state, &headers, raw.as_deref(), &["feed", "client"], false)?;
    feed.stop();
    Ok(StatusCode::NO_CONTENT)
}

/// Checks a reader's query and quota; returns the feed, `after` (0 when absent) and the
/// client key.
pub(super) fn reader(
    state: &AppState,
    headers: &HeaderMap,
    raw: Option<&str>,
    known: &[&str],
    counts: bool,
) -> Result<(Arc<Feed>, u64, String), AppError> {
    let q = Query::parse(raw, known)?;
    q.emu()?;
    q.id("run")?;
    let id = q.need_id("feed")?;
    let after = q.id("after")?.unwrap_or(0);
    let key = key_of(headers, raw).ok_or(AppError::NeedsClientKey)?;
    if counts {
        state
            .quotas
            .feed_requests
            .take(&key, 1)
            .map_err(|wait| AppError::RateLimited {
                what: "feed requests",
                limit: FEED_REQUESTS_PER_MINUTE,
                unit: "requests",
                retry_after_s: wait.as_secs().max(1),
            })?;
    }
    let feed = state
        .feeds
        .get(id, &key)
        .ok_or_else(|| AppError::NotFound(format!("feed {id}")))?;
    Ok((feed, after, key))
}

const READ_PARAMS: [&str; 6] = ["feed", "after", "run", "emu", "client", "i"];

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
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    on_conn: Option<axum::Extension<OnConn>>,
) -> Result<Response, AppError> {
    let (feed, after, _) = reader(&state, &headers, raw.as_deref(), &READ_PARAMS, true)?;
    let batch = feed.after(after);
    count_empty(on_conn.as_deref(), &batch);
    Ok(no_store(batch))
}

/// `GET /api/feed/long?feed=&after=`: long poll.
pub(crate) async fn long(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    on_conn: Option<axum::Extension<OnConn>>,
) -> Result<Response, AppError> {
    let (feed, after, key) = reader(&state, &headers, raw.as_deref(), &READ_PARAMS, true)?;
    let _slot = state
        .feeds
        .long_poll(&key)
        .ok_or(AppError::TooManyLongPolls)?;
    let _hold = hold(on_conn.as_deref());
    tokio::select! {
        () = feed.changed_after(after) => {}
        () = tokio::time::sleep(Duration::from_millis(LONG_POLL_WAIT_MS)) => {}
        () = state.shutdown.cancelled() => {}
    }
    let batch = feed.after(after);
    count_empty(on_conn.as_deref(), &batch);
    Ok(no_store(batch))
}

pub(super) fn hold(on_conn: Option<&OnConn>) -> Option<HoldGuard> {
    on_conn.and_then(|c| c.tally.as_ref().map(|t| t.hold()))
}

/// `GET /api/feed/sse?feed=` (resumes after `Last-Event-ID` or `after`).
pub(crate) async fn sse(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    on_conn: Option<axum::Extension<OnConn>>,
) -> Result<Response, AppError> {
    let (feed, after, _) = reader(&state, &headers, raw.as_deref(), &READ_PARAMS, true)?;
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(after);
    let guard = hold(on_conn.as_deref());
    let stream = events(feed, after, state.shutdown.clone(), guard);
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// A reader's position in a feed.
pub(super) struct Cursor {
    feed: Arc<Feed>,
    after: u64,
    queued: VecDeque<FeedEvent>,
    done: bool,
    shutdown: CancellationToken,
    _hold: Option<HoldGuard>,
}

impl Cursor {
    pub(super) fn new(
        feed: Arc<Feed>,
        after: u64,
        shutdown: CancellationToken,
        hold: Option<HoldGuard>,
    ) -> Self {
        Self {
            feed,
            after,
            queued: VecDeque::new(),
            done: false,
            shutdown,
            _hold: hold,
        }
    }

    /// The next event, `Some(None)` once at the end, then `None`; also `None` on shutdown.
    pub(super) async fn next(&mut self) -> Option<Option<FeedEvent>> {
        loop {
            if let Some(e) = self.queued.pop_front() {
                return Some(Some(e));
            }
            if self.done {
                return None;
            }
            let batch = self.feed.after(self.after);
            if let Some(last) = batch.events.last() {
                self.after = last.seq;
                self.queued.extend(batch.events);
                continue;
            }
            if batch.ended {
                self.done = true;
                return Some(None);
            }
            tokio::select! {
                () = self.feed.changed_after(self.after) => {}
                () = self.shutdown.cancelled() => return None,
            }
        }
    }
}

/// The feed as SSE events: `id: <seq>`, `data: <FeedEvent JSON>`, and a last `end` event.
fn events(
    feed: Arc<Feed>,
    after: u64,
    shutdown: CancellationToken,
    hold: Option<HoldGuard>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let cursor = Cursor::new(feed, after, shutdown, hold);
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
