//! Rate caps, so a public instance cannot be turned into a load generator: one token-bucket
//! type ([`TokenBucket`]) serves both the per-client quotas ([`Quota`], keyed by the page's
//! client key or the peer's IP address) and a WebSocket session's own flood cap.
//!
//! A bucket holds up to `capacity` tokens and refills evenly at `per_second`; taking a cost
//! either succeeds or says how long until it would fit. A quota's table is bounded: when it
//! is full, buckets that have refilled completely (idle clients) are dropped. A refused
//! quota is a [`RateLimited`], the one place the 429's wording comes from.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use protocol::compare::{FEED_REQUESTS_PER_MINUTE, RACE_ROUND_TRIPS_PER_MINUTE};
use protocol::lab::{LAB_REQUESTS_PER_MINUTE, LAB_RESPONSE_BYTES_PER_MINUTE};

/// Most clients tracked at once; beyond this, full (idle) buckets are forgotten first.
const MAX_CLIENTS: usize = 10_000;

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
        self.refill(now);
        if cost > self.capacity {
            return Err(Duration::from_secs(60));
        }
        if self.tokens >= cost {
            self.tokens -= cost;
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
    "too many {what}: the limit is {limit} {unit} per minute per client; retry in {retry_after_s} s"
)]
pub(crate) struct RateLimited {
    pub(crate) what: &'static str,
    pub(crate) limit: u64,
    pub(crate) unit: &'static str,
    pub(crate) retry_after_s: u64,
}

/// One kind of quota (requests, bytes, ...) for every client, refilled over a minute.
#[derive(Debug)]
pub(crate) struct Quota {
    per_minute: u64,
    /// For the refusal's message: "too many {what} … {per_minute} {unit} per minute".
    what: &'static str,
    unit: &'static str,
    buckets: Mutex<HashMap<String, TokenBucket>>,
}

impl Quota {
    pub(crate) fn per_minute(per_minute: u64, what: &'static str, unit: &'static str) -> Self {
        Self {
            per_minute,
            what,
            unit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `cost` from `client`'s bucket, or refuses with when to retry.
    pub(crate) fn take(&self, client: &str, cost: u64) -> Result<(), RateLimited> {
        self.take_at(client, cost, Instant::now())
            .map_err(|wait| RateLimited {
                what: self.what,
                limit: self.per_minute,
                unit: self.unit,
                retry_after_s: wait.as_secs().max(1),
            })
    }

    fn take_at(&self, client: &str, cost: u64, now: Instant) -> Result<(), Duration> {
        let full = self.per_minute as f64;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(client) {
            buckets.retain(|_, b| !b.is_full(now));
        }
        buckets
            .entry(client.to_owned())
            .or_insert_with(|| TokenBucket::full(full, full / 60.0, now))
            .take(cost as f64, now)
    }
}

/// The lab's two quotas (see `protocol::lab` for the numbers).
#[derive(Debug, Clone)]
pub(crate) struct LabQuotas {
    pub(crate) requests: Arc<Quota>,
    pub(crate) response_bytes: Arc<Quota>,
}

impl LabQuotas {
    pub(crate) fn new() -> Self {
        Self {
            requests: Arc::new(Quota::per_minute(
                LAB_REQUESTS_PER_MINUTE,
                "lab requests",
                "requests",
            )),
            response_bytes: Arc::new(Quota::per_minute(
                LAB_RESPONSE_BYTES_PER_MINUTE,
                "lab response bytes",
                "bytes",
            )),
        }
    }
}

/// The race's round trips per client per minute.
pub(crate) fn race_round_trips() -> Quota {
    Quota::per_minute(
        RACE_ROUND_TRIPS_PER_MINUTE,
        "race round trips",
        "round trips",
    )
}

/// Feed reads (polls, streams, sockets) per client per minute.
pub(crate) fn feed_requests() -> Quota {
    Quota::per_minute(FEED_REQUESTS_PER_MINUTE, "feed requests", "requests")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_refuses_then_refills() {
        let q = Quota::per_minute(60, "things", "things"); // one per second
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(q.take_at("a", 1, t0).is_ok());
        }
        let wait = q.take_at("a", 1, t0).unwrap_err();
        assert!((wait.as_secs_f64() - 1.0).abs() < 1e-6, "{wait:?}");
        // Another client is unaffected.
        assert!(q.take_at("b", 1, t0).is_ok());
        // A second later, one more fits.
        assert!(q.take_at("a", 1, t0 + Duration::from_secs(1)).is_ok());
        assert!(q.take_at("a", 1, t0 + Duration::from_secs(1)).is_err());
        // More than a whole bucket never fits.
        assert_eq!(q.take_at("c", 61, t0), Err(Duration::from_secs(60)));
    }

    #[test]
    fn a_refusal_says_what_and_when() {
        let q = Quota::per_minute(1, "lab requests", "requests");
        assert!(q.take("a", 1).is_ok());
        let refused = q.take("a", 1).unwrap_err();
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
