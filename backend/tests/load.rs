//! `duplex-load` (the real binary, `CARGO_BIN_EXE_duplex-load`) against the server in this
//! process: `churn` for a few seconds runs every scenario at least once and fails none;
//! `idle` holds sessions from two loopback source addresses, all alive and closed cleanly;
//! `race` and `feed` write the page's download with the server's counts; bad settings are
//! refused with the page's bounds.

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

fn read_report(path: &Path) -> protocol::report::CompareReport {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the run's JSON")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn race_writes_the_pages_download_with_the_servers_counts() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("race.json");
    let args = "race --n 40 --k 3 --size 100 --contenders new,keep,ws --json";
    let mut args: Vec<String> = args.split(' ').map(str::to_owned).collect();
    args.extend([json.display().to_string(), "--url".into(), server.url("/")]);
    let out = duplex_load(args).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = read_report(&json);
    assert_eq!(
        (doc.duplex.as_str(), doc.client.as_str()),
        ("compare", "duplex-load")
    );
    assert_eq!(doc.settings["n"], "40");
    assert_eq!(doc.settings["c"], "new,keep,ws");
    assert!(!doc.network.emulated);
    let names: Vec<&str> = doc.race.iter().map(|r| r.contender.as_str()).collect();
    assert_eq!(names, ["new", "keep", "ws"]);
    for r in &doc.race {
        assert_eq!(r.error, None, "{r:?}");
        assert_eq!(r.samples_ms.len(), 40, "{}", r.contender);
        assert_eq!(r.round_trip_ms.map(|s| s.n), Some(40));
        let counted = r.server_counted.expect("the server's tally");
        assert!(counted.settled, "{r:?}");
        // What the server saw on the wire, per contender: the page's lesson in numbers.
        let (requests, opened) = match r.contender.as_str() {
            "new" => (40, 40..=40),
            "keep" => (40, 1..=3),
            _ => (1, 1..=1),
        };
        assert_eq!(counted.requests, requests, "{r:?}");
        assert!(opened.contains(&counted.connections_opened), "{r:?}");
        assert!(
            counted.bytes_in >= 40 * 100 && counted.bytes_out >= 40 * 100,
            "{r:?}"
        );
    }
    // A WebSocket frame's overhead is a few bytes; an HTTP exchange's, hundreds.
    let overhead = |i: usize| doc.race[i].overhead_bytes_per_round_trip.unwrap();
    assert!(overhead(2) < 20.0 && overhead(1) > 100.0, "{doc:?}");
    assert!(stdout.contains("p99.9"), "the HDR figures: {stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_reads_every_event_four_ways_in_order() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("feed.json");
    let args = "feed --rate 20 --secs 2 --poll 200 --json";
    let mut args: Vec<String> = args.split(' ').map(str::to_owned).collect();
    args.extend([json.display().to_string(), "--url".into(), server.url("/")]);
    let out = duplex_load(args).await;
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = read_report(&json);
    let names: Vec<&str> = doc.feed.iter().map(|f| f.strategy.as_str()).collect();
    assert_eq!(names, ["short", "long", "sse", "ws"]);
    for f in &doc.feed {
        assert_eq!(f.error, None, "{f:?}");
        assert_eq!((f.delivered, f.out_of_order), (40, 0), "{f:?}");
        let counted = f.server_counted.expect("the server's tally");
        assert_eq!(counted.requests, f.requests, "{f:?}");
    }
    // Polling asks again and again (2 s at 200 ms: about 10 requests); the pushes ask once.
    assert!(
        (8..=14).contains(&doc.feed[0].requests),
        "{:?}",
        doc.feed[0]
    );
    assert_eq!((doc.feed[2].requests, doc.feed[3].requests), (1, 1));
}

#[tokio::test]
async fn bad_settings_are_refused_with_the_pages_bounds() {
    for (args, says) in [
        ("race --n 0", "`n` must be at least 1"),
        ("race --contenders new,x", "--contenders: unknown `x`"),
        ("feed --net custom --rtt 99999", "`rtt` must be at most"),
        ("feed --net moon", "--net moon: not one of"),
    ] {
        let mut args: Vec<String> = args.split(' ').map(str::to_owned).collect();
        args.extend(["--url".into(), "http://127.0.0.1:9/".into()]);
        let out = duplex_load(args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains(says), "{stderr}");
    }
}

/// `--help` says what this binary is (it once printed the server's description, clap's
/// `about` read from the package) and lists its subcommands.
#[tokio::test]
async fn help_names_the_load_client_and_its_subcommands() {
    let out = duplex_load(vec!["--help".into()]).await;
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{help}");
    let first = help.lines().next().unwrap_or_default();
    assert!(first.starts_with("A native load client"), "{help}");
    assert!(!help.contains("serves the page"), "{help}");
    for sub in ["churn", "race", "feed", "idle"] {
        assert!(help.contains(&format!("  {sub} ")), "{sub}: {help}");
    }
}
