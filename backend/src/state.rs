//! Shared server state handed to every handler.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio_util::sync::CancellationToken;

/// Cheap to clone: every field is shared.
#[derive(Clone)]
pub struct AppState {
    /// The Trunk `dist/` folder the page is served from.
    pub(crate) dist: Arc<PathBuf>,
    /// Cancelled on shutdown. Upgraded WebSocket tasks are not awaited by axum's graceful
    /// shutdown (axum#3003), so each session watches this and closes with 1001.
    pub(crate) shutdown: CancellationToken,
    next_session: Arc<AtomicU64>,
}

impl AppState {
    /// State serving the front end from `dist`.
    pub fn new(dist: impl Into<PathBuf>) -> Self {
        Self {
            dist: Arc::new(dist.into()),
            shutdown: CancellationToken::new(),
            next_session: Arc::new(AtomicU64::new(1)),
        }
    }

    /// The token that, once cancelled, closes every open WebSocket session.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    pub(crate) fn next_session_id(&self) -> u64 {
        self.next_session.fetch_add(1, Ordering::Relaxed)
    }
}
