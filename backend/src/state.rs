//! Shared server state handed to every handler.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio_util::sync::CancellationToken;

use crate::conn::Observatory;
use crate::quota::Quota;
use crate::routes::compare::feed::Feeds;

/// Per-client quotas (see `protocol::lab` for the numbers).
#[derive(Debug)]
pub(crate) struct Quotas {
    pub(crate) lab_requests: Quota,
    pub(crate) lab_bytes: Quota,
    pub(crate) race_round_trips: Quota,
    pub(crate) feed_requests: Quota,
}

/// Cheap to clone: every field is shared.
#[derive(Clone)]
pub struct AppState {
    /// The Trunk `dist/` folder the page is served from.
    pub(crate) dist: Arc<PathBuf>,
    /// Cancelled on shutdown. Upgraded WebSocket tasks are not awaited by axum's graceful
    /// shutdown (axum#3003), so each session watches this and closes with 1001.
    pub(crate) shutdown: CancellationToken,
    next_session: Arc<AtomicU64>,
    /// The connection layer's clock, live table and event bus.
    pub(crate) obs: Arc<Observatory>,
    pub(crate) quotas: Arc<Quotas>,
    /// The Compare page's live feeds.
    pub(crate) feeds: Arc<Feeds>,
    /// A WebSocket session with no message from the page (and no ticker) this long is
    /// closed with 1001.
    pub(crate) ws_idle_timeout: std::time::Duration,
}

impl AppState {
    /// State serving the front end from `dist`.
    pub fn new(dist: impl Into<PathBuf>) -> Self {
        Self {
            dist: Arc::new(dist.into()),
            shutdown: CancellationToken::new(),
            next_session: Arc::new(AtomicU64::new(1)),
            obs: Arc::new(Observatory::new()),
            quotas: Arc::new(Quotas {
                lab_requests: Quota::per_minute(protocol::lab::LAB_REQUESTS_PER_MINUTE),
                lab_bytes: Quota::per_minute(protocol::lab::LAB_RESPONSE_BYTES_PER_MINUTE),
                race_round_trips: Quota::per_minute(protocol::compare::RACE_ROUND_TRIPS_PER_MINUTE),
                feed_requests: Quota::per_minute(protocol::compare::FEED_REQUESTS_PER_MINUTE),
            }),
            feeds: Arc::new(Feeds::default()),
            ws_idle_timeout: std::time::Duration::from_secs(protocol::ws::WS_IDLE_TIMEOUT_SECS),
        }
    }

    /// The same state with another WebSocket idle timeout (tests use a short one).
    pub fn with_ws_idle_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.ws_idle_timeout = timeout;
        self
    }

    /// The token that, once cancelled, closes every open WebSocket session.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// The connection layer this state's server observes through.
    pub fn observatory(&self) -> Arc<Observatory> {
        Arc::clone(&self.obs)
    }

    pub(crate) fn next_session_id(&self) -> u64 {
        self.next_session.fetch_add(1, Ordering::Relaxed)
    }
}
