//! The observatory: the server's monotonic clock, connection ids, the table of live
//! connections and the bounded event bus.
//!
//! The bus is one `tokio::sync::broadcast` channel of [`BUS_CAPACITY`] events per client
//! key that has an observer, created when the first observer of that key subscribes. So
//! privacy is structural (a subscriber can only ever receive its own key's events), and
//! a connection nobody watches costs one map lookup per event and no allocation.
//! Publishing never waits: a subscriber that falls more than the capacity behind loses
//! the oldest events and is told how many (`RecvError::Lagged`), which the observer
//! forwards to its page as `ObserveMsg::Missed`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use protocol::observe::ConnEvent;
use tokio::sync::broadcast;

use super::record::ConnRecord;
use super::tally::Tallies;

/// Events the bus holds for a slow subscriber before it starts losing the oldest.
pub(crate) const BUS_CAPACITY: usize = 4096;

/// Shared by the listener, every connection record and every observer.
pub struct Observatory {
    epoch: Instant,
    next_id: AtomicU64,
    channels: Mutex<HashMap<Arc<str>, broadcast::Sender<Arc<ConnEvent>>>>,
    live: Mutex<HashMap<u64, Arc<ConnRecord>>>,
    /// Server-counted runs of the Compare page.
    pub(crate) tallies: Tallies,
}

impl std::fmt::Debug for Observatory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Observatory")
            .field("live", &self.live_count())
            .finish_non_exhaustive()
    }
}

impl Default for Observatory {
    fn default() -> Self {
        Self::new()
    }
}

impl Observatory {
    pub fn new() -> Self {
        Self {
            epoch: Instant::now(),
            next_id: AtomicU64::new(1),
            channels: Mutex::new(HashMap::new()),
            live: Mutex::new(HashMap::new()),
            tallies: Tallies::default(),
        }
    }

    /// Microseconds since the server started, on the monotonic clock.
    pub(crate) fn now_us(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Publishes to `client`'s observers without waiting. The event is only built when
    /// someone watches that key.
    pub(crate) fn publish(&self, client: &str, make: impl FnOnce() -> ConnEvent) {
        let mut channels = lock(&self.channels);
        let Some(tx) = channels.get(client) else {
            return;
        };
        if tx.send(Arc::new(make())).is_err() {
            // Every observer of this key has gone.
            channels.remove(client);
        }
    }

    /// A receiver of `client`'s events from now on.
    pub(crate) fn subscribe(&self, client: &Arc<str>) -> broadcast::Receiver<Arc<ConnEvent>> {
        let mut channels = lock(&self.channels);
        channels.retain(|_, tx| tx.receiver_count() > 0);
        channels
            .entry(Arc::clone(client))
            .or_insert_with(|| broadcast::channel(BUS_CAPACITY).0)
            .subscribe()
    }

    pub(crate) fn register(&self, record: Arc<ConnRecord>) {
        lock(&self.live).insert(record.id, record);
    }

    pub(crate) fn unregister(&self, id: u64) {
        lock(&self.live).remove(&id);
    }

    /// Connections open right now.
    pub fn live_count(&self) -> usize {
        lock(&self.live).len()
    }

    /// The live connections tagged with `client`, oldest first.
    pub(crate) fn live_of(&self, client: &str) -> Vec<Arc<ConnRecord>> {
        let mut mine: Vec<_> = lock(&self.live)
            .values()
            .filter(|r| r.client().is_some_and(|c| &*c == client))
            .cloned()
            .collect();
        mine.sort_by_key(|r| r.id);
        mine
    }
}

/// A panic while holding one of these locks leaves the map consistent (single inserts and
/// removes), so a poisoned lock is still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
