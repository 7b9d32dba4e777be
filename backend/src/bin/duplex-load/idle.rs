//! `duplex-load idle`: many idle `/ws` sessions held open at once. Each client socket is
//! bound to its own loopback source address first (127.0.0.2, 127.0.0.3, …, at most
//! `--per-address` each), because the server caps connections per IP; then it connects,
//! shakes hands and reads the welcome. The sessions are held for `--hold-secs`, then each
//! proves it is still open (a clock probe answered) and is closed normally.
//!
//! With `--server-pid`, the server's resident memory (`VmRSS`) and open descriptors are
//! read before and while the sessions are held (Linux `/proc`; the server must be on this
//! machine), so the run reports memory per idle session.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use protocol::observe::WsQuery;
use protocol::query::target;
use protocol::ws::WS_PATH;
use protocol::{ClientMsg, ServerMsg};
use serde_json::{Value, json};
use tokio::net::TcpSocket;

use crate::error::{LoadError, unexpected};
use crate::target::Target;
use crate::ws::{self, Ws};

/// Failure texts kept (the rest are only counted).
const KEPT_ERRORS: usize = 5;

/// What an idle run does.
#[derive(Debug, Clone)]
pub(crate) struct IdleConfig {
    pub(crate) sessions: usize,
    pub(crate) hold: Duration,
    pub(crate) per_address: usize,
    pub(crate) first_address: Ipv4Addr,
    /// Handshakes in flight at once while opening (and closes while closing).
    pub(crate) at_once: usize,
    pub(crate) server_pid: Option<u32>,
}

/// A server's memory and descriptors at one moment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServerSample {
    pub(crate) rss_kib: u64,
    pub(crate) fds: u64,
}

/// Reads `/proc/PID/status` (VmRSS) and counts `/proc/PID/fd`.
pub(crate) fn sample(pid: u32) -> Option<ServerSample> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count() as u64;
    Some(ServerSample { rss_kib, fds })
}

/// What an idle run saw.
#[derive(Debug, Default)]
pub(crate) struct IdleReport {
    pub(crate) asked: usize,
    pub(crate) opened: usize,
    pub(crate) refused: usize,
    pub(crate) failed: usize,
    /// Open sessions that still answered after the hold.
    pub(crate) alive_after_hold: usize,
    pub(crate) closed_cleanly: usize,
    pub(crate) addresses: usize,
    pub(crate) open_secs: f64,
    pub(crate) before: Option<ServerSample>,
    pub(crate) held: Option<ServerSample>,
    pub(crate) errors: Vec<String>,
}

impl IdleReport {
    fn fail(&mut self, e: &LoadError) {
        self.failed += 1;
        if self.errors.len() < KEPT_ERRORS {
            self.errors.push(e.to_string());
        }
    }

    /// Server memory per held session, in KiB (when the server was sampled).
    pub(crate) fn kib_per_session(&self) -> Option<f64> {
        let (b, h) = (self.before?, self.held?);
        (self.opened > 0).then(|| (h.rss_kib as f64 - b.rss_kib as f64) / self.opened as f64)
    }

    pub(crate) fn text(&self) -> String {
        let mut out = format!(
            "idle sessions: asked {}, opened {} from {} source addresses in {:.1} s, refused {}, failed {}; \
             alive after the hold {}, closed cleanly {}\n",
            self.asked,
            self.opened,
            self.addresses,
            self.open_secs,
            self.refused,
            self.failed,
            self.alive_after_hold,
            self.closed_cleanly
        );
        if let (Some(b), Some(h)) = (self.before, self.held) {
            out.push_str(&format!(
                "server: RSS {} KiB → {} KiB, fds {} → {} ({:.1} KiB per session)\n",
                b.rss_kib,
                h.rss_kib,
                b.fds,
                h.fds,
                self.kib_per_session().unwrap_or(0.0)
            ));
        }
        for e in &self.errors {
            out.push_str(&format!("  failed: {e}\n"));
        }
        out
    }

    pub(crate) fn json(&self) -> Value {
        let s = |x: Option<ServerSample>| x.map(|x| json!({"rss_kib": x.rss_kib, "fds": x.fds}));
        json!({
            "command": "idle",
            "asked": self.asked,
            "opened": self.opened,
            "refused": self.refused,
            "failed": self.failed,
            "alive_after_hold": self.alive_after_hold,
            "closed_cleanly": self.closed_cleanly,
            "source_addresses": self.addresses,
            "open_secs": self.open_secs,
            "server_before": s(self.before),
            "server_held": s(self.held),
            "server_kib_per_session": self.kib_per_session(),
            "errors": self.errors,
        })
    }
}

