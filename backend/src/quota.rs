//! Rate caps, so a public instance cannot be turned into a load generator: one token-bucket
//! type ([`TokenBucket`]) serves both the per-client quotas ([`Quota`], keyed by the page's
//! client key or the peer's IP address) and a WebSocket session's own flood cap.
//!
//! A bucket holds up to `capacity` tokens and refills evenly at `per_second`; taking a cost
//! either succeeds or says how long until it would fit. A quota's table is bounded: when it
//! is full, buckets that have refilled completely (idle clients) are dropped. A refused
//! quota is a [`RateLimited`], the one place the 429's wording comes from.
//!
//! A client key is the page's own choice, so a quota per key alone is no cap: rotating keys
//! would bypass it. Each quota is also kept per address ([`Who::ip`]), with a ceiling of
//! `clients_per_address` keys' worth (`--clients-per-address`, default
//! [`DEFAULT_CLIENTS_PER_ADDRESS`]); a cost is taken only when both have room.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use protocol::compare::{FEED_REQUESTS_PER_MINUTE, RACE_ROUND_TRIPS_PER_MINUTE};
use protocol::lab::{LAB_REQUESTS_PER_MINUTE, LAB_RESPONSE_BYTES_PER_MINUTE};

/// Most clients tracked at once; beyond this, full (idle) buckets are forgotten first.
const MAX_CLIENTS: usize = 10_000;

/// How many clients' worth of each per-client quota one address may use: a classroom
/// behind one NAT, or one person with a few tabs.
pub const DEFAULT_CLIENTS_PER_ADDRESS: u64 = 8;

/// Whose quota a request takes from: its client key (else `ip:<address>`), and the
/// address it came from (`None` only without the connection layer: in-process tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Who {
    pub(crate) key: String,
    pub(crate) ip: Option<IpAddr>,
}

/// A token bucket: `capacity` tokens, refilled at `per_second`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenBucket {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    at: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub(crate) fn full(capacity: f64, per_second: f64, now: Instant) -> Self {
        Self {
            capacity,
            per_second,
            tokens: capacity,
            at: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let gained = now.saturating_duration_since(self.at).as_secs_f64() * self.per_second;
        self.tokens = (self.tokens + gained).min(self.capacity);
        self.at = now;
    }

    /// Takes `cost` tokens, or says how long until they are there. A cost above the
    /// capacity can never fit and is refused with a minute's wait.
    pub(crate) fn take(&mut self, cost: f64, now: Instant) -> Result<(), Duration> {
        self.fits(cost, now)?;
        self.tokens -= cost;
        Ok(())
    }

    /// Whether `cost` tokens are there now (taking none), else how long until they are.
    fn fits(&mut self, cost: f64, now: Instant) -> Result<(), Duration> {
        self.refill(now);
        if cost > self.capacity {
            return Err(Duration::from_secs(60));
        }
        if self.tokens >= cost {
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (cost - self.tokens) / self.per_second,
            ))
        }
    }

    fn is_full(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.tokens >= self.capacity
    }
}

/// A refused quota: what, the limit, and when to retry (the 429's `Retry-After`).
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "too many {what}: the limit is {limit} {unit} per minute per {scope}; retry in {retry_after_s} s"
)]
pub(crate) struct RateLimited {
    pub(crate) what: &'static str,
    pub(crate) limit: u64,
    pub(crate) unit: &'static str,
    /// `client` or `address`: which of the two buckets was empty.
    pub(crate) scope: &'static str,
    pub(crate) retry_after_s: u64,
}

/// One kind of quota (requests, bytes, ...) for every client, refilled over a minute.
#[derive(Debug)]
pub(crate) struct Quota {
    per_minute: u64,
    /// An address's ceiling, in clients' worth.
    clients_per_address: u64,
    /// For the refusal's message: "too many {what} … {per_minute} {unit} per minute".
    what: &'static str,
    unit: &'static str,
    buckets: Mutex<Buckets>,
}

#[derive(Debug, Default)]
struct Buckets {
    keys: HashMap<String, TokenBucket>,
    addresses: HashMap<IpAddr, TokenBucket>,
}

/// Which bucket refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Client,
    Address,
}

impl Quota {
    pub(crate) fn per_minute(per_minute: u64, what: &'static str, unit: &'static str) -> Self {
        Self {
            per_minute,
            clients_per_address: DEFAULT_CLIENTS_PER_ADDRESS,
            what,
            unit,
            buckets: Mutex::new(Buckets::default()),
        }
    }

    /// The same quota with an address's ceiling at `n` clients' worth.
    pub(crate) fn clients_per_address(mut self, n: u64) -> Self {
        self.clients_per_address = n.max(1);
        self
    }

    /// Takes `cost` from `who`'s bucket and from its address's, or refuses with when to
    /// retry (and which ran out).
    pub(crate) fn take(&self, who: &Who, cost: u64) -> Result<(), RateLimited> {
        self.take_at(who, cost, Instant::now())
            .map_err(|(wait, scope)| RateLimited {
                what: self.what,
                limit: match scope {
                    Scope::Client => self.per_minute,
                    Scope::Address => self.per_minute.saturating_mul(self.clients_per_address),
                },
                unit: self.unit,
                scope: match scope {
                    Scope::Client => "client",
                    Scope::Address => "address",
                },
                retry_after_s: wait.as_secs().max(1),
            })
    }

