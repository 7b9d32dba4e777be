//! The Compare page's network calls: one race round trip over fetch (timed where the whole
//! answer has arrived, before any rendering), the run tally, starting, stopping and
//! polling a feed (cancellable with [`Abort`]), the clock offset, and the race and feed addresses.

use gloo_net::http::Request;
use protocol::compare::{
    FEED_LONG_PATH, FEED_PATH, FEED_POLL_PATH, FEED_SSE_PATH, FEED_WS_PATH, FeedBatch,
    FeedReadQuery, FeedStartQuery, FeedStarted, FeedStopQuery, RACE_HTTP_PATH, RACE_WS_PATH,
    RaceHttpQuery, RaceWsQuery, TALLY_PATH, Tally, TallyQuery,
};
use protocol::emulate::NetModel;
use protocol::observe::CLIENT_HEADER;
use protocol::query::target;

use crate::clock::now_ms;
use crate::model::fetch::FetchError;

/// The race URL of a run (`close`: the server closes after each answer).
pub(crate) fn race_url(run: u64, close: bool, net: NetModel) -> String {
    let query = RaceHttpQuery {
        run: Some(run),
        close,
        emu: net,
        ..RaceHttpQuery::default()
    };
    format!("{}{}", super::origin(), target(RACE_HTTP_PATH, &query))
}

/// The race's WebSocket address: `n` echoes for run `run` (the client key goes in the
/// query: a handshake cannot carry the header).
pub(crate) fn race_ws_path(n: u64, run: u64, key: &str, net: NetModel) -> String {
    let query = RaceWsQuery {
        n,
        run: Some(run),
        emu: net,
        client: Some(key.to_owned()),
    };
    target(RACE_WS_PATH, &query)
}

/// Which stream reads a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    Sse,
    WebSocket,
}

/// The address of a stream reader of `feed` (SSE, WebSocket: they cannot send headers,
/// so the client key goes in the query).
pub(crate) fn feed_stream_path(
    stream: Stream,
    feed: u64,
    run: u64,
    key: &str,
    net: NetModel,
) -> String {
    let base = match stream {
        Stream::Sse => FEED_SSE_PATH,
        Stream::WebSocket => FEED_WS_PATH,
    };
    let query = FeedReadQuery {
        feed,
        run: Some(run),
        emu: net,
        client: Some(key.to_owned()),
        ..FeedReadQuery::default()
    };
    target(base, &query)
}

/// Cancels the fetches that carry its signal (`AbortController`): a feed's polls still
/// in flight when the page stops it end at once instead of waiting for (or counting) an
/// answer about a feed the server has forgotten.
pub(crate) struct Abort(Option<web_sys::AbortController>);

impl Abort {
    pub(crate) fn new() -> Self {
        Self(web_sys::AbortController::new().ok())
    }

    pub(super) fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.0.as_ref().map(web_sys::AbortController::signal)
    }

    /// Aborts every fetch sent with this signal (they fail with `FetchError::Network`).
    pub(crate) fn abort(&self) {
        if let Some(c) = &self.0 {
            c.abort();
        }
    }
}

/// A race request's body: `size` bytes, made once per contender and sent by every round
/// trip.
pub(crate) fn race_body(size: u64) -> js_sys::Uint8Array {
    js_sys::Uint8Array::from(&vec![b'x'; size as usize][..])
}

/// One race round trip: posts `body` to `url` and reads the whole answer. Returns the
/// `performance.now()` at which the answer was complete.
pub(crate) async fn round_trip(
    url: &str,
    key: &str,
    body: &js_sys::Uint8Array,
) -> Result<f64, FetchError> {
    let request = Request::post(url)
        .header(CLIENT_HEADER, key)
        .header("content-type", "application/octet-stream")
        .body(body.clone())
        .map_err(|_| FetchError::Network)?;
    let resp = request.send().await.map_err(|_| FetchError::Network)?;
    if !resp.ok() {
        return Err(super::refusal(resp).await);
    }
    resp.binary().await.map_err(|_| FetchError::Network)?;
    Ok(now_ms())
}

async fn get_json<T: serde::de::DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, FetchError> {
    let resp = request
        .map_err(|_| FetchError::Network)?
        .send()
        .await
        .map_err(|_| FetchError::Network)?;
    super::read_json(resp).await
}

/// What the server counted for `run`.
pub(crate) async fn tally(key: &str, run: u64) -> Result<Tally, FetchError> {
    let query = TallyQuery { run, client: None };
    let url = format!("{}{}", super::origin(), target(TALLY_PATH, &query));
    get_json(Request::get(&url).header(CLIENT_HEADER, key).build()).await
}

/// Starts a feed.
pub(crate) async fn start_feed(key: &str, rate: u64, secs: u64) -> Result<FeedStarted, FetchError> {
    // Out of u32 is far out of range: sent as u32::MAX, the server refuses it with its reason.
    let query = FeedStartQuery {
        rate_hz: u32::try_from(rate).unwrap_or(u32::MAX),
        seconds: u32::try_from(secs).unwrap_or(u32::MAX),
        client: None,
    };
    let url = format!("{}{}", super::origin(), target(FEED_PATH, &query));
    get_json(Request::post(&url).header(CLIENT_HEADER, key).build()).await
}

/// Ends a feed early (every reader gets its end).
pub(crate) async fn stop_feed(key: &str, feed: u64) {
    let query = FeedStopQuery { feed, client: None };
    let url = format!("{}{}", super::origin(), target(FEED_PATH, &query));
    if let Ok(r) = Request::delete(&url).header(CLIENT_HEADER, key).build() {
        let _ = r.send().await;
    }
}

/// One poll (`long`: held by the server until there is news), answered with a batch;
/// `abort` cancels it while in flight.
pub(crate) async fn poll(
    long: bool,
    key: &str,
    feed: u64,
    after: u64,
    run: u64,
    net: NetModel,
    abort: &Abort,
) -> Result<FeedBatch, FetchError> {
    let path = if long { FEED_LONG_PATH } else { FEED_POLL_PATH };
    let query = FeedReadQuery {
        feed,
        after: Some(after),
        run: Some(run),
        emu: net,
        ..FeedReadQuery::default()
    };
    let url = format!("{}{}", super::origin(), target(path, &query));
    let signal = abort.signal();
    get_json(
        Request::get(&url)
            .header(CLIENT_HEADER, key)
            .abort_signal(signal.as_ref())
            .build(),
    )
    .await
}

/// The server's clock minus the page's, in µs ([`super::echo::clock_estimate`]).
pub(crate) async fn clock_offset_us() -> Option<f64> {
    super::echo::clock_estimate().await.map(|c| c.offset_us)
}
