//! What a run did, per scenario: completed, refused (429/503), failed (anything else), an
//! HDR histogram of how long each completed one took, and the first few failures' texts.
//! Printed as a table, written as JSON (`--json`); live totals for the progress display.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hdrhistogram::Histogram;
use protocol::compare::{Contender, Strategy};
use serde_json::{Value, json};

use crate::error::LoadError;

/// Failure texts kept per scenario (the rest are only counted).
const KEPT_ERRORS: usize = 5;
/// The histograms' range: 1 µs to 10 minutes, 3 significant digits.
const HIST_MAX_US: u64 = 600_000_000;

/// One thing a worker does and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// `/ws`: welcome, text and binary echoes, a clock probe, a normal close.
    WsSession,
    /// `/ws/echo`: text and binary echoes, a normal close.
    WsEcho,
    /// `/api/lab`, keep-alive (`close: false`, two requests on one connection) or
    /// `Connection: close`.
    Lab { close: bool },
    /// A feed started (`POST`) and stopped (`DELETE`).
    Feed,
    /// The first events of that feed, read one way.
    FeedRead(Strategy),
    /// A small race on one contender, checked against the server's tally.
    Race(Contender),
}

impl Scenario {
    /// Every scenario, in the order of the summary.
    pub(crate) const ALL: [Scenario; 12] = [
        Scenario::WsSession,
        Scenario::WsEcho,
        Scenario::Lab { close: false },
        Scenario::Lab { close: true },
        Scenario::Feed,
        Scenario::FeedRead(Strategy::ShortPoll),
        Scenario::FeedRead(Strategy::LongPoll),
        Scenario::FeedRead(Strategy::Sse),
        Scenario::FeedRead(Strategy::WebSocket),
        Scenario::Race(Contender::NewConnection),
        Scenario::Race(Contender::KeepAlive),
        Scenario::Race(Contender::WebSocket),
    ];

    /// The name in the summary and the JSON (the feed's and race's from protocol's slugs).
    pub(crate) fn name(self) -> String {
        match self {
            Scenario::WsSession => "ws_session".to_owned(),
            Scenario::WsEcho => "ws_echo".to_owned(),
            Scenario::Lab { close: false } => "lab_keep_alive".to_owned(),
            Scenario::Lab { close: true } => "lab_close".to_owned(),
            Scenario::Feed => "feed_start_stop".to_owned(),
            Scenario::FeedRead(s) => format!("feed_{}", s.slug()),
            Scenario::Race(c) => format!("race_{}", c.slug()),
        }
    }

    fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|s| *s == self)
            .expect("every scenario is in ALL")
    }
}

/// One scenario's counts.
#[derive(Debug)]
struct Row {
    completed: u64,
    refused: u64,
    failed: u64,
    /// Completed ones, µs.
    took_us: Histogram<u64>,
    errors: Vec<String>,
}

impl Row {
    fn new() -> Self {
        Self {
            completed: 0,
            refused: 0,
            failed: 0,
            took_us: Histogram::new_with_bounds(1, HIST_MAX_US, 3)
                .expect("constant bounds are valid"),
            errors: Vec::new(),
        }
    }
}

/// Totals across scenarios.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    pub(crate) completed: u64,
    pub(crate) refused: u64,
    pub(crate) failed: u64,
}

/// Counts shared by every worker.
#[derive(Debug)]
pub(crate) struct Report {
    rows: Mutex<Vec<Row>>,
    completed: AtomicU64,
    refused: AtomicU64,
    failed: AtomicU64,
}

impl Default for Report {
    fn default() -> Self {
        Self {
            rows: Mutex::new(Scenario::ALL.iter().map(|_| Row::new()).collect()),
            completed: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        }
    }
}

impl Report {
    /// Counts one run of `scenario` that took `took`.
    pub(crate) fn record(&self, scenario: Scenario, took: Duration, result: Result<(), LoadError>) {
        let mut rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        let row = &mut rows[scenario.index()];
        match result {
            Ok(()) => {
                row.completed += 1;
                row.took_us
                    .saturating_record(u64::try_from(took.as_micros()).unwrap_or(u64::MAX));
                self.completed.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) if e.is_refusal() => {
                row.refused += 1;
                self.refused.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                row.failed += 1;
                if row.errors.len() < KEPT_ERRORS {
                    row.errors.push(e.to_string());
                }
                self.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub(crate) fn totals(&self) -> Totals {
        Totals {
            completed: self.completed.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }

    /// The summary table (times in ms of completed runs) and the kept failure texts.
    pub(crate) fn table(&self) -> String {
        let rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = format!(
            "{:<20} {:>9} {:>7} {:>6} {:>8} {:>8} {:>8}\n",
            "scenario", "completed", "refused", "failed", "p50 ms", "p99 ms", "max ms"
        );
        let ms = |us: u64| us as f64 / 1000.0;
        for (s, r) in Scenario::ALL.iter().zip(rows.iter()) {
            out.push_str(&format!(
                "{:<20} {:>9} {:>7} {:>6} {:>8.1} {:>8.1} {:>8.1}\n",
                s.name(),
                r.completed,
                r.refused,
                r.failed,
                ms(r.took_us.value_at_quantile(0.5)),
                ms(r.took_us.value_at_quantile(0.99)),
                ms(r.took_us.max()),
            ));
        }
        for (s, r) in Scenario::ALL.iter().zip(rows.iter()) {
            for e in &r.errors {
                out.push_str(&format!("  {} failed: {e}\n", s.name()));
            }
        }
        out
    }

    /// Every scenario's counts, latency quantiles (µs) and kept failures, as JSON.
    pub(crate) fn scenarios_json(&self) -> Value {
        let rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        Scenario::ALL
            .iter()
            .zip(rows.iter())
            .map(|(s, r)| {
                json!({
                    "name": s.name(),
                    "completed": r.completed,
                    "refused": r.refused,
                    "failed": r.failed,
                    "latency_us": {
                        "p50": r.took_us.value_at_quantile(0.5),
                        "p90": r.took_us.value_at_quantile(0.9),
                        "p99": r.took_us.value_at_quantile(0.99),
                        "max": r.took_us.max(),
                    },
                    "errors": r.errors,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_names() {
        let r = Report::default();
        r.record(Scenario::WsEcho, Duration::from_millis(2), Ok(()));
        r.record(
            Scenario::Race(Contender::KeepAlive),
            Duration::ZERO,
            Err(LoadError::Refused { status: 429 }),
        );
        r.record(
            Scenario::FeedRead(Strategy::Sse),
            Duration::ZERO,
            Err(crate::error::unexpected("bad")),
        );
        assert_eq!(
            r.totals(),
            Totals {
                completed: 1,
                refused: 1,
                failed: 1
            }
        );
        let json = r.scenarios_json();
        let names: Vec<&str> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        assert_eq!(names[8], "feed_ws");
        assert_eq!(names[9], "race_new");
        assert!(r.table().contains("feed_sse failed: bad"));
    }
}
