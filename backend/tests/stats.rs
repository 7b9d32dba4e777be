//! `GET /api/stats` over real TCP on 127.0.0.1: the counts parse as
//! `protocol::stats::ServerStats`, 100 WebSocket sessions open at once show in them
//! without the process's OS threads growing with them (one async runtime serves them
//! all: no thread per client), and a wrong method gets the JSON 405.
//!
//! The server runs inside this test process, so the thread count it reports is this
//! process's: the tests here take one lock, so no other test's runtime starts or stops
//! threads while one counts.

mod common;

use std::time::{Duration, Instant};

use common::TestServer;
use futures_util::{StreamExt, future::join_all};
use protocol::stats::{STATS_PATH, ServerStats};
use protocol::{ErrorBody, ErrorCode};
use reqwest::StatusCode;

/// One test of this file at a time (see the module doc).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How long a count may take to reach what a test waits for.
const PATIENCE: Duration = Duration::from_secs(20);

/// Sessions opened at once: the lesson's number.
const SESSIONS: u64 = 100;

/// Threads the process may gain while the sessions are open: not one per session, only
/// what tokio's blocking pool (and the like) may start on its own.
const THREAD_SLACK: u32 = 8;

async fn stats(client: &reqwest::Client, server: &TestServer) -> ServerStats {
    let resp = client.get(server.url(STATS_PATH)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.expect("JSON that parses as ServerStats")
}

/// Polls the stats until `done` holds of them, failing after [`PATIENCE`] with `what`.
async fn stats_until(
    client: &reqwest::Client,
    server: &TestServer,
    what: &str,
    done: impl Fn(&ServerStats) -> bool,
) -> ServerStats {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let s = stats(client, server).await;
        if done(&s) {
            return s;
        }
        assert!(Instant::now() < deadline, "{what} in time; last: {s:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_json_that_parses_as_server_stats() {
    let _one = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start().await;
    let resp = reqwest::get(server.url(STATS_PATH)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let s: ServerStats = resp.json().await.expect("JSON that parses as ServerStats");
    assert_eq!(s.runtime_workers, 2, "{s:?}");
    if cfg!(target_os = "linux") {
        let threads = s.os_threads.expect("the thread count on Linux");
        assert!(threads >= s.runtime_workers, "{s:?}");
    }
    assert_eq!((s.sessions_open, s.sessions_peak), (0, 0), "{s:?}");
    assert!(
        s.connections_open >= 1,
        "at least this request's own: {s:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_sessions_open_on_the_same_threads() {
    let _one = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let before = stats(&client, &server).await;

    let opened =
        join_all((0..SESSIONS).map(|_| tokio_tungstenite::connect_async(server.ws_url()))).await;
    let mut sockets: Vec<_> = opened
        .into_iter()
        .map(|r| r.expect("a session opened").0)
        .collect();
    let with = stats_until(&client, &server, "the sessions counted", |s| {
        s.sessions_open >= before.sessions_open + SESSIONS
    })
    .await;
    println!("before: {before:?}\nwith {SESSIONS} sessions open: {with:?}",);
    assert!(with.sessions_peak >= SESSIONS, "{with:?}");
    assert!(with.connections_open >= SESSIONS, "{with:?}");
    assert_eq!(with.runtime_workers, before.runtime_workers);
    if cfg!(target_os = "linux") {
        let (was, now) = (before.os_threads.unwrap(), with.os_threads.unwrap());
        assert!(
            now <= was + THREAD_SLACK,
            "{SESSIONS} sessions took {now} threads, {was} before: a thread per client?"
        );
    }

    // Close every session (the closing handshake, then the socket's end), all at once.
    join_all(sockets.iter_mut().map(|ws| async move {
        ws.close(None).await.unwrap();
        while ws.next().await.is_some() {}
    }))
    .await;
    drop(sockets);
    let after = stats_until(&client, &server, "the sessions gone", |s| {
        s.sessions_open == before.sessions_open
    })
    .await;
    assert!(after.sessions_peak >= SESSIONS, "the peak stays: {after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_method_is_405_json() {
    let _one = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start().await;
    let resp = reqwest::Client::new()
        .post(server.url(STATS_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let body: ErrorBody = resp.json().await.unwrap();
    assert_eq!(body.code, ErrorCode::MethodNotAllowed);
    assert!(!body.message.is_empty());
}
