//! Live feeds: each is a ticker task emitting small events (sequence number + the server's
//! emit time) at a chosen rate for a chosen time, kept whole in memory (at most
//! `FEED_MAX_RATE_HZ × FEED_MAX_SECONDS` events) so every reader — short poll, long poll,
//! SSE, WebSocket — sees the same events, each exactly once and in order.
//!
//! A feed belongs to the client key that started it; others get 404. One client runs at
//! most [`FEEDS_PER_CLIENT`] at once and keeps at most [`LONG_POLLS_PER_CLIENT`] long
//! polls waiting; one address, `clients_per_address` times as many (keys are the page's
//! own choice: rotating them must not lift the caps). An ended feed stays readable for [`KEEP_ENDED`], then is forgotten.
//!
//! [`FeedHub`] is the handlers' view (the state they take): start, stop, read (one token
//! of the client's feed quota each), long-poll slots, and a [`Cursor`] for the streaming
//! readers. `feed/ws.rs` is the WebSocket reader's push loop; the HTTP and WebSocket
//! handlers that adapt to all this live in `routes/compare/`.

mod cursor;
pub(crate) mod ws;

pub(crate) use cursor::Cursor;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use protocol::compare::{FEEDS_PER_CLIENT, FeedBatch, FeedEvent, LONG_POLLS_PER_CLIENT};
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use crate::clock::unix_us;
use crate::conn::tally::HoldGuard;
use crate::quota::{self, Quota, RateLimited, Who};

/// How long an ended feed can still be read.
const KEEP_ENDED: Duration = Duration::from_secs(60);

/// One feed.
#[derive(Debug)]
pub(crate) struct Feed {
    pub(crate) id: u64,
    owner: String,
    /// The address that started it (`None` without the connection layer).
    ip: Option<IpAddr>,
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
#[derive(Debug)]
pub(crate) struct Feeds {
    next_id: AtomicU64,
    feeds: Mutex<HashMap<u64, Arc<Feed>>>,
    /// Waiting long polls per client key and per `addr:<ip>`.
    long_polls: Mutex<HashMap<String, usize>>,
    clients_per_address: usize,
}

/// Why a feed could not start.
#[derive(Debug)]
pub(crate) struct TooManyFeeds {
    /// The address's ceiling, not the client's.
    per_address: bool,
}

impl Feeds {
    pub(crate) fn new(clients_per_address: u64) -> Self {
        Self {
            next_id: AtomicU64::new(0),
            feeds: Mutex::new(HashMap::new()),
            long_polls: Mutex::new(HashMap::new()),
            clients_per_address: usize::try_from(clients_per_address.max(1)).unwrap_or(1),
        }
    }