    fn take_at(&self, who: &Who, cost: u64, now: Instant) -> Result<(), (Duration, Scope)> {
        let full = self.per_minute as f64;
        let ceiling = full * self.clients_per_address as f64;
        let cost = cost as f64;
        let mut guard = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let Buckets { keys, addresses } = &mut *guard;
        if keys.len() >= MAX_CLIENTS && !keys.contains_key(&who.key) {
            keys.retain(|_, b| !b.is_full(now));
        }
        if let Some(ip) = who.ip
            && addresses.len() >= MAX_CLIENTS
            && !addresses.contains_key(&ip)
        {
            addresses.retain(|_, b| !b.is_full(now));
        }
        let key = keys
            .entry(who.key.clone())
            .or_insert_with(|| TokenBucket::full(full, full / 60.0, now));
        key.fits(cost, now).map_err(|w| (w, Scope::Client))?;
        if let Some(ip) = who.ip {
            let address = addresses
                .entry(ip)
                .or_insert_with(|| TokenBucket::full(ceiling, ceiling / 60.0, now));
            address.take(cost, now).map_err(|w| (w, Scope::Address))?;
        }
        key.tokens -= cost;
        Ok(())
    }
}

/// The lab's two quotas (see `protocol::lab` for the numbers).
#[derive(Debug, Clone)]
pub(crate) struct LabQuotas {
    pub(crate) requests: Arc<Quota>,
    pub(crate) response_bytes: Arc<Quota>,
}

impl LabQuotas {
    pub(crate) fn new(clients_per_address: u64) -> Self {
        Self {
            requests: Arc::new(
                Quota::per_minute(LAB_REQUESTS_PER_MINUTE, "lab requests", "requests")
                    .clients_per_address(clients_per_address),
            ),
            response_bytes: Arc::new(
                Quota::per_minute(LAB_RESPONSE_BYTES_PER_MINUTE, "lab response bytes", "bytes")
                    .clients_per_address(clients_per_address),
            ),
        }
    }
}

/// The race's round trips per client per minute.
pub(crate) fn race_round_trips(clients_per_address: u64) -> Quota {
    Quota::per_minute(
        RACE_ROUND_TRIPS_PER_MINUTE,
        "race round trips",
        "round trips",
    )
    .clients_per_address(clients_per_address)
}

/// Feed reads (polls, streams, sockets) per client per minute.
pub(crate) fn feed_requests(clients_per_address: u64) -> Quota {
    Quota::per_minute(FEED_REQUESTS_PER_MINUTE, "feed requests", "requests")
        .clients_per_address(clients_per_address)
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

    #[test]
    fn bucket_refuses_then_refills() {
        let q = Quota::per_minute(60, "things", "things"); // one per second
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(q.take_at(&who("a"), 1, t0).is_ok());
        }
        let (wait, _) = q.take_at(&who("a"), 1, t0).unwrap_err();
        assert!((wait.as_secs_f64() - 1.0).abs() < 1e-6, "{wait:?}");
        // Another client is unaffected.
        assert!(q.take_at(&who("b"), 1, t0).is_ok());
        // A second later, one more fits.
        assert!(q.take_at(&who("a"), 1, t0 + Duration::from_secs(1)).is_ok());
        assert!(
            q.take_at(&who("a"), 1, t0 + Duration::from_secs(1))
                .is_err()
        );
        // More than a whole bucket never fits.
        assert_eq!(
            q.take_at(&who("c"), 61, t0),
            Err((Duration::from_secs(60), Scope::Client))
        );
    }

    #[test]
    fn rotating_keys_from_one_address_meets_its_ceiling() {
        let q = Quota::per_minute(10, "things", "things").clients_per_address(3);
        let t0 = Instant::now();
        let ip = Some("10.1.2.3".parse().unwrap());
        let at = |k: &str| Who {
            key: k.to_owned(),
            ip,
        };
        // Three keys' worth from one address, then nothing more, whatever the key.
        for k in ["a", "b", "c"] {
            assert!(q.take_at(&at(k), 10, t0).is_ok());
        }
        let (_, scope) = q.take_at(&at("d"), 1, t0).unwrap_err();
        assert_eq!(scope, Scope::Address);
        let refused = q.take(&at("e"), 1).unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("30 things per minute per address"),
            "{refused}"
        );
        // A refused cost is not taken from the key's own bucket.
        assert!(q.take_at(&who("d"), 10, t0).is_ok());
        // Another address is unaffected.
        let other = Who {
            key: "f".into(),
            ip: Some("10.9.9.9".parse().unwrap()),
        };
        assert!(q.take_at(&other, 10, t0).is_ok());
    }

    #[test]
    fn a_refusal_says_what_and_when() {
        let q = Quota::per_minute(1, "lab requests", "requests");
        assert!(q.take(&who("a"), 1).is_ok());
        let refused = q.take(&who("a"), 1).unwrap_err();
        assert!(refused.retry_after_s >= 1);
        assert!(
            refused
                .to_string()
                .starts_with("too many lab requests: the limit is 1 requests per minute"),
            "{refused}"
        );
    }

    #[test]
    fn a_flood_bucket_takes_its_burst_then_its_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::full(3.0, 2.0, t0);
        for _ in 0..3 {
            assert!(b.take(1.0, t0).is_ok());
        }
        assert!(b.take(1.0, t0).is_err());
        assert!(b.take(1.0, t0 + Duration::from_millis(500)).is_ok());
        assert!(b.take(1.0, t0 + Duration::from_millis(500)).is_err());
    }
}
