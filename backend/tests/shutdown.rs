//! Shutdown under load, with the real `backend` binary over real TCP on 127.0.0.1: open
//! sessions on every WebSocket endpoint (`/ws` × N, `/ws/race`, `/ws/observe`, `/ws/feed`,
//! `/ws/chat`),
//! send the process SIGTERM, and check that every session gets a close frame with 1001
//! "server shutting down" while the process still waits for its reply (the bounded drain),
//! that each socket then ends cleanly (EOF, not a reset), and that the process exits with
//! success within its grace period. A WebSocket client that never answers and an HTTP
//! request whose head never ends are cut off at `--shutdown-grace-secs` (counted from the
//! signal, for both together) and the server says what it cut off.
//!
//! The clients hand-write their frames so they choose when to answer the server's close:
//! only once every session has its close frame, which is how the test sees that the
//! process waits for the drains instead of returning when `axum::serve` does.
//! `DUPLEX_SHUTDOWN_SESSIONS=1000 cargo test -p backend --test shutdown -- --nocapture`
//! runs the load by hand with more `/ws` sessions (the default is 50).

#![cfg(unix)]

mod common;

use std::io::BufRead;
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

use common::ws_raw::{frame, upgrade};

const KEY: &str = "0123456789abcdef0123456789abcdef";
/// How long any single step may take before the test gives up.
const PATIENCE: Duration = Duration::from_secs(20);
/// The grace period the server is started with in the load test (the default).
const GRACE_SECS: u64 = 10;

/// The real binary, killed if the test ends before it exits.
struct Server {
    child: Child,
    addr: SocketAddr,
    /// Everything it printed (tracing writes to stdout too).
    output: Arc<Mutex<Vec<String>>>,
    _dist: tempfile::TempDir,
}