    /// Starts a feed of `rate_hz × seconds` events for `owner`; it stops early on
    /// `shutdown`.
    pub(crate) fn start(
        self: &Arc<Self>,
        owner: &Who,
        rate_hz: u32,
        seconds: u32,
        shutdown: &CancellationToken,
    ) -> Result<Arc<Feed>, TooManyFeeds> {
        let mut feeds = self.feeds.lock().unwrap_or_else(|e| e.into_inner());
        let live = |same: &dyn Fn(&Feed) -> bool| {
            feeds
                .values()
                .filter(|f| same(f) && !f.progress.borrow().1)
                .count()
        };
        if live(&|f| f.owner == owner.key) >= FEEDS_PER_CLIENT {
            return Err(TooManyFeeds { per_address: false });
        }
        if owner.ip.is_some()
            && live(&|f| f.ip == owner.ip) >= FEEDS_PER_CLIENT * self.clients_per_address
        {
            return Err(TooManyFeeds { per_address: true });
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let feed = Arc::new(Feed {
            id,
            owner: owner.key.clone(),
            ip: owner.ip,
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

    /// Counts a waiting long poll for `owner` (and its address), or says which has too
    /// many (`true`: the address).
    pub(crate) fn long_poll(self: &Arc<Self>, owner: &Who) -> Result<LongPollGuard, bool> {
        let mut polls = self.long_polls.lock().unwrap_or_else(|e| e.into_inner());
        let address = owner.ip.map(|ip| format!("addr:{ip}"));
        if polls.get(&owner.key).copied().unwrap_or(0) >= LONG_POLLS_PER_CLIENT {
            return Err(false);
        }
        if let Some(a) = &address
            && polls.get(a).copied().unwrap_or(0)
                >= LONG_POLLS_PER_CLIENT * self.clients_per_address
        {
            return Err(true);
        }
        let counted: Vec<String> = std::iter::once(owner.key.clone()).chain(address).collect();
        for c in &counted {
            *polls.entry(c.clone()).or_insert(0) += 1;
        }
        Ok(LongPollGuard {
            feeds: Arc::clone(self),
            counted,
        })
    }
}

/// A waiting long poll; dropping it frees the slot.
#[derive(Debug)]
pub(crate) struct LongPollGuard {
    feeds: Arc<Feeds>,
    /// The entries it counts in: the key, and the address when known.
    counted: Vec<String>,
}

impl Drop for LongPollGuard {
    fn drop(&mut self) {
        let mut polls = self
            .feeds
            .long_polls
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for c in &self.counted {
            if let Some(n) = polls.get_mut(c) {
                *n -= 1;
                if *n == 0 {
                    polls.remove(c);
                }
            }
        }
    }
}

/// Why a feed request was refused. No text of its own: the words are `AppError`'s (the
/// one place a refusal is worded), which each variant converts into.
#[derive(Debug)]
pub(crate) enum FeedError {
    /// `true`: the address's ceiling, not the client's.
    TooManyFeeds(bool),
    TooManyLongPolls(bool),
    NotFound(u64),
    RateLimited(RateLimited),
}

impl From<RateLimited> for FeedError {
    fn from(r: RateLimited) -> Self {
        Self::RateLimited(r)
    }
}

impl From<TooManyFeeds> for FeedError {
    fn from(t: TooManyFeeds) -> Self {
        Self::TooManyFeeds(t.per_address)
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
    pub(crate) fn new(shutdown: CancellationToken, clients_per_address: u64) -> Self {
        Self {
            feeds: Arc::new(Feeds::new(clients_per_address)),
            reads: Arc::new(quota::feed_requests(clients_per_address)),
            shutdown,
        }
    }

    /// Starts a feed for `owner` (it stops early on shutdown).
    pub(crate) fn start(
        &self,
        owner: &Who,
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
    pub(crate) fn read(&self, owner: &Who, id: u64) -> Result<Arc<Feed>, FeedError> {
        self.reads.take(owner, 1)?;
        self.get(&owner.key, id)
    }

    /// A long-poll slot for `owner`.
    pub(crate) fn long_poll(&self, owner: &Who) -> Result<LongPollGuard, FeedError> {
        self.feeds
            .long_poll(owner)
            .map_err(FeedError::TooManyLongPolls)
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

    fn who(key: &str) -> Who {
        Who {
            key: key.to_owned(),
            ip: None,
        }
    }

    #[tokio::test]
    async fn a_feed_emits_in_order_then_ends() {
        let feeds = Arc::new(Feeds::new(1));
        let token = CancellationToken::new();
        let k = who("k");
        let feed = feeds.start(&k, 50, 1, &token).unwrap();
        assert!(feeds.get(feed.id, "other").is_none());
        assert!(feeds.start(&k, 10, 1, &token).is_ok());
        assert!(feeds.start(&k, 10, 1, &token).is_err(), "third live feed");
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
            .map(|_| feeds.long_poll(&k).unwrap())
            .collect();
        assert_eq!(feeds.long_poll(&k).err(), Some(false));
        drop(g);
        assert!(feeds.long_poll(&k).is_ok());
    }
}
