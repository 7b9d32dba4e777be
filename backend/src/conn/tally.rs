//! Per-run counters: what the connection layer saw on the wire for the requests that named
//! a run (`?run=<id>`), so the Compare page reports server-counted bytes and connections
//! without an event per request (which would load the page it measures).
//!
//! The tag middleware *attaches* a request to its run; the connection's stream takes the
//! attachment when it next flushes and adds that exchange's bytes (for a WebSocket, every
//! frame until the connection ends). An attachment is *settled* once its counts are in —
//! after the response's first flush, or at the end of an upgraded connection — and the
//! tally endpoint waits (briefly) for every attachment to settle.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use protocol::compare::Tally;
use tokio::sync::Notify;

/// Most runs remembered at once; the oldest is forgotten first.
const MAX_RUNS: usize = 4_096;

/// One run's counters.
#[derive(Debug)]
pub(crate) struct RunTally {
    created: Instant,
    requests: AtomicU64,
    connections_opened: AtomicU64,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    empty: AtomicU64,
    held_now: AtomicU64,
    held_peak: AtomicU64,
    /// Attachments whose bytes are not all counted yet.
    pending: AtomicU64,
    settled: Notify,
}

impl RunTally {
    fn new() -> Self {
        Self {
            created: Instant::now(),
            requests: AtomicU64::new(0),
            connections_opened: AtomicU64::new(0),
            bytes_in: AtomicU64::new(0),
            bytes_out: AtomicU64::new(0),
            empty: AtomicU64::new(0),
            held_now: AtomicU64::new(0),
            held_peak: AtomicU64::new(0),
            pending: AtomicU64::new(0),
            settled: Notify::new(),
        }
    }

    /// A request names this run; `new_connection` when it is the first on its connection.
    pub(crate) fn attach(&self, new_connection: bool) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if new_connection {
            self.connections_opened.fetch_add(1, Ordering::Relaxed);
        }
        self.pending.fetch_add(1, Ordering::AcqRel);
    }

    /// Bytes moved for an attached request.
    pub(crate) fn add_bytes(&self, bytes_in: u64, bytes_out: u64) {
        if bytes_in > 0 {
            self.bytes_in.fetch_add(bytes_in, Ordering::Relaxed);
        }
        if bytes_out > 0 {
            self.bytes_out.fetch_add(bytes_out, Ordering::Relaxed);
        }
    }

    /// An attachment's counts are all in.
    pub(crate) fn settle(&self) {
        if self.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.settled.notify_waiters();
        }
    }

    /// A poll answered with no event.
    pub(crate) fn count_empty(&self) {
        self.empty.fetch_add(1, Ordering::Relaxed);
    }

    /// The server holds a request or stream open for this run until the guard drops.
    pub(crate) fn hold(self: &Arc<Self>) -> HoldGuard {
        let now = self.held_now.fetch_add(1, Ordering::Relaxed) + 1;
        self.held_peak.fetch_max(now, Ordering::Relaxed);
        HoldGuard(Arc::clone(self))
    }

    /// The counters once every attachment has settled, or as they are after `wait`.
    pub(crate) async fn snapshot(&self, wait: Duration) -> Tally {
        let deadline = tokio::time::Instant::now() + wait;
        let mut settled = true;
        loop {
            let notified = self.settled.notified();
            if self.pending.load(Ordering::Acquire) == 0 {
                break;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                settled = self.pending.load(Ordering::Acquire) == 0;
                break;
            }
        }
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Tally {
            requests: get(&self.requests),
            connections_opened: get(&self.connections_opened),
            bytes_in: get(&self.bytes_in),
            bytes_out: get(&self.bytes_out),
            empty_responses: get(&self.empty),
            held_now: get(&self.held_now),
            held_peak: get(&self.held_peak),
            settled,
        }
    }
}

/// See [`RunTally::hold`].
#[derive(Debug)]
pub(crate) struct HoldGuard(Arc<RunTally>);

impl Drop for HoldGuard {
    fn drop(&mut self) {
        self.0.held_now.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A run: the client key and the page's run id.
type RunKey = (Arc<str>, u64);

/// Every run's tally, by client key and run id.
#[derive(Debug, Default)]
pub(crate) struct Tallies {
    runs: Mutex<HashMap<RunKey, Arc<RunTally>>>,
}

impl Tallies {
    /// The run's tally, made on first use.
    pub(crate) fn run(&self, client: &Arc<str>, run: u64) -> Arc<RunTally> {
        let mut runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = runs.get(&(Arc::clone(client), run)) {
            return Arc::clone(t);
        }
        if runs.len() >= MAX_RUNS {
            let oldest = runs
                .iter()
                .min_by_key(|(_, t)| t.created)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                runs.remove(&k);
            }
        }
        let t = Arc::new(RunTally::new());
        runs.insert((Arc::clone(client), run), Arc::clone(&t));
        t
    }

    /// The run's tally if it exists.
    pub(crate) fn get(&self, client: &str, run: u64) -> Option<Arc<RunTally>> {
        let runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        runs.get(&(Arc::from(client), run)).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn snapshot_waits_for_settling_and_holds_count() {
        let tallies = Tallies::default();
        let key: Arc<str> = Arc::from("k");
        let t = tallies.run(&key, 7);
        assert!(Arc::ptr_eq(&t, &tallies.get("k", 7).unwrap()));
        t.attach(true);
        t.attach(false);
        t.add_bytes(10, 20);
        let waiter = {
            let t = Arc::clone(&t);
            tokio::spawn(async move { t.snapshot(Duration::from_secs(5)).await })
        };
        t.settle();
        t.add_bytes(1, 2);
        t.settle();
        let s = waiter.await.unwrap();
        assert!(s.settled);
        assert_eq!((s.requests, s.connections_opened), (2, 1));
        assert_eq!((s.bytes_in, s.bytes_out), (11, 22));
        let g1 = t.hold();
        let g2 = t.hold();
        drop(g1);
        let s = t.snapshot(Duration::ZERO).await;
        assert_eq!((s.held_now, s.held_peak), (1, 2));
        drop(g2);
        // Unsettled: the snapshot says so after its wait.
        t.attach(false);
        let s = t.snapshot(Duration::from_millis(10)).await;
        assert!(!s.settled);
    }
}
