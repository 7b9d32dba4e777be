//! Duplex against bare servers doing the same work, in one run, as ratios:
//!
//! - **WebSocket echo**: 100 connections, each echoing 20-byte binary messages one after
//!   another, on Duplex's `/ws/echo` (the release `backend` binary, every layer on) and on
//!   a bare tokio-tungstenite echo server (default settings).
//! - **HTTP**: 50 keep-alive connections sending `GET /api/echo?payload=hi` one after
//!   another, on Duplex and on a bare axum server whose one handler returns the same
//!   `EchoReply` JSON; requests per second and p99.
//!
//! Each server is its own process pinned to core 0 (`taskset`), the client is this process
//! pinned to core 1; rounds of [`ROUND`] interleave the arms (bare, Duplex, bare, …) so
//! machine noise hits both alike; the figure is the median of [`ROUNDS`] rounds with
//! min–max. The bare servers are this same executable started with `DUPLEX_BARE=ws|http`.
//! Run by `cargo xtask bench`; `DUPLEX_BENCH_ONLY=ws|http` runs one arm (for profiling).

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;

const ROUND: Duration = Duration::from_secs(5);
const ROUNDS: usize = 3;
const WS_CONNECTIONS: usize = 100;
const WS_PAYLOAD: usize = 20;
const HTTP_CONNECTIONS: usize = 50;
const HTTP_TARGET: &str = "/api/echo?payload=hi";

fn main() {
    match std::env::var("DUPLEX_BARE").as_deref() {
        Ok("ws") => bare(bare_ws()),
        Ok("http") => bare(bare_http()),
        _ => client(),
    }
}

/// Runs a bare server on one thread (the process is pinned to one core anyway).
fn bare(server: impl Future<Output = ()>) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(server);
}

/// Prints `listening <addr>` for the parent, then serves.
async fn listen() -> TcpListener {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("listening {}", listener.local_addr().unwrap());
    listener
}

async fn bare_ws() {
    let listener = listen().await;
    loop {
        let (tcp, _) = listener.accept().await.unwrap();
        let _ = tcp.set_nodelay(true);
        tokio::spawn(async move {
            let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                return;
            };
            while let Some(Ok(msg)) = ws.next().await {
                if (msg.is_binary() || msg.is_text()) && ws.send(msg).await.is_err() {
                    return;
                }
            }
        });
    }
}

async fn bare_http() {
    use axum::extract::Query;
    use axum::routing::get;
    let app = axum::Router::new().route(
        "/api/echo",
        get(|Query(req): Query<protocol::EchoRequest>| async move {
            let received = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_micros() as u64;
            axum::Json(protocol::EchoReply {
                method: protocol::HttpMethod::Get,
                payload_bytes: req.payload.len() as u64,
                payload: req.payload,
                server_received_unix_us: received,
            })
        }),
    );
    let listener = axum::serve::ListenerExt::tap_io(listen().await, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await.unwrap();
}

/// A server process pinned to core 0, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(mut cmd: Command, marker: &str) -> Self {
        use std::io::BufRead;
        let mut child = cmd.stdout(Stdio::piped()).spawn().expect("start a server");
        let stdout = child.stdout.take().unwrap();
        let mut lines = std::io::BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines.next().expect("the server's address").unwrap();
            if let Some(rest) = line.split_once(marker).map(|(_, r)| r) {
                let addr = rest.split(['/', ' ']).next().unwrap();
                break addr.parse().unwrap();
            }
        };
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, addr }
    }

    fn bare(mode: &str) -> Self {
        let mut cmd = Command::new("taskset");
        cmd.args(["-c", "0"])
            .arg(std::env::current_exe().unwrap())
            .env("DUPLEX_BARE", mode);
        Self::start(cmd, "listening ")
    }

    fn duplex() -> Self {
        let dist = std::env::temp_dir().join("duplex-bench-dist");
        std::fs::create_dir_all(&dist).unwrap();
        let mut cmd = Command::new("taskset");
        cmd.args([
            "-c",
            "0",
            env!("CARGO_BIN_EXE_backend"),
            "--port",
            "0",
            "--dist",
        ])
        .arg(&dist)
        .env("RUST_LOG", "warn");
        Self::start(cmd, "Duplex is running at http://")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One round of the WebSocket echo: round trips per second.
async fn ws_round(addr: SocketAddr, path: &str) -> f64 {
    let mut sockets = Vec::new();
    for _ in 0..WS_CONNECTIONS {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}{path}"))
            .await
            .unwrap();
        sockets.push(ws);
    }
    let done = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = sockets
        .into_iter()
        .map(|mut ws| {
            let (done, count) = (Arc::clone(&done), Arc::clone(&count));
            tokio::spawn(async move {
                let payload = vec![7u8; WS_PAYLOAD];
                while !done.load(Ordering::Relaxed) {
                    ws.send(Message::binary(payload.clone())).await.unwrap();
                    loop {
                        match ws.next().await.unwrap().unwrap() {
                            Message::Binary(b) => {
                                assert_eq!(b.len(), WS_PAYLOAD);
                                break;
                            }
                            _ => continue,
                        }
                    }
                    count.fetch_add(1, Ordering::Relaxed);
                }
                let _ = ws.close(None).await;
            })
        })
        .collect();
    tokio::time::sleep(ROUND).await;
    done.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed();
    for t in tasks {
        t.await.unwrap();
    }
    count.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64()
}

