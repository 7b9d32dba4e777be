//! A Compare run as a document: what the page's "Download JSON" writes and what
//! `duplex-load race` / `duplex-load feed` write, one shape for both, so a run in a browser
//! and a run from the command line can be read side by side (and by the same script).
//!
//! Also the one definition of the figures in it: [`summarize`] (count, extremes, mean and
//! three percentiles, by [`percentile`]'s linear interpolation), used by the page's tables
//! and by the load client alike.
//!
//! ```json
//! {"duplex": "compare", "client": "page", "settings": {"n": "200", …},
//!  "network": {"emulated": false, "rtt_ms": 0, "jitter_ms": 0},
//!  "cross_origin_isolated": true,
//!  "race": [{"contender": "ws", "round_trip_ms": {"n": 200, "p50": 0.3, …}, …}],
//!  "feed": [{"strategy": "short", "delivered": 100, "staleness_ms": {…}, …}]}
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::compare::Tally;

/// The value of [`CompareReport::duplex`]: which page's run this is.
pub const COMPARE_DOCUMENT: &str = "compare";
/// [`CompareReport::client`] when the page made the run.
pub const CLIENT_PAGE: &str = "page";
/// [`CompareReport::client`] when `duplex-load` made it.
pub const CLIENT_LOAD: &str = "duplex-load";

/// One Compare run: its settings, the network model, each contender's race and each
/// strategy's feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareReport {
    /// Always [`COMPARE_DOCUMENT`].
    pub duplex: String,
    /// Who ran it: [`CLIENT_PAGE`] or [`CLIENT_LOAD`].
    pub client: String,
    /// The settings as the page's URL query names them (`n`, `size`, `k`, `c`, `rate`,
    /// `secs`, `poll`, `s`, `net`, …), so a run can be set up again from them.
    pub settings: BTreeMap<String, String>,
    pub network: NetworkReport,
    /// Whether the page had precise timers (a browser's `crossOriginIsolated`); a native
    /// client's timers are always precise, and it writes `true`.
    pub cross_origin_isolated: bool,
    pub race: Vec<RaceReport>,
    pub feed: Vec<FeedReport>,
}

/// The emulated network the run asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkReport {
    pub emulated: bool,
    pub rtt_ms: u32,
    pub jitter_ms: u32,
}

/// One contender's race.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RaceReport {
    /// The contender's slug (`new`, `keep`, `ws`).
    pub contender: String,
    pub round_trip_ms: Option<Summary>,
    /// First send → last answer.
    pub wall_ms: f64,
    pub round_trips_per_second: Option<f64>,
    /// Bytes on the wire per round trip beyond the payload (both ways), from the server's
    /// count.
    pub overhead_bytes_per_round_trip: Option<f64>,
    pub server_counted: Option<Counted>,
    /// Why it stopped early, in English.
    pub error: Option<String>,
    /// Every round trip, in the order they completed.
    pub samples_ms: Vec<f64>,
}

/// One strategy's feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedReport {
    /// The strategy's slug (`short`, `long`, `sse`, `ws`).
    pub strategy: String,
    pub delivered: usize,
    pub staleness_ms: Option<Summary>,
    pub requests: u64,
    pub empty_responses: u64,
    pub out_of_order: u64,
    pub server_counted: Option<Counted>,
    pub error: Option<String>,
    /// `[seconds since the feed started, staleness in ms]` per event delivered.
    pub points: Vec<(f64, f64)>,
}

/// What the server counted for a run ([`Tally`] without what is only true at the moment
/// it was read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    pub requests: u64,
    pub connections_opened: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub empty_responses: u64,
    pub held_peak: u64,
    pub settled: bool,
}

impl From<Tally> for Counted {
    fn from(t: Tally) -> Self {
        Self {
            requests: t.requests,
            connections_opened: t.connections_opened,
            bytes_in: t.bytes_in,
            bytes_out: t.bytes_out,
            empty_responses: t.empty_responses,
            held_peak: t.held_peak,
            settled: t.settled,
        }
    }
}

/// Bytes on the wire per round trip beyond `size` bytes of payload each way.
pub fn overhead_per_round_trip(tally: Option<Tally>, round_trips: usize, size: u64) -> Option<f64> {
    let t = tally?;
    let n = round_trips as f64;
    (n > 0.0).then(|| (t.bytes_in + t.bytes_out) as f64 / n - 2.0 * size as f64)
}

/// Count, extremes, mean and three percentiles of one series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Finite samples counted.
    pub n: usize,
    pub min: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

/// Summarises `samples` (any order; non-finite ones ignored); `None` when there is no
/// finite sample.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    let sorted = sorted_finite(samples);
    let (&min, &max) = (sorted.first()?, sorted.last()?);
    let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
    Some(Summary {
        n: sorted.len(),
        min,
        p50: percentile(&sorted, 0.5),
        p95: percentile(&sorted, 0.95),
        p99: percentile(&sorted, 0.99),
        max,
        mean,
    })
}

/// The finite values of `samples`, sorted ascending (a copy).
///
/// Sorted as `i64` keys that order like `f64::total_cmp` (its own bit trick), not with
/// `sort_by(f64::total_cmp)`: the page sorts indices as `i64` too, and one sort instance
/// in its wasm instead of two or three saves ~6.5 KB (measured 2026-11-23, issue 14).
pub fn sorted_finite(samples: &[f64]) -> Vec<f64> {
    let mut keys: Vec<i64> = samples
        .iter()
        .filter(|x| x.is_finite())
        .map(|x| total_order_key(*x))
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(from_total_order_key).collect()
}

/// An `i64` that orders like `f64::total_cmp`; its own inverse on the bits
/// ([`from_total_order_key`]).
fn total_order_key(x: f64) -> i64 {
    let mut bits = x.to_bits() as i64;
    bits ^= (((bits >> 63) as u64) >> 1) as i64;
    bits
}

fn from_total_order_key(mut key: i64) -> f64 {
    key ^= (((key >> 63) as u64) >> 1) as i64;
    f64::from_bits(key as u64)
}

/// The `q`-quantile (`q` in `0..=1`, clamped) of already **sorted** finite samples, by
/// linear interpolation between closest ranks — numpy's default `method="linear"`, R's
/// `quantile(type = 7)`, Excel's `PERCENTILE.INC`: `h = (n − 1)·q`, `i = ⌊h⌋`,
/// `P(q) = x[i] + (h − i)·(x[i+1] − x[i])`. NaN when `sorted` is empty or `q` is NaN.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() || q.is_nan() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let i = h.floor() as usize;
    match (sorted.get(i), sorted.get(i + 1)) {
        (Some(&lo), Some(&hi)) => lo + (h - i as f64) * (hi - lo),
        (Some(&lo), None) => lo,
        _ => f64::NAN,
    }
}
