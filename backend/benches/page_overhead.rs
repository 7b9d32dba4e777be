//! The page's own measurement overhead: WebSocket echo round trips timed by the Duplex page
//! (Compare's race, the WebSocket contender alone, one message in flight) against the
//! floor — a bare hand-written JavaScript page doing the same loop on the same endpoint
//! (`/ws/race`, binary echoes of the same size) in the same browser, served by the same
//! server (so both are cross-origin isolated and time with the same 5 µs clock).
//!
//! Rounds interleave the two (page, bare, page, bare, …); each reports its p50 and the
//! table prints the medians of the rounds and the page's p50 minus the bare page's (goal:
//! within 0.2 ms). Run by `cargo xtask bench` (feature `browser-tests`; `DUPLEX_DIST` is
//! the built page).

#[path = "../tests/common/mod.rs"]
mod common;
#[allow(dead_code)] // the page-driving helpers the benchmark does not need
#[path = "../tests/browser/harness.rs"]
mod harness;

use common::TestServer;
use harness::{Browser, dist};

/// Interleaved rounds per arm.
const ROUNDS: usize = 5;
/// Round trips per round, and bytes per message (the Compare page's default size).
const ROUND_TRIPS: usize = 300;
const SIZE: usize = 32;

/// The floor: the same loop in plain JavaScript, timed with the same clock, p50 by the
/// same linear interpolation (`protocol::report::percentile`).
const BARE_PAGE: &str = r#"<!doctype html>
<html lang="en"><meta charset="utf-8"><title>bare WebSocket echo loop</title>
<script>
window.bareEcho = async (n, size) => {
  const ws = new WebSocket(`ws://${location.host}/ws/race?n=${n}`);
  ws.binaryType = "arraybuffer";
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
  const payload = new Uint8Array(size);
  const samples = [];
  for (let i = 0; i < n; i++) {
    const answered = new Promise(ok => { ws.onmessage = ok; });
    const t0 = performance.now();
    ws.send(payload);
    await answered;
    samples.push(performance.now() - t0);
  }
  ws.close(1000);
  samples.sort((a, b) => a - b);
  const h = (samples.length - 1) * 0.5, i = Math.floor(h);
  return samples[i] + (h - i) * ((samples[i + 1] ?? samples[i]) - samples[i]);
};
</script>
<p>bare</p>
</html>
"#;

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

/// One round of the Duplex page: Compare's race on the WebSocket contender alone.
async fn page_round(b: &Browser, server: &TestServer) -> f64 {
    b.client.goto("about:blank").await.unwrap();
    b.open_compare(
        server,
        &format!("lang=en&net=none&n={ROUND_TRIPS}&size={SIZE}&k=1&c=ws"),
    )
    .await;
    let rows = b.run_race(1).await;
    assert_eq!((rows[0].0.as_str(), rows[0].2), ("ws", ROUND_TRIPS));
    rows[0].1
}

/// One round of the bare page.
async fn bare_round(b: &Browser, server: &TestServer) -> f64 {
    b.client.goto(&server.url("/bare.html")).await.unwrap();
    let p50 = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             window.bareEcho(arguments[0], arguments[1]).then(done, e => done(String(e)));",
            vec![ROUND_TRIPS.into(), SIZE.into()],
        )
        .await
        .unwrap();
    p50.as_f64()
        .unwrap_or_else(|| panic!("the bare page's loop failed: {p50}"))
}

#[tokio::main]
async fn main() {
    // The built page plus the bare one, served by one server.
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dist()).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            continue; // the lessons' texts: not needed here
        }
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    std::fs::write(dir.path().join("bare.html"), BARE_PAGE).unwrap();
    let server = TestServer::serve(dir.path()).await;
    let b = Browser::start_quiet("en-US").await;
    // Both pages must time with the same clock.
    b.client.goto(&server.url("/bare.html")).await.unwrap();
    let isolated = b
        .client
        .execute("return self.crossOriginIsolated;", vec![])
        .await
        .unwrap();
    let (mut page, mut bare) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        page.push(page_round(&b, &server).await);
        bare.push(bare_round(&b, &server).await);
    }
    let (p, p_lo, p_hi) = median(page.clone());
    let (f, f_lo, f_hi) = median(bare.clone());
    println!(
        "WebSocket echo p50, {ROUND_TRIPS} round trips of {SIZE} B, one in flight, loopback; \
         median of {ROUNDS} interleaved rounds (min–max), ms; bare page cross-origin isolated: \
         {isolated}"
    );
    println!(
        "{:<28} {:>24}",
        "Duplex page (Compare, ws)",
        format!("{p:.3} ({p_lo:.3}–{p_hi:.3})")
    );
    println!(
        "{:<28} {:>24}",
        "bare JavaScript page",
        format!("{f:.3} ({f_lo:.3}–{f_hi:.3})")
    );
    let diffs: Vec<f64> = page.iter().zip(&bare).map(|(p, f)| p - f).collect();
    let (d, d_lo, d_hi) = median(diffs);
    println!(
        "{:<28} {:>24}   (goal: within 0.200; ratio page/bare ×{:.2})",
        "page − bare, per round",
        format!("{d:+.3} ({d_lo:+.3}–{d_hi:+.3})"),
        p / f
    );
    b.finish().await;
}
