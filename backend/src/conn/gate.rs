//! Connection caps: at most `total` TCP connections at once, and at most `per_ip` from one
//! address, so one client (or a few thousand sockets that send half a request and wait)
//! cannot take every file descriptor the server has. A connection past a cap is answered
//! `503` with the JSON error body and `Retry-After`, written by the listener itself before
//! any HTTP is read, then closed; connections already open are never touched.
//!
//! A [`Permit`] is held by the connection's record and released when it ends. The same
//! counting ([`Places`]) caps WebSocket sessions (`ws_loop`); how many are open now and
//! the most at once are what `/api/stats` reports of them (`crate::stats`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use protocol::ErrorCode;

use super::answer::Refusal;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// The caps (`--max-connections`, `--max-connections-per-ip`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    pub total: usize,
    pub per_ip: usize,
}

impl Default for ConnLimits {
    /// Below the 20,000 open files a process may hold here, with room for the page's
    /// files and logs; one address may hold a classroom behind one NAT.
    fn default() -> Self {
        Self {
            total: 15_000,
            per_ip: 1_000,
        }
    }
}

/// Counts things open at once (connections, WebSocket sessions), in all and per address,
/// up to caps. A [`Place`] is one of them; dropping it frees it.
#[derive(Debug)]
pub(crate) struct Places {
    total: usize,
    per_ip: usize,
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
    /// The most open at once so far (`/api/stats`' peak of sessions).
    peak: AtomicUsize,
}

/// Which cap a refused place would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Full {
    All,
    ThisAddress,
}

/// One place taken; dropping it frees it.
#[derive(Debug)]
pub(crate) struct Place {
    places: Arc<Places>,
    ip: IpAddr,
}

impl Places {
    pub(crate) fn new(total: usize, per_ip: usize) -> Arc<Self> {
        Arc::new(Self {
            total,
            per_ip,
            open: Mutex::new((0, HashMap::new())),
            peak: AtomicUsize::new(0),
        })
    }

    /// How many are open now, in all.
    pub(crate) fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).0
    }

    /// The most that were ever open at once.
    pub(crate) fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// A place for `ip`, or which cap it would break.
    pub(crate) fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Place, Full> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per_ip) = &mut *open;
        let mine = per_ip.get(&ip).copied().unwrap_or(0);
        if *total >= self.total {
            return Err(Full::All);
        }
        if mine >= self.per_ip {
            return Err(Full::ThisAddress);
        }
        *total += 1;
        // Under the lock, so the peak never misses a count another admit just took.
        self.peak.fetch_max(*total, Ordering::Relaxed);
        per_ip.insert(ip, mine + 1);
        Ok(Place {
            places: Arc::clone(self),
            ip,
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self.places.open.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per_ip) = &mut *open;
        *total = total.saturating_sub(1);
        if let Some(n) = per_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                per_ip.remove(&self.ip);
            }
        }
    }
}

/// Admits connections under [`ConnLimits`] and refuses the rest.
#[derive(Debug)]
pub(crate) struct Gate {
    places: Arc<Places>,
    /// Refusals being written at once; past this a refused socket is just closed.
    refusing: Arc<Semaphore>,
}

/// One admitted connection; dropping it frees its place.
pub(crate) type Permit = Place;

impl Gate {
    pub(crate) fn new(limits: ConnLimits) -> Arc<Self> {
        Arc::new(Self {
            places: Places::new(limits.total, limits.per_ip),
            refusing: Arc::new(Semaphore::new(256)),
        })
    }

    /// A place for a connection from `ip`, or why not (the 503's message).
    pub(crate) fn admit(&self, ip: IpAddr) -> Result<Permit, &'static str> {
        self.places.admit(ip).map_err(|full| match full {
            Full::All => "the server has as many connections open as it allows",
            Full::ThisAddress => "this address has as many connections open as one address may",
        })
    }

    /// Answers `tcp` with a JSON 503 and closes it, in the background (bounded: past 256
    /// refusals in flight the socket is closed without an answer).
    pub(crate) fn refuse(&self, mut tcp: TcpStream, why: &'static str) {
        let Ok(slot) = Arc::clone(&self.refusing).try_acquire_owned() else {
            return;
        };
        tokio::spawn(async move {
            let mut refusal = Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::TooManyConnections,
                why,
            );
            refusal.retry_after_s = Some(5);
            let answer = refusal.to_http();
            let _ = tokio::time::timeout(Duration::from_secs(2), async {
                tcp.write_all(&answer).await?;
                tcp.shutdown().await?;
                // Read what the client sent until it closes, so closing does not reset
                // the connection (and destroy the answer) over unread bytes.
                let mut sink = [0u8; 1024];
                while tcp.read(&mut sink).await? > 0 {}
                std::io::Result::Ok(())
            })
            .await;
            drop(slot);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{ConnLimits, Gate};

    #[test]
    fn caps_in_all_and_per_address_and_places_come_back() {
        let gate = Gate::new(ConnLimits {
            total: 3,
            per_ip: 2,
        });
        let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let a1 = gate.admit(a).unwrap();
        let _a2 = gate.admit(a).unwrap();
        assert!(gate.admit(a).unwrap_err().contains("this address"));
        let _b1 = gate.admit(b).unwrap();
        assert!(gate.admit(b).unwrap_err().contains("the server"));
        drop(a1);
        assert!(gate.admit(b).is_ok(), "a freed place is free for anyone");
    }

    #[test]
    fn places_count_open_now_and_the_peak() {
        let places = super::Places::new(10, 10);
        let ip = "10.0.0.1".parse().unwrap();
        assert_eq!((places.open(), places.peak()), (0, 0));
        let taken: Vec<_> = (0..3).map(|_| places.admit(ip).unwrap()).collect();
        assert_eq!((places.open(), places.peak()), (3, 3));
        drop(taken);
        let _one = places.admit(ip).unwrap();
        assert_eq!((places.open(), places.peak()), (1, 3), "the peak stays");
    }
}
