//! `GET /api/stats`: the server's own aggregate counts — WebSocket sessions open (now and
//! at most), TCP connections open, the OS threads of its process and the async runtime's
//! workers, its uptime. Numbers only: nothing in it names or describes any client.
//!
//! What it is for: watching sessions grow while the threads serving them do not (an async
//! server does not need a thread per client).

use serde::{Deserialize, Serialize};

/// `GET`: [`ServerStats`] (`Cache-Control: no-store`).
pub const STATS_PATH: &str = "/api/stats";

/// The server's counts at the moment it answered.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ServerStats {
    /// WebSocket sessions open now, every endpoint's together: the count the session caps
    /// (`--max-sessions`) keep, from the upgrade's handler until the session's loop ends.
    pub sessions_open: u64,
    /// The most WebSocket sessions open at once since the server started.
    pub sessions_peak: u64,
    /// TCP connections open now (HTTP and WebSocket alike), as the connection layer
    /// counts them.
    pub connections_open: u64,
    /// The server process's OS threads now; `None` where the server cannot tell (it reads
    /// Linux's `/proc/self/status`).
    pub os_threads: Option<u32>,
    /// The async runtime's worker threads (a fixed number, one per core by default).
    pub runtime_workers: u32,
    /// Milliseconds since the server started, on its monotonic clock.
    pub uptime_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON, pinned: field names and `null` for an unknown thread count.
    #[test]
    fn wire_shape_round_trips() {
        let cases = [
            (
                ServerStats {
                    sessions_open: 100,
                    sessions_peak: 120,
                    connections_open: 101,
                    os_threads: Some(9),
                    runtime_workers: 2,
                    uptime_ms: 12_345,
                },
                r#"{"sessions_open":100,"sessions_peak":120,"connections_open":101,"os_threads":9,"runtime_workers":2,"uptime_ms":12345}"#,
            ),
            (
                ServerStats {
                    sessions_open: 0,
                    sessions_peak: 0,
                    connections_open: 1,
                    os_threads: None,
                    runtime_workers: 1,
                    uptime_ms: 0,
                },
                r#"{"sessions_open":0,"sessions_peak":0,"connections_open":1,"os_threads":null,"runtime_workers":1,"uptime_ms":0}"#,
            ),
        ];
        for (stats, json) in cases {
            assert_eq!(serde_json::to_string(&stats).unwrap(), json);
            assert_eq!(serde_json::from_str::<ServerStats>(json).unwrap(), stats);
        }
    }

    #[test]
    fn refuses_negative_or_missing_counts() {
        for bad in [
            r#"{"sessions_open":-1,"sessions_peak":0,"connections_open":0,"os_threads":null,"runtime_workers":1,"uptime_ms":0}"#,
            r#"{"sessions_open":0,"connections_open":0,"os_threads":null,"runtime_workers":1,"uptime_ms":0}"#,
        ] {
            assert!(serde_json::from_str::<ServerStats>(bad).is_err(), "{bad}");
        }
    }
}
