//! Live feeds: each is a ticker task emitting small events (sequence number + the server's
//! emit time) at a chosen rate for a chosen time, kept whole in memory (at most
//! `FEED_MAX_RATE_HZ × FEED_MAX_SECONDS` events) so every reader — short poll, long poll,
//! SSE, WebSocket — sees the same events, each exactly once and in order.
//!
//! A feed belongs to the client key that started it; others get 404. One client runs at
//! most [`FEEDS_PER_CLIENT`] at once and keeps at most [`LONG_POLLS_PER_CLIENT`] long
//! polls waiting. An ended feed stays readable for [`KEEP_ENDED`], then is forgotten.
//!
//! [`FeedHub`] is the handlers' view (the state they take): start, stop, read (one token
//! of the client's feed quota each), long-poll slots, and a [`Cursor`] for the streaming
//! readers. `feed/ws.rs` is the WebSocket reader's push loop; the HTTP and WebSocket
//! handlers that adapt to all this live in `routes/compare/`.

mod cursor;
pub(crate) mod ws;

pub(crate) use cursor::Cursor;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use protocol::compare::{FEEDS_PER_CLIENT, FeedBatch, FeedEvent, LONG_POLLS_PER_CLIENT};
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use crate::clock::unix_us;
use crate::conn::tally::HoldGuard;
use crate::quota::{self, Quota, RateLimited};

/// How long an ended feed can still be read.
const KEEP_ENDED: Duration = Duration::from_secs(60);

/// One feed.
#[derive(Debug)]
pub(crate) struct Feed {
    pub(crate) id: u64,
    owner: String,
    events: Mutex<Vec<FeedEvent>>,
    /// (events emitted, ended), for readers to wait on.
    progress: watch::Sender<(u64, bool)>,
    stop: CancellationToken,
}

impl Feed {
    /// The events after `after` (oldest first) and whether that is all there will be.
    pub(crate) fn after(&self, after: u64) -> FeedBatch {
        // `ended` first: once it is true every event is already in the list.
        let ended = self.progress.borrow().1;
        let events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let from = (after as usize).min(events.len());
        FeedBatch {
            events: events[from..].to_vec(),
            ended,
        }
    }

    /// Waits until there is an event after `after` or the feed has ended.
    pub(crate) async fn changed_after(&self, after: u64) {
        let mut rx = self.progress.subscribe();
        let _ = rx.wait_for(|(n, ended)| *n > after || *ended).await;
    }

    /// Ends the feed now (no more events).
    pub(crate) fn stop(&self) {
        self.stop.cancel();
    }
}

/// Every live (and recently ended) feed, plus the long-poll counts.
#[derive(Debug, Default)]
pub(crate) struct Feeds {
    next_id: AtomicU64,
    feeds: Mutex<HashMap<u64, Arc<Feed>>>,
    long_polls: Mutex<HashMap<String, usize>>,
}

/// Why a feed could not start.
#[derive(Debug)]
pub(crate) struct TooManyFeeds;

impl Feeds {
    /// Starts a feed of `rate_hz × seconds` events for `owner`; it stops early on
    /// `shutdown`.
    pub(crate) fn start(
        self: &Arc<Self>,
        owner: &str,
        rate_hz: u32,
        seconds: u32,
        shutdown: &CancellationToken,
    ) -> Result<Arc<Feed>, TooManyFeeds> {
        let mut feeds = self.feeds.lock().unwrap_or_else(|e| e.into_inner());
        let live = feeds
            .values()
            .filter(|f| f.owner == owner && !f.progress.borrow().1)
            .count();
        if live >= FEEDS_PER_CLIENT {
            return Err(TooManyFeeds);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let feed = Arc::new(Feed {
            id,
            owner: owner.to_owned(),
            events: Mutex::new(Vec::new()),
            progress: watch::channel((0, false)).0,
            stop: shutdown.child_token(),
        });
        feeds.insert(id, Arc::clone(&feed));
        let total = u64::from(rate_hz) * u64::from(seconds);
        tokio::spawn(tick(Arc::clone(self), Arc::clone(&feed), rate_hz, total));
        Ok(feed)
    }

    /// The feed `id` if `owner` started it.
    pub(crate) fn get(&self, id: u64, owner: &str) -> Option<Arc<Feed>> {
        let feeds = self.feeds.lock().unwrap_or_else(|e| e.into_inner());
        feeds.get(&id).filter(|f| f.owner == owner).cloned()
    }

    /// Counts a waiting long poll for `owner`, or refuses when it has too many.
    pub(crate) fn long_poll(self: &Arc<Self>, owner: &str) -> Option<LongPollGuard> {
        let mut polls = self.long_polls.lock().unwrap_or_else(|e| e.into_inner());
        let n = polls.entry(owner.to_owned()).or_insert(0);
        if *n >= LONG_POLLS_PER_CLIENT {
            return None;
        }
        *n += 1;
        Some(LongPollGuard {
            feeds: Arc::clone(self),
            owner: owner.to_owned(),
        })
    }
}

/// A waiting long poll; dropping it frees the slot.
#[derive(Debug)]
pub(crate) struct LongPollGuard {
    feeds: Arc<Feeds>,
    owner: String,
}

impl Drop for LongPollGuard {
    fn drop(&mut self) {
        let mut polls = self
            .feeds
            .long_polls
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = polls.get_mut(&self.owner) {
            *n -= 1;
            if *n == 0 {
                polls.remove(&self.owner);
            }
        }
    }
}

/// Why a feed request was refused. No text of its own: the words are `AppError`'s (the
/// one place a refusal is worded), which each variant converts into.
#[derive(Debug)]
pub(crate) enum FeedError {
    TooManyFeeds,
    TooManyLongPolls,
    NotFound(u64),
    RateLimited(RateLimited),
}

impl From<RateLimited> for FeedError {
    fn from(r: RateLimited) -> Self {
        Self::RateLimited(r)
    }
}

impl From<TooManyFeeds> for FeedError {
    fn from(_: TooManyFeeds) -> Self {
        Self::TooManyFeeds
    }
}

/// The feeds as handlers see them: every feed, the read quota, the shutdown token.
#[derive(Debug, Clone)]
pub(crate) struct FeedHub {
    feeds: Arc<Feeds>,
    reads: Arc<Quota>,
    shutdown: CancellationToken,
}

impl FeedHub {
    pub(crate) fn new(shutdown: CancellationToken) -> Self {
        Self {
            feeds: Arc::new(Feeds::default()),
            reads: Arc::new(quota::feed_requests()),
            shutdown,
        }
    }

