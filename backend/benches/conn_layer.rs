//! What the connection layer costs per request: the same router served plainly
//! (`axum::serve` on a `TcpListener`) and through the layer (`backend::serve`, with the
//! request tagged by a client key and an observer subscribed, so every event is built,
//! published and forwarded), driven by the same raw HTTP/1.1 clients on loopback in
//! interleaved rounds. Reported as the difference and the ratio of per-request times
//! measured in the same run. Run with `cargo xtask bench`.

#[path = "../tests/common/raw.rs"]
mod raw;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use backend::AppState;
use futures_util::StreamExt;
use raw::Raw;

/// The key an observer watches.
const KEY: &str = "benchbenchbenchbenchbenchbench01";
/// A key nobody watches: events are built and published, and dropped by the observer's
/// key filter.
const UNWATCHED: &str = "benchbenchbenchbenchbenchbench02";
/// Connections driven at once in keep-alive rounds (the machine has 2 cores).
const CLIENTS: usize = 2;
const ROUND: Duration = Duration::from_millis(700);
const ROUNDS: usize = 6;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Many requests on each connection.
    KeepAlive,
    /// One request per connection, closed by the client.
    NewConnection,
}

async fn plain_server(dist: &std::path::Path) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = backend::app(AppState::new(dist));
    // The layer sets TCP_NODELAY; so does the baseline, so only the layer differs.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

async fn observed_server(dist: &std::path::Path) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(dist);
    tokio::spawn(async move {
        backend::serve(listener, state, std::future::pending())
            .await
            .unwrap()
    });
    addr
}

/// Subscribes an observer for [`KEY`] and drains it; returns a counter of messages.
async fn observe(addr: SocketAddr) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
    let url = format!("ws://{addr}/ws/observe?client={KEY}");
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = std::sync::Arc::clone(&count);
    tokio::spawn(async move {
        while let Some(Ok(_)) = ws.next().await {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    count
}

/// One round against `addr`: per-request times in µs. Requests carry `key` (`-` is not
/// a valid key: untagged).
async fn round(addr: SocketAddr, mode: Mode, key: &'static str) -> Vec<f64> {
    let deadline = Instant::now() + ROUND;
    let tasks = (0..CLIENTS).map(|_| {
        tokio::spawn(async move {
            let mut times = Vec::new();
            let mut conn = Raw::connect(addr).await;
            while Instant::now() < deadline {
                let start = Instant::now();
                if mode == Mode::NewConnection {
                    conn = Raw::connect(addr).await;
                }
                conn.send("GET", "/healthz", key, b"").await;
                let r = conn.response().await;
                assert_eq!(r.status, 200);
                times.push(start.elapsed().as_secs_f64() * 1e6);
            }
            times
        })
    });
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn summary(mut v: Vec<f64>) -> (f64, f64, f64, usize) {
    v.sort_by(f64::total_cmp);
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    (percentile(&v, 0.5), percentile(&v, 0.99), mean, v.len())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dist = std::env::temp_dir().join("duplex-bench-dist");
    std::fs::create_dir_all(&dist).unwrap();
    let plain = plain_server(&dist).await;
    let observed = observed_server(&dist).await;
    let events = observe(observed).await;

    for (mode, name) in [
        (Mode::KeepAlive, "keep-alive"),
        (Mode::NewConnection, "new connection per request"),
    ] {
        // Warm up, then interleave rounds so drift hits every contender alike.
        round(plain, mode, "-").await;
        round(observed, mode, KEY).await;
        let contenders = [
            (plain, "-", "plain axum::serve (baseline)"),
            (observed, "-", "layer, untagged (no events)"),
            (observed, UNWATCHED, "layer, tagged, nobody watching"),
            (observed, KEY, "layer, tagged + live observer"),
        ];
        let mut runs: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
        for _ in 0..ROUNDS {
            for (run, (addr, key, _)) in runs.iter_mut().zip(contenders) {
                run.extend(round(addr, mode, key).await);
            }
        }
        println!("conn_layer {name} ({CLIENTS} clients, {ROUNDS}×{ROUND:?} rounds each):");
        let stats: Vec<_> = runs.into_iter().map(summary).collect();
        let base = stats[0];
        for ((_, _, label), (p50, p99, mean, n)) in contenders.iter().zip(stats) {
            println!(
                "  {label:<31} p50 {p50:7.1} µs  p99 {p99:7.1} µs  mean {mean:7.1} µs  ratio {:.3}×  ({n} requests)",
                mean / base.2
            );
        }
    }
    println!(
        "  observer received {} events",
        events.load(std::sync::atomic::Ordering::Relaxed)
    );
}
