//! Native WebSocket echo round trip on loopback (tokio-tungstenite → `/ws` through the
//! connection layer): the floor the page's own figure is compared with (the page adds the
//! browser's event loop and its wasm). Run with `cargo xtask bench`.

use std::time::Instant;

use backend::AppState;
use futures_util::{SinkExt, StreamExt};
use protocol::{ClientMsg, ServerMsg};
use tokio_tungstenite::tungstenite::Message;

const ECHOES: usize = 2000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dist = std::env::temp_dir().join("duplex-bench-dist");
    std::fs::create_dir_all(&dist).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(backend::serve(
        listener,
        AppState::new(&dist),
        std::future::pending(),
    ));
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .unwrap();
    ws.next().await.unwrap().unwrap(); // Welcome
    let mut rtts = Vec::with_capacity(ECHOES);
    for seq in 0..ECHOES as u64 {
        let text = serde_json::to_string(&ClientMsg::Echo {
            seq,
            payload: "x".repeat(32),
        })
        .unwrap();
        let start = Instant::now();
        ws.send(Message::text(text)).await.unwrap();
        loop {
            if let Message::Text(t) = ws.next().await.unwrap().unwrap()
                && let Ok(ServerMsg::Echo { seq: s, .. }) = serde_json::from_str(&t)
                && s == seq
            {
                break;
            }
        }
        rtts.push(start.elapsed().as_secs_f64() * 1e6);
    }
    rtts.sort_by(f64::total_cmp);
    let p = |q: f64| rtts[((rtts.len() - 1) as f64 * q) as usize];
    println!(
        "ws_echo native (tokio-tungstenite, 32 B payload, {ECHOES} sequential echoes): p50 {:.1} µs  p95 {:.1} µs  p99 {:.1} µs",
        p(0.5),
        p(0.95),
        p(0.99)
    );
}
