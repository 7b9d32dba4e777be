//! Server memory per idle WebSocket session, against a bare tokio-tungstenite server with
//! its default settings measured in the same run. Each server runs in a child process (this
//! binary re-run with `DUPLEX_BENCH_SERVE`), so the clients' own buffers are not counted;
//! the figure is the growth of the server's resident set (`VmRSS`) from a warmed-up idle
//! state to `SESSIONS` open, idle sessions, divided by `SESSIONS`. Run with
//! `cargo xtask bench`.
//!
//! Memory is deterministic enough to report once per arm; the machine's noise is in time,
//! not in bytes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Open idle sessions per arm: well below the 20,000 open files the machine allows (each
/// session is one descriptor on each side, in two processes).
const SESSIONS: usize = 2000;
/// Sessions opened at once while connecting.
const AT_ONCE: usize = 100;

fn main() {
    match std::env::var("DUPLEX_BENCH_SERVE").as_deref() {
        Ok("duplex") => serve(Arm::Duplex),
        Ok("bare") => serve(Arm::Bare),
        _ => measure(),
    }
}

#[derive(Debug, Clone, Copy)]
enum Arm {
    Duplex,
    Bare,
}

/// Child: serve on 127.0.0.1:0, print the port, run until stdin closes.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn serve(arm: Arm) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("{}", listener.local_addr().unwrap().port());
    let stdin_closed = tokio::task::spawn_blocking(|| {
        let _ = std::io::stdin().read_line(&mut String::new());
    });
    match arm {
        Arm::Duplex => {
            let dist = std::env::temp_dir().join("duplex-bench-dist");
            std::fs::create_dir_all(&dist).unwrap();
            // Every session comes from 127.0.0.1: lift the per-address caps (the caps in
            // all stay as they are) so one address may hold them all.
            let state = backend::AppState::new(&dist)
                .with_conn_limits(backend::conn::ConnLimits {
                    per_ip: SESSIONS + 100,
                    ..backend::conn::ConnLimits::default()
                })
                .with_session_limits(backend::SessionLimits {
                    per_ip: SESSIONS + 100,
                    ..backend::SessionLimits::default()
                });
            backend::serve(listener, state, async {
                let _ = stdin_closed.await;
            })
            .await
            .unwrap();
        }
        Arm::Bare => {
            let accept = async {
                loop {
                    let (stream, _) = listener.accept().await.unwrap();
                    tokio::spawn(async move {
                        let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
                            return;
                        };
                        while let Some(Ok(msg)) = ws.next().await {
                            if msg.is_text() || msg.is_binary() {
                                let _ = ws.send(msg).await;
                            }
                        }
                    });
                }
            };
            tokio::select! {
                () = accept => {}
                _ = stdin_closed => {}
            }
        }
    }
}

/// The server's resident set in KiB.
fn rss_kib(child: &Child) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/<pid>/status")
}

/// Opens `n` sessions to `port` and waits until each has its first message (Duplex's
/// welcome) or, for the bare server, one echo — so every session is fully set up.
async fn open(port: u16, n: usize, arm: Arm) -> Vec<impl Sized> {
    // Small client buffers: the clients live in this process, not the measured one, but
    // 2,000 default 128 KiB buffers would still be 250 MiB here for nothing.
    let config = WebSocketConfig::default().read_buffer_size(4096);
    let mut all = Vec::with_capacity(n);
    for chunk in 0..n.div_ceil(AT_ONCE) {
        let batch = AT_ONCE.min(n - chunk * AT_ONCE);
        let opened = futures_util::future::join_all((0..batch).map(|_| async {
            let url = format!("ws://127.0.0.1:{port}/ws");
            let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
                .await
                .expect("handshake");
            if let Arm::Bare = arm {
                ws.send(Message::text("hi")).await.unwrap();
            }
            loop {
                match ws.next().await.expect("open").expect("a frame") {
                    Message::Text(_) | Message::Binary(_) => break,
                    _ => continue,
                }
            }
            ws
        }))
        .await;
        all.extend(opened);
    }
    all
}

/// One arm: KiB of server memory per idle session.
fn run_arm(arm: Arm) -> f64 {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .env(
            "DUPLEX_BENCH_SERVE",
            match arm {
                Arm::Duplex => "duplex",
                Arm::Bare => "bare",
            },
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().expect("the child's port");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Warm up: allocator arenas, runtime threads and first-use tables, then back to idle.
    rt.block_on(async { drop(open(port, AT_ONCE, arm).await) });
    let before = rss_kib(&child);
    let sessions = rt.block_on(open(port, SESSIONS, arm));
    let after = rss_kib(&child);
    drop(sessions);
    drop(child.stdin.take()); // the child ends when its stdin closes
    let _ = child.wait();
    after.saturating_sub(before) as f64 / SESSIONS as f64
}

fn measure() {
    let bare = run_arm(Arm::Bare);
    let duplex = run_arm(Arm::Duplex);
    println!(
        "idle_sessions ({SESSIONS} idle WebSocket sessions, server RSS growth per session): \
         duplex /ws {duplex:.1} KiB, bare tokio-tungstenite (defaults) {bare:.1} KiB, \
         ratio {:.2}",
        duplex / bare.max(0.1)
    );
}
