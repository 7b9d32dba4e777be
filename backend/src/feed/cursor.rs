//! A streaming reader's position in a feed (SSE and WebSocket readers): every event once,
//! in order, then the end — or nothing more once the server shuts down.

use std::collections::VecDeque;
use std::sync::Arc;

use protocol::compare::FeedEvent;
use tokio_util::sync::CancellationToken;

use super::Feed;
use crate::conn::tally::HoldGuard;

/// A reader's position in a feed.
pub(crate) struct Cursor {
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
    pub(crate) async fn next(&mut self) -> Option<Option<FeedEvent>> {
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
                if self.shutdown.is_cancelled() {
                    // Stopped by the shutdown, not over: the reader closes with 1001.
                    return None;
                }
                return Some(None);
            }
            tokio::select! {
                () = self.feed.changed_after(self.after) => {}
                () = self.shutdown.cancelled() => return None,
            }
        }
    }
}