/// The source address of session `i`.
fn source(cfg: &IdleConfig, i: usize) -> Ipv4Addr {
    let n = u32::from(cfg.first_address) + (i / cfg.per_address.max(1)) as u32;
    Ipv4Addr::from(n)
}

/// One session: bind, connect, handshake, welcome.
async fn open(server: &Target, from: Ipv4Addr) -> Result<Ws, LoadError> {
    let socket = match server.addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => return Err(unexpected("idle sessions need an IPv4 server")),
    };
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0))?;
    let stream = ws::patient(async { Ok(socket.connect(server.addr).await?) }).await?;
    stream.set_nodelay(true)?;
    let mut sock =
        ws::handshake(server, stream, &target(WS_PATH, &WsQuery::default()), None).await?;
    match ws::next_server_msg(&mut sock).await? {
        ServerMsg::Welcome { .. } => Ok(sock),
        other => Err(unexpected(format!("expected the welcome, got {other:?}"))),
    }
}

/// Still open: a clock probe is answered.
async fn alive(sock: &mut Ws) -> Result<(), LoadError> {
    ws::send_msg(sock, &ClientMsg::Clock { seq: 1 }).await?;
    match ws::next_server_msg(sock).await? {
        ServerMsg::Clock { seq: 1, .. } => Ok(()),
        other => Err(unexpected(format!(
            "expected the clock reply, got {other:?}"
        ))),
    }
}

/// Opens, holds, checks and closes `cfg.sessions` idle sessions.
pub(crate) async fn run(target: Target, cfg: IdleConfig) -> IdleReport {
    let mut report = IdleReport {
        asked: cfg.sessions,
        addresses: cfg.sessions.div_ceil(cfg.per_address.max(1)),
        before: cfg.server_pid.and_then(sample),
        ..IdleReport::default()
    };
    let t0 = Instant::now();
    let target_ref = &target;
    let results: Vec<Result<Ws, LoadError>> = futures_util::stream::iter(0..cfg.sessions)
        .map(|i| open(target_ref, source(&cfg, i)))
        .buffer_unordered(cfg.at_once.max(1))
        .collect()
        .await;
    report.open_secs = t0.elapsed().as_secs_f64();
    let mut held = Vec::new();
    for r in results {
        match r {
            Ok(s) => held.push(s),
            Err(e) if e.is_refusal() => report.refused += 1,
            Err(e) => report.fail(&e),
        }
    }
    report.opened = held.len();
    eprintln!(
        "holding {} idle sessions for {} s (refused {}, failed {})",
        held.len(),
        cfg.hold.as_secs(),
        report.refused,
        report.failed
    );
    tokio::time::sleep(cfg.hold).await;
    report.held = cfg.server_pid.and_then(sample);
    let checks: Vec<bool> = futures_util::stream::iter(held.iter_mut())
        .map(|s| async move { alive(s).await.is_ok() })
        .buffer_unordered(cfg.at_once.max(1))
        .collect()
        .await;
    report.alive_after_hold = checks.into_iter().filter(|ok| *ok).count();
    let closes: Vec<bool> = futures_util::stream::iter(held.iter_mut())
        .map(|s| async move { ws::close_normally(s).await.is_ok() })
        .buffer_unordered(cfg.at_once.max(1))
        .collect()
        .await;
    report.closed_cleanly = closes.into_iter().filter(|ok| *ok).count();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_addresses_fill_one_then_the_next() {
        let cfg = IdleConfig {
            sessions: 10,
            hold: Duration::ZERO,
            per_address: 4,
            first_address: Ipv4Addr::new(127, 0, 0, 2),
            at_once: 1,
            server_pid: None,
        };
        assert_eq!(source(&cfg, 0), Ipv4Addr::new(127, 0, 0, 2));
        assert_eq!(source(&cfg, 3), Ipv4Addr::new(127, 0, 0, 2));
        assert_eq!(source(&cfg, 4), Ipv4Addr::new(127, 0, 0, 3));
        assert_eq!(source(&cfg, 9), Ipv4Addr::new(127, 0, 0, 4));
    }

    #[test]
    fn samples_this_process() {
        let s = sample(std::process::id()).expect("Linux /proc");
        assert!(s.rss_kib > 0 && s.fds > 0);
    }
}
