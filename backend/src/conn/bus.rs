//! The observatory: the server's monotonic clock, connection ids, the table of live
//! connections and the bounded event bus.
//!
//! The bus is a `tokio::sync::broadcast` channel of [`BUS_CAPACITY`] events. Publishing
//! never waits: a subscriber that falls more than the capacity behind loses the oldest
//! events and is told how many (`RecvError::Lagged`), which the observer forwards to its
//! page as `ObserveMsg::Missed`. Every event carries the client key of its connection and
//! subscribers only ever forward events with their own key.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use protocol::observe::ConnEvent;
use tokio::sync::broadcast;

use super::record::ConnRecord;

/// Events the bus holds for a slow subscriber before it starts losing the oldest.
pub(crate) const BUS_CAPACITY: usize = 4096;

/// An event with the client key of the connection it is about.
#[derive(Debug)]
pub(crate) struct Tagged {
    pub(crate) client: Arc<str>,
    pub(crate) event: ConnEvent,
}

/// Shared by the listener, every connection record and every observer.
pub struct Observatory {
    epoch: Instant,
    next_id: AtomicU64,
    bus: broadcast::Sender<Arc<Tagged>>,
    live: Mutex<HashMap<u64, Arc<ConnRecord>>>,
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
            bus: broadcast::channel(BUS_CAPACITY).0,
            live: Mutex::new(HashMap::new()),
        }
    }

    /// Microseconds since the server started, on the monotonic clock.
    pub(crate) fn now_us(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Publishes without waiting; with no subscriber the event is simply dropped.
    pub(crate) fn publish(&self, client: Arc<str>, event: ConnEvent) {
        let _ = self.bus.send(Arc::new(Tagged { client, event }));
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Arc<Tagged>> {
        self.bus.subscribe()
    }

    pub(crate) fn register(&self, record: Arc<ConnRecord>) {
        self.lock().insert(record.id, record);
    }

    pub(crate) fn unregister(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Connections open right now.
    pub fn live_count(&self) -> usize {
        self.lock().len()
    }

    /// The live connections tagged with `client`, oldest first.
    pub(crate) fn live_of(&self, client: &str) -> Vec<Arc<ConnRecord>> {
        let mut mine: Vec<_> = self
            .lock()
            .values()
            .filter(|r| r.client().is_some_and(|c| &*c == client))
            .cloned()
            .collect();
        mine.sort_by_key(|r| r.id);
        mine
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<ConnRecord>>> {
        // A panic while holding this lock leaves the map consistent (single inserts and
        // removes), so a poisoned lock is still usable.
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }
}
