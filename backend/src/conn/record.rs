//! One TCP connection's record: when it was accepted, bytes each way, first and last byte,
//! requests served, whose it is (client key), and how it ended.
//!
//! Counters are atomics written by the connection's own stream and read by handlers and
//! observers; the end is decided once ("first wins": end-of-stream read → client, shutdown
//! or drop by the server → server, an I/O error → error).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use protocol::observe::{ClosedBy, ConnEvent};

use super::bus::Observatory;
use super::tally::RunTally;

#[derive(Debug)]
pub(crate) struct ConnRecord {
    pub(crate) id: u64,
    pub(crate) peer: SocketAddr,
    pub(crate) accepted_us: u64,
    obs: Arc<Observatory>,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    /// 0 until the first byte either way.
    first_byte_us: AtomicU64,
    last_byte_us: AtomicU64,
    /// Request–response exchanges started; the current request's number.
    requests: AtomicU32,
    /// Requests served before the client key tagged the connection.
    requests_before: AtomicU32,
    /// Whose it is: the key of the latest page that sent a request on it (see [`Self::tag`]).
    client: Mutex<Option<Arc<str>>>,
    /// `client` has been set: most connections (files, curl, benches) never are, and their
    /// events then cost one atomic load, not a lock.
    tagged: AtomicBool,
    observer: AtomicBool,
    upgraded: AtomicBool,
    ended: OnceLock<(ClosedBy, u64)>,
    /// The run the current request named, until the stream takes it (see `tally`).
    attached: Mutex<Option<Arc<RunTally>>>,
}

impl ConnRecord {
    pub(crate) fn new(obs: Arc<Observatory>, peer: SocketAddr) -> Arc<Self> {
        let record = Arc::new(Self {
            id: obs.next_id(),
            peer,
            accepted_us: obs.now_us(),
            obs: Arc::clone(&obs),
            bytes_in: AtomicU64::new(0),
            bytes_out: AtomicU64::new(0),
            first_byte_us: AtomicU64::new(0),
            last_byte_us: AtomicU64::new(0),
            requests: AtomicU32::new(0),
            requests_before: AtomicU32::new(0),
            client: Mutex::new(None),
            tagged: AtomicBool::new(false),
            observer: AtomicBool::new(false),
            upgraded: AtomicBool::new(false),
            ended: OnceLock::new(),
            attached: Mutex::new(None),
        });
        obs.register(Arc::clone(&record));
        record
    }

    pub(crate) fn now_us(&self) -> u64 {
        self.obs.now_us()
    }

    pub(crate) fn client(&self) -> Option<Arc<str>> {
        if !self.tagged.load(Ordering::Acquire) {
            return None;
        }
        self.client
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(crate) fn bytes(&self) -> (u64, u64) {
        (
            self.bytes_in.load(Ordering::Relaxed),
            self.bytes_out.load(Ordering::Relaxed),
        )
    }

    pub(crate) fn is_upgraded(&self) -> bool {
        self.upgraded.load(Ordering::Relaxed)
    }

    /// Bytes moved: `incoming` read from the client, or written to it.
    pub(crate) fn moved(&self, n: usize, incoming: bool) {
        let now = self.now_us();
        let counter = if incoming {
            &self.bytes_in
        } else {
            &self.bytes_out
        };
        counter.fetch_add(n as u64, Ordering::Relaxed);
        let _ = self
            .first_byte_us
            .compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
        self.last_byte_us.store(now, Ordering::Relaxed);
    }

    /// A new request–response exchange starts; returns its number.
    pub(crate) fn next_exchange(&self) -> u32 {
        self.requests.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Tags the connection with the page's key and announces it to that page's
    /// observers. A browser keeps idle keep-alive connections across page loads, and a
    /// page's key is made per load, so a request may ride a connection an earlier page of
    /// the same browser tagged: the connection is the newer page's from then on (it carries
    /// that page's request), announced to it as of now; the earlier page, usually gone,
    /// hears no more of it. Without this, a learner coming from the HTTP lab's keep-alive
    /// runs saw lesson 2's "closed by the server: 2 of 3" — the first close rode the lab's
    /// idle connection, whose close only the lab's key was told.
    pub(crate) fn tag(&self, key: &str, observer: bool) {
        {
            let mut client = self.client.lock().unwrap_or_else(|e| e.into_inner());
            if client.as_deref() == Some(key) {
                return;
            }
            *client = Some(Arc::from(key));
            self.tagged.store(true, Ordering::Release);
        }
        self.observer.store(observer, Ordering::Relaxed);
        let before = self.requests().saturating_sub(1);
        self.requests_before.store(before, Ordering::Relaxed);
        self.emit(|| self.accepted_event());
    }

    /// The `Accepted` event as of now (also used for a new observer's snapshot).
    pub(crate) fn accepted_event(&self) -> ConnEvent {
        let (bytes_in, bytes_out) = self.bytes();
        ConnEvent::Accepted {
            conn: self.id,
            accepted_us: self.accepted_us,
            peer_port: self.peer.port(),
            observer: self.observer.load(Ordering::Relaxed),
            requests_before: self.requests_before.load(Ordering::Relaxed),
            bytes_in,
            bytes_out,
        }
    }

    /// The current request counts towards `tally` (its bytes are added by the stream).
    pub(crate) fn attach(&self, tally: Arc<RunTally>) {
        *self.attached.lock().unwrap_or_else(|e| e.into_inner()) = Some(tally);
    }

    /// The attachment made since the last call, if any.
    pub(crate) fn take_attached(&self) -> Option<Arc<RunTally>> {
        self.attached
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// The observatory this connection reports to.
    pub(crate) fn observatory(&self) -> &Observatory {
        &self.obs
    }

    pub(crate) fn mark_upgraded(&self) {
        if !self.upgraded.swap(true, Ordering::Relaxed) {
            self.emit(|| ConnEvent::Upgraded {
                conn: self.id,
                at_us: self.now_us(),
            });
        }
    }

    /// Records who ended the connection, unless that is already decided.
    pub(crate) fn end(&self, by: ClosedBy) {
        let _ = self.ended.set((by, self.now_us()));
    }

    /// The stream is gone: announce the end and forget the connection. Without an end seen
    /// on the wire, the server dropped it.
    pub(crate) fn finish(&self) {
        self.end(ClosedBy::Server);
        let (by, at_us) = *self.ended.get().unwrap_or(&(ClosedBy::Server, 0));
        let (bytes_in, bytes_out) = self.bytes();
        let first = self.first_byte_us.load(Ordering::Relaxed);
        let last = self.last_byte_us.load(Ordering::Relaxed);
        let moved = first != 0;
        self.emit(|| ConnEvent::Closed {
            conn: self.id,
            at_us,
            by,
            requests: self.requests(),
            bytes_in,
            bytes_out,
            first_byte_us: moved.then_some(first),
            last_byte_us: moved.then_some(last),
        });
        self.obs.unregister(self.id);
    }

    /// Publishes an event to the connection's client's observers; untagged connections
    /// stay unseen, and the event is only built when someone is watching.
    pub(crate) fn emit(&self, make: impl FnOnce() -> ConnEvent) {
        if let Some(client) = self.client() {
            self.obs.publish(&client, make);
        }
    }
}
