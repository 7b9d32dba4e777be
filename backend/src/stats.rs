//! The server's own aggregate counts ([`ServerStats`], `GET /api/stats`): WebSocket
//! sessions open now and at most (the session caps' count, `WsLife::places`), TCP
//! connections open (the connection layer's live table), the process's OS threads and the
//! runtime's workers, and the uptime. `routes/stats.rs` answers with [`now`].
//!
//! The thread count is read synchronously from `/proc/self/status` (procfs, in memory):
//! handing the read to `spawn_blocking` would start the very blocking-pool threads the
//! count is meant to show do not grow with the sessions.

use protocol::stats::ServerStats;

use crate::conn::Observatory;
use crate::conn::gate::Places;

/// The counts now: `sessions` is the session caps' count, `obs` the connection layer.
/// Must run inside the Tokio runtime (it asks it for its workers).
pub(crate) fn now(sessions: &Places, obs: &Observatory) -> ServerStats {
    let workers = tokio::runtime::Handle::current().metrics().num_workers();
    ServerStats {
        sessions_open: sessions.open() as u64,
        sessions_peak: sessions.peak() as u64,
        connections_open: obs.live_count() as u64,
        os_threads: os_threads(),
        runtime_workers: u32::try_from(workers).unwrap_or(u32::MAX),
        uptime_ms: obs.now_us() / 1000,
    }
}

/// This process's OS threads, where the system says (Linux); else `None`.
fn os_threads() -> Option<u32> {
    if cfg!(target_os = "linux") {
        threads_in(&std::fs::read_to_string("/proc/self/status").ok()?)
    } else {
        None
    }
}

/// The `Threads:` line of a `/proc/<pid>/status` text.
fn threads_in(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::{now, threads_in};
    use crate::conn::Observatory;
    use crate::conn::gate::Places;

    #[test]
    fn reads_the_threads_line() {
        let status = "Name:\tbackend\nState:\tS (sleeping)\nThreads:\t17\nSigQ:\t0/63\n";
        assert_eq!(threads_in(status), Some(17));
        assert_eq!(threads_in("Name:\tx\n"), None);
        assert_eq!(threads_in("Threads:\tmany\n"), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn counts_sessions_workers_and_threads() {
        let places = Places::new(10, 10);
        let ip = "10.0.0.1".parse().unwrap();
        let first = places.admit(ip).unwrap();
        let _second = places.admit(ip).unwrap();
        drop(first);
        let stats = now(&places, &Observatory::new());
        assert_eq!((stats.sessions_open, stats.sessions_peak), (1, 2));
        assert_eq!(stats.connections_open, 0);
        assert_eq!(stats.runtime_workers, 2);
        if cfg!(target_os = "linux") {
            // The two workers, the test's own thread and the harness's.
            assert!(stats.os_threads.is_some_and(|n| n >= 3), "{stats:?}");
        }
    }
}
