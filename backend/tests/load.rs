//! `duplex-load` (the real binary, `CARGO_BIN_EXE_duplex-load`) against the server in this
//! process: `churn` for a few seconds runs every scenario at least once and fails none;
//! `idle` holds sessions from two loopback source addresses, all alive and closed cleanly.

mod common;

use std::path::Path;
use std::process::Output;

use common::TestServer;
use serde_json::Value;

/// Runs `duplex-load ARGS` to its end (off the runtime's threads, so the in-process server
/// keeps serving) and returns its output.
async fn duplex_load(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_duplex-load"))
            .args(&args)
            .output()
            .expect("duplex-load runs")
    })
    .await
    .unwrap()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the JSON summary")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn churn_runs_every_scenario_without_a_failure() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("churn.json");
    let out = duplex_load(vec![
        "churn".into(),
        "--url".into(),
        server.url("/"),
        "--minutes".into(),
        "0.05".into(),
        "--concurrency".into(),
        "2".into(),
        "--json".into(),
        json.display().to_string(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let doc = read_json(&json);
    assert_eq!(doc["failed"], 0, "{doc:#}");
    let scenarios = doc["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 12);
    for s in scenarios {
        assert!(s["completed"].as_u64().unwrap() >= 1, "{s}");
        assert_eq!(s["failed"], 0, "{s}");
        // Nothing near a quota or a cap in three seconds of two workers.
        assert_eq!(s["refused"], 0, "{s}");
    }
    assert!(stdout.contains("race_ws"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_holds_sessions_from_two_source_addresses() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("idle.json");
    let out = duplex_load(vec![
        "idle".into(),
        "--url".into(),
        server.url("/"),
        "--sessions".into(),
        "50".into(),
        "--per-address".into(),
        "25".into(),
        "--hold-secs".into(),
        "1".into(),
        "--server-pid".into(),
        std::process::id().to_string(),
        "--json".into(),
        json.display().to_string(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let doc = read_json(&json);
    assert_eq!(doc["source_addresses"], 2, "{doc:#}");
    for field in ["opened", "alive_after_hold", "closed_cleanly"] {
        assert_eq!(doc[field], 50, "{field}: {doc:#}");
    }
    assert_eq!(doc["refused"], 0);
    assert_eq!(doc["failed"], 0);
    // The server is this process, sampled before and while holding (the other test may
    // open and close connections meanwhile, so only the readings are checked).
    assert!(
        doc["server_held"]["rss_kib"].as_u64().unwrap() > 0,
        "{doc:#}"
    );
}
