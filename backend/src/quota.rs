//! Per-client quotas, so a public instance cannot be turned into a load generator: token
//! buckets keyed by the page's client key (or the peer's IP address when there is none).
//!
//! A bucket holds up to `per_minute` tokens and refills evenly over a minute; a request
//! takes its cost or is refused with the time until it would fit. The table is bounded:
//! when it is full, buckets that have refilled completely (idle clients) are dropped.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most clients tracked at once; beyond this, full (idle) buckets are forgotten first.
const MAX_CLIENTS: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// One kind of quota (requests, bytes, ...) for every client.
#[derive(Debug)]
pub(crate) struct Quota {
    per_minute: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Quota {
    pub(crate) fn per_minute(per_minute: u64) -> Self {
        Self {
            per_minute: per_minute as f64,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `cost` tokens from `client`'s bucket, or says how long until they are there.
    /// A cost above the bucket size can never fit and is refused with a minute's wait.
    pub(crate) fn take(&self, client: &str, cost: u64) -> Result<(), Duration> {
        self.take_at(client, cost, Instant::now())
    }

    fn take_at(&self, client: &str, cost: u64, now: Instant) -> Result<(), Duration> {
        let cost = cost as f64;
        let rate_per_s = self.per_minute / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(client) {
            let full = self.per_minute;
            buckets.retain(|_, b| refill(b, now, rate_per_s, full).tokens < full);
        }
        let bucket = buckets.entry(client.to_owned()).or_insert(Bucket {
            tokens: self.per_minute,
            at: now,
        });
        let b = refill(bucket, now, rate_per_s, self.per_minute);
        if cost > self.per_minute {
            return Err(Duration::from_secs(60));
        }
        if b.tokens >= cost {
            bucket.tokens = b.tokens - cost;
            bucket.at = now;
            Ok(())
        } else {
            *bucket = b;
            Err(Duration::from_secs_f64((cost - b.tokens) / rate_per_s))
        }
    }
}

fn refill(b: &Bucket, now: Instant, rate_per_s: f64, full: f64) -> Bucket {
    let gained = now.saturating_duration_since(b.at).as_secs_f64() * rate_per_s;
    Bucket {
        tokens: (b.tokens + gained).min(full),
        at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_refuses_then_refills() {
        let q = Quota::per_minute(60); // one per second
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
}
