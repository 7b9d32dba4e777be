//! The chat page's fan-out, as the page measures it: headless Chromium on `/chat`, the
//! built page and this server on loopback.
//!
//! - **2 WebSocket clients and 1 polling client** (every 500 ms), for one minute: client 1
//!   says a message every 2.13 s; for each, the time from the server reading it to each
//!   client's arrival (the page's fan-out table). Then the polling client's own figures:
//!   HTTP requests made, polls and empty ones, and its median delay behind the WebSocket
//!   clients ("later than WebSocket").
//! - **4 WebSocket clients**, 30 messages the same way.
//!
//! Reported: fan-out p50 and p95 of the WebSocket arrivals (ms) for 2 and 4 clients, the
//! poller's. All clients share one page's main thread (as a reader's would), so these are
//! what the page shows, not a network's floor. Run by `cargo xtask bench` (feature
//! `browser-tests`; `DUPLEX_DIST` is the built page).

#[allow(dead_code, unused_imports)] // its tests and their imports are not compiled here
#[path = "../tests/browser/chat.rs"]
mod chat;
#[path = "../tests/common/mod.rs"]
mod common;
#[allow(dead_code)] // the page-driving helpers the benchmark does not need
#[path = "../tests/browser/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use common::TestServer;
use harness::{Browser, dist, parse_ms, wait_for};
use protocol::report::summarize;

/// Time between two messages, and how long the first round lasts. Not a multiple of the
/// poller's 500 ms: with 2 s every message met the poll cycle at the same phase, and the
/// poller's delay came out the same each time instead of spread over the period.
const EVERY: Duration = Duration::from_millis(2_130);
const MINUTE: Duration = Duration::from_secs(60);
/// Messages in the four-client round.
const FOUR_CLIENT_MESSAGES: usize = 30;

/// The arrivals of the message containing `token`: (`push` or `in`, delay ms), once every
/// one of `clients` has it.
async fn arrivals(b: &Browser, token: &str, clients: usize) -> Vec<(String, f64)> {
    wait_for(&format!("every client has {token}"), || async {
        let got = b
            .client
            .execute(
                "const r = [...document.querySelectorAll('[data-test=chat-fanout-row]')]
                     .find(r => r.textContent.includes(arguments[0]));
                 if (!r) return null;
                 return [...r.querySelectorAll('[data-test=chat-arrival]')]
                     .map(a => [a.dataset.via, a.querySelector('.num').textContent]);",
                vec![token.into()],
            )
            .await
            .ok()?;
        let rows: Vec<(String, String)> = serde_json::from_value(got).ok()?;
        if rows.len() < clients || rows.iter().any(|(_, t)| t.contains('—')) {
            return None;
        }
        Some(
            rows.into_iter()
                .map(|(via, t)| (via, parse_ms(t.trim_start_matches('+'))))
                .collect(),
        )
    })
    .await
}

/// Says `n` messages from client 1 every [`EVERY`] (or until `until`); the WebSocket and
/// polling delays of every arrival.
async fn say_and_collect(
    b: &Browser,
    clients: usize,
    n: usize,
    until: Option<Instant>,
) -> (Vec<f64>, Vec<f64>) {
    let (mut pushed, mut polled) = (Vec::new(), Vec::new());
    for i in 0..n {
        if until.is_some_and(|t| Instant::now() >= t) {
            break;
        }
        let next = Instant::now() + EVERY;
        let token = format!("bench-{i}-{}", std::process::id());
        b.chat_say(1, &token).await;
        for (via, ms) in arrivals(b, &token, clients).await {
            if via == "push" {
                pushed.push(ms);
            } else {
                polled.push(ms);
            }
        }
        tokio::time::sleep_until(next.into()).await;
    }
    (pushed, polled)
}

fn line(what: &str, v: &[f64]) -> String {
    summarize(v).map_or_else(
        || format!("{what:<44} no samples"),
        |s| {
            format!(
                "{what:<44} p50 {:>8.2} ms  p95 {:>8.2} ms  (n {})",
                s.p50, s.p95, s.n
            )
        },
    )
}

#[tokio::main]
async fn main() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start_quiet("en-US").await;
    let room = format!("bench{}", std::process::id());

    b.open_chat(&server, &format!("lang=en&room={room}a")).await;
    b.chat_join("Ana", "ws").await;
    b.chat_join("Bo", "ws").await;
    let poller = b.chat_join("Pat", "poll-500").await;
    let t0 = Instant::now();
    let (pushed2, polled) = say_and_collect(&b, 3, usize::MAX, Some(t0 + MINUTE)).await;
    let card = chat::client(poller);
    let text = |what: &'static str| {
        let css = format!("{card} [data-test={what}]");
        let b = &b;
        async move { b.text(&css).await.unwrap_or_default() }
    };
    let (requests, polls, later) = (
        text("chat-requests").await,
        text("chat-polls").await,
        text("chat-later").await,
    );
    let elapsed = t0.elapsed().as_secs_f64();

    b.open_chat(&server, &format!("lang=en&room={room}b")).await;
    for name in ["Ana", "Bo", "Cy", "Di"] {
        b.chat_join(name, "ws").await;
    }
    let (pushed4, _) = say_and_collect(&b, 4, FOUR_CLIENT_MESSAGES, None).await;

    println!(
        "chat fan-out as the page measures it (server read → arrival), loopback, one message \
         every {:.2} s",
        EVERY.as_secs_f64()
    );
    println!(
        "{}",
        line("2 WebSocket clients (+1 poller), pushes", &pushed2)
    );
    println!(
        "{}",
        line("  the poller (every 500 ms), poll answers", &polled)
    );
    println!("{}", line("4 WebSocket clients, pushes", &pushed4));
    println!(
        "the poller over {elapsed:.0} s: {requests} HTTP requests, polls (empty) {polls}, \
         later than WebSocket (median) {later}"
    );
    b.finish().await;
}