    /// Starts a feed for `owner` (it stops early on shutdown).
    pub(crate) fn start(
        &self,
        owner: &str,
        rate_hz: u32,
        seconds: u32,
    ) -> Result<Arc<Feed>, FeedError> {
        Ok(self.feeds.start(owner, rate_hz, seconds, &self.shutdown)?)
    }

    /// The feed `id` of `owner`, without taking from the read quota.
    pub(crate) fn get(&self, owner: &str, id: u64) -> Result<Arc<Feed>, FeedError> {
        self.feeds.get(id, owner).ok_or(FeedError::NotFound(id))
    }

    /// The feed `id` of `owner` for one read: takes a token of the feed quota first.
    pub(crate) fn read(&self, owner: &str, id: u64) -> Result<Arc<Feed>, FeedError> {
        self.reads.take(owner, 1)?;
        self.get(owner, id)
    }

    /// A long-poll slot for `owner`.
    pub(crate) fn long_poll(&self, owner: &str) -> Result<LongPollGuard, FeedError> {
        self.feeds
            .long_poll(owner)
            .ok_or(FeedError::TooManyLongPolls)
    }

    /// A streaming reader's position, after `after`; it ends at the feed's end or on
    /// shutdown, and holds `hold` (the run's "held open" count) while it lives.
    pub(crate) fn cursor(&self, feed: Arc<Feed>, after: u64, hold: Option<HoldGuard>) -> Cursor {
        Cursor::new(feed, after, self.shutdown.clone(), hold)
    }

    /// Cancelled when the server shuts down.
    pub(crate) fn shutdown(&self) -> &CancellationToken {
        &self.shutdown
    }
}

/// The feed's ticker: `total` events, one every `1/rate_hz` s (the first one period after
/// the start), then ended; forgotten [`KEEP_ENDED`] later.
async fn tick(feeds: Arc<Feeds>, feed: Arc<Feed>, rate_hz: u32, total: u64) {
    let period = Duration::from_secs_f64(1.0 / f64::from(rate_hz.max(1)));
    let mut every = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    every.set_missed_tick_behavior(MissedTickBehavior::Delay);
    for seq in 1..=total {
        tokio::select! {
            () = feed.stop.cancelled() => break,
            _ = every.tick() => {}
        }
        let event = FeedEvent {
            seq,
            emitted_us: unix_us(),
        };
        feed.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event);
        feed.progress.send_replace((seq, false));
    }
    feed.progress.send_modify(|p| p.1 = true);
    tokio::select! {
        () = tokio::time::sleep(KEEP_ENDED) => {}
        () = feed.stop.cancelled() => {}
    }
    let mut all = feeds.feeds.lock().unwrap_or_else(|e| e.into_inner());
    all.remove(&feed.id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_feed_emits_in_order_then_ends() {
        let feeds = Arc::new(Feeds::default());
        let token = CancellationToken::new();
        let feed = feeds.start("k", 50, 1, &token).unwrap();
        assert!(feeds.get(feed.id, "other").is_none());
        assert!(feeds.start("k", 10, 1, &token).is_ok());
        assert!(feeds.start("k", 10, 1, &token).is_err(), "third live feed");
        let mut seen = 0;
        loop {
            feed.changed_after(seen).await;
            let batch = feed.after(seen);
            for e in &batch.events {
                assert_eq!(e.seq, seen + 1);
                seen = e.seq;
            }
            if batch.ended {
                break;
            }
        }
        assert_eq!(seen, 50);
        let g: Vec<_> = (0..LONG_POLLS_PER_CLIENT)
            .map(|_| feeds.long_poll("k").unwrap())
            .collect();
        assert!(feeds.long_poll("k").is_none());
        drop(g);
        assert!(feeds.long_poll("k").is_some());
    }
}