/// One round of HTTP: (requests per second, p99 in µs).
async fn http_round(addr: SocketAddr) -> (f64, u64) {
    let done = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let tasks: Vec<_> = (0..HTTP_CONNECTIONS)
        .map(|_| {
            let done = Arc::clone(&done);
            tokio::spawn(async move {
                let mut hist = Histogram::<u64>::new(3).unwrap();
                let tcp = TcpStream::connect(addr).await.unwrap();
                tcp.set_nodelay(true).unwrap();
                let mut conn = BufReader::new(tcp);
                let request = format!("GET {HTTP_TARGET} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
                let mut line = String::new();
                while !done.load(Ordering::Relaxed) {
                    let sent = Instant::now();
                    conn.get_mut().write_all(request.as_bytes()).await.unwrap();
                    let mut length = 0usize;
                    loop {
                        line.clear();
                        conn.read_line(&mut line).await.unwrap();
                        if line == "\r\n" {
                            break;
                        }
                        let lower = line.to_ascii_lowercase();
                        if let Some(v) = lower.strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0u8; length];
                    conn.read_exact(&mut body).await.unwrap();
                    hist.record(sent.elapsed().as_micros() as u64).unwrap();
                }
                hist
            })
        })
        .collect();
    tokio::time::sleep(ROUND).await;
    done.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed();
    let mut all = Histogram::<u64>::new(3).unwrap();
    for t in tasks {
        all.add(t.await.unwrap()).unwrap();
    }
    (
        all.len() as f64 / elapsed.as_secs_f64(),
        all.value_at_quantile(0.99),
    )
}

/// Median, min and max.
fn spread(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn client() {
    // This process is the client: core 1, the servers get core 0.
    let _ = Command::new("taskset")
        .args(["-cp", "1", &std::process::id().to_string()])
        .stdout(Stdio::null())
        .status();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!(
            "Duplex against bare servers, same run: server on core 0, client on core 1, \
             {ROUNDS} interleaved rounds of {} s (median, min–max)",
            ROUND.as_secs()
        );
        let only = std::env::var("DUPLEX_BENCH_ONLY").unwrap_or_default();
        if only != "http" {
            ws_arms().await;
        }
        if only != "ws" {
            http_arms().await;
        }
    });
}

async fn ws_arms() {
    {
        let (bare, duplex) = (Server::bare("ws"), Server::duplex());
        let (mut b, mut d) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            b.push(ws_round(bare.addr, "/").await);
            d.push(ws_round(duplex.addr, protocol::ws::WS_ECHO_PATH).await);
        }
        let ratios: Vec<f64> = b.iter().zip(&d).map(|(b, d)| d / b).collect();
        let ((bm, ..), (dm, ..), (r, rlo, rhi)) = (spread(b), spread(d), spread(ratios));
        println!(
            "WebSocket echo, {WS_CONNECTIONS} conns × {WS_PAYLOAD} B: bare tokio-tungstenite \
             {bm:.0}/s, Duplex /ws/echo {dm:.0}/s → ×{r:.2} ({rlo:.2}–{rhi:.2}; goal ≥ 0.90)"
        );
    }
}

async fn http_arms() {
    {
        let (bare, duplex) = (Server::bare("http"), Server::duplex());
        let (mut b, mut d) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            b.push(http_round(bare.addr).await);
            d.push(http_round(duplex.addr).await);
        }
        let ratios: Vec<f64> = b.iter().zip(&d).map(|(b, d)| d.0 / b.0).collect();
        let p99 = |v: &[(f64, u64)]| spread(v.iter().map(|x| x.1 as f64).collect()).0;
        let (bp, dp) = (p99(&b), p99(&d));
        let (bm, ..) = spread(b.iter().map(|x| x.0).collect());
        let (dm, ..) = spread(d.iter().map(|x| x.0).collect());
        let (r, rlo, rhi) = spread(ratios);
        println!(
            "HTTP GET {HTTP_TARGET}, {HTTP_CONNECTIONS} keep-alive conns: bare axum {bm:.0}/s \
             (p99 {:.2} ms), Duplex {dm:.0}/s (p99 {:.2} ms) → ×{r:.2} ({rlo:.2}–{rhi:.2}; goal ≥ 0.90)",
            bp / 1000.0,
            dp / 1000.0
        );
    }
}