impl Server {
    fn start(grace_secs: u64) -> Self {
        let dist = tempfile::tempdir().unwrap();
        std::fs::write(dist.path().join("index.html"), "<!doctype html><p>test</p>").unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_backend"))
            .args(["--port", "0", "--shutdown-grace-secs"])
            .arg(grace_secs.to_string())
            .arg("--dist")
            .arg(dist.path())
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the backend binary");
        let stdout = child.stdout.take().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let lines = Arc::clone(&output);
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("Duplex is running at http://").nth(1) {
                    let addr = rest.split('/').next().unwrap_or_default().to_owned();
                    let _ = addr_tx.send(addr);
                }
                lines.lock().unwrap().push(line);
            }
        });
        let addr = addr_rx
            .recv_timeout(PATIENCE)
            .expect("the server prints its address")
            .parse()
            .expect("a socket address");
        Self {
            child,
            addr,
            output,
            _dist: dist,
        }
    }

    /// Sends `signal` (`TERM`, or `INT` as Ctrl-C does) to the process.
    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal} failed");
    }

    fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Polls until the process exits, for at most `deadline`.
    async fn wait_exit(&mut self, deadline: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + deadline;
        loop {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            if Instant::now() > until {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn printed(&self, what: &str) -> bool {
        self.output.lock().unwrap().iter().any(|l| l.contains(what))
    }

    /// Polls until the server has printed `what` (`false` if it exits or the patience runs
    /// out first).
    async fn wait_printed(&mut self, what: &str) -> bool {
        let until = Instant::now() + PATIENCE;
        loop {
            if self.printed(what) {
                return true;
            }
            if self.exited().is_some() || Instant::now() > until {
                return self.printed(what);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.exited().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One server frame: opcode and payload; `None` if the socket ends or fails first.
async fn read_frame(tcp: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    let mut h = [0u8; 2];
    tcp.read_exact(&mut h).await.ok()?;
    let len = match h[1] & 0x7f {
        126 => {
            let mut l = [0u8; 2];
            tcp.read_exact(&mut l).await.ok()?;
            u64::from(u16::from_be_bytes(l))
        }
        127 => {
            let mut l = [0u8; 8];
            tcp.read_exact(&mut l).await.ok()?;
            u64::from_be_bytes(l)
        }
        n => u64::from(n),
    };
    let mut payload = vec![0u8; len as usize];
    tcp.read_exact(&mut payload).await.ok()?;
    Some((h[0] & 0x0f, payload))
}

/// Reads frames until a close frame: its code and reason, or `None` if the socket ended
/// (or the patience ran out) without one.
async fn close_frame(tcp: &mut TcpStream) -> Option<(u16, String)> {
    let read = async {
        loop {
            let (opcode, payload) = read_frame(tcp).await?;
            if opcode == 0x8 {
                let code = u16::from_be_bytes([*payload.first()?, *payload.get(1)?]);
                return Some((code, String::from_utf8_lossy(&payload[2..]).into_owned()));
            }
        }
    };
    tokio::time::timeout(PATIENCE, read).await.ok().flatten()
}

/// After our close reply: `true` if the socket ends cleanly (EOF) in time, `false` on a
/// reset, an error or more data.
async fn ends_cleanly(tcp: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    matches!(
        tokio::time::timeout(PATIENCE, tcp.read(&mut buf)).await,
        Ok(Ok(0))
    )
}

/// What one session saw.
#[derive(Debug)]
struct Seen {
    path: &'static str,
    close: Option<(u16, String)>,
    clean_end: bool,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_every_session_with_1001_and_waits_for_the_drains() {
    let n: usize = std::env::var("DUPLEX_SHUTDOWN_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    under_load("TERM", n).await;
}

/// Ctrl-C (what `cargo xtask serve`'s terminal sends the server it execs) takes the same
/// path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_closes_every_session_the_same_way() {
    under_load("INT", 5).await;
}

/// Opens `n` `/ws` sessions and one on each other endpoint, sends `signal`, and checks
/// every session's close, the wait for the drains and the exit.
async fn under_load(signal: &str, n: usize) {
    let mut server = Server::start(GRACE_SECS);
    let addr = server.addr;

    // A feed for the /ws/feed reader (a minute long: it must still run at SIGTERM).
    let started: protocol::compare::FeedStarted = reqwest::Client::new()
        .post(format!("http://{addr}/api/feed?rate=1&secs=60"))
        .header("x-duplex-client", KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut paths: Vec<(&'static str, String)> = vec![
        ("/ws/race", format!("/ws/race?n=1000&client={KEY}")),
        ("/ws/observe", format!("/ws/observe?client={KEY}")),
        (
            "/ws/feed",
            format!("/ws/feed?feed={}&client={KEY}", started.feed),
        ),
        (
            "/ws/chat",
            format!("/ws/chat?room=bye&name=Sam&client={KEY}"),
        ),
    ];
    paths.extend((0..n).map(|_| ("/ws", "/ws".to_owned())));

    let mut sockets = Vec::with_capacity(paths.len());
    for (name, path) in &paths {
        let mut tcp = upgrade(addr, path).await;
        if *name == "/ws" || *name == "/ws/chat" {
            // The Welcome: the session's loop is running.
            let (opcode, _) = read_frame(&mut tcp).await.expect("a Welcome");
            assert_eq!(opcode, 0x1);
        }
        sockets.push((*name, tcp));
    }

    // Each client reads to the server's close frame, reports it, and answers only when
    // every session has had its close frame (`answer`).
    let answer = CancellationToken::new();
    let (closed_tx, mut closed_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut clients = Vec::new();
    for (path, mut tcp) in sockets {
        let answer = answer.clone();
        let closed = closed_tx.clone();
        clients.push(tokio::spawn(async move {
            let close = close_frame(&mut tcp).await;
            let _ = closed.send(());
            answer.cancelled().await;
            let mut clean_end = false;
            if let Some((code, _)) = &close {
                let reply = frame(0x88, &code.to_be_bytes());
                clean_end = tcp.write_all(&reply).await.is_ok() && ends_cleanly(&mut tcp).await;
            }
            Seen {
                path,
                close,
                clean_end,
            }
        }));
    }
    drop(closed_tx);

    let sent = Instant::now();
    server.signal(signal);
    for _ in 0..clients.len() {
        closed_rx.recv().await.expect("every client reports");
    }
    // Every session has its close frame and none has answered: the server must be waiting
    // for all of them (it says so), not gone.
    let waiting = format!(
        "waiting for {} WebSocket session(s) to close",
        clients.len()
    );
    let alive_while_draining = server.wait_printed(&waiting).await && server.exited().is_none();
    answer.cancel();
    let mut seen = Vec::new();
    for c in clients {
        seen.push(c.await.unwrap());
    }
    let status = server
        .wait_exit(Duration::from_secs(GRACE_SECS) + Duration::from_secs(5))
        .await;
    let took = sent.elapsed();

    let good = |s: &Seen| {
        s.close
            .as_ref()
            .is_some_and(|(code, reason)| *code == 1001 && reason == "server shutting down")
    };
    let got_1001 = seen.iter().filter(|s| good(s)).count();
    let clean = seen.iter().filter(|s| s.clean_end).count();
    println!(
        "SIG{signal}, {} sessions ({n} on /ws): {got_1001} got 1001 \"server shutting down\", {clean} \
         ended cleanly after our reply; alive while draining: {alive_while_draining}; \
         exit {status:?} {took:?} after the signal",
        seen.len()
    );
    for s in seen.iter().filter(|s| !good(s) || !s.clean_end) {
        println!(
            "  {}: close {:?}, clean end {}",
            s.path, s.close, s.clean_end
        );
    }
    assert_eq!(got_1001, seen.len(), "every session gets 1001");
    assert!(
        alive_while_draining,
        "the process waits for every session's drain ({waiting:?})"
    );
    assert_eq!(
        clean,
        seen.len(),
        "every socket ends cleanly after the reply"
    );
    let status = status.expect("the process exits within its grace period");
    assert!(status.success(), "exit status {status}");
    assert!(took < Duration::from_secs(GRACE_SECS), "took {took:?}");
    assert!(!server.printed("cut off"), "no session was cut off");
}

#[tokio::test]
async fn clients_that_never_finish_are_cut_off_at_the_grace_period() {
    let mut server = Server::start(1);
    let mut silent = upgrade(server.addr, "/ws").await;
    let (opcode, _) = read_frame(&mut silent).await.expect("a Welcome");
    assert_eq!(opcode, 0x1);
    // An HTTP request whose body never ends holds axum's graceful shutdown (until the
    // body timeout, 30 s).
    let mut half = TcpStream::connect(server.addr).await.unwrap();
    half.write_all(
        b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 100\r\n\r\n{\"payload\"",
    )
    .await
    .unwrap();
    // A head that never ends does not: hyper has not seen it (the connection layer's
    // guard holds it), so the connection is idle and closed at once.
    let mut head_only = TcpStream::connect(server.addr).await.unwrap();
    head_only
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // Connections are accepted in order: once a later one is answered, the server has
    // taken this one too.
    let health = reqwest::get(format!("http://{}/healthz", server.addr))
        .await
        .unwrap();
    assert!(health.status().is_success());
    let sent = Instant::now();
    server.signal("TERM");
    let mut rest = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(1), head_only.read_to_end(&mut rest)).await;
    assert!(
        matches!(closed, Ok(Ok(0))),
        "a half-sent head is closed at shutdown without an answer: {closed:?}"
    );
    // The close frame comes; the client never answers it (the drain would wait 5 s).
    assert_eq!(
        close_frame(&mut silent).await,
        Some((1001, "server shutting down".to_owned()))
    );
    let status = server
        .wait_exit(PATIENCE)
        .await
        .expect("the process exits at its grace period");
    let took = sent.elapsed();
    assert!(status.success(), "exit status {status}");
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(4),
        "took {took:?}"
    );
    for cut in ["1 WebSocket session(s) cut off", "HTTP connections cut off"] {
        assert!(
            server.wait_printed(cut).await,
            "{cut:?} in {:?}",
            server.output.lock().unwrap()
        );
    }
    drop(half);
}
