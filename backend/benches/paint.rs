//! First paint and first working control on a slow phone network, before and after the
//! light-page work, in one run: headless Chromium (the browser tests' harness) throttled
//! through the DevTools protocol to Lighthouse's "slow 4G" — 150 ms round trip, 1.6 Mbit/s
//! down, 750 kbit/s up — with the cache disabled, loading `/` and `/compare` from two
//! servers started here:
//!
//! - **before**: the built page as it was served before: no brotli/gzip twins (every file
//!   sent whole) and no static shell (nothing to paint until the wasm has run);
//! - **now**: `dist/` as `cargo xtask build` makes it (precompressed, with the shell).
//!
//! Rounds interleave the two (before, now, before, now, …) so machine noise hits both
//! alike; each figure is the median of the rounds, with min–max. "First paint" is the
//! browser's first-contentful-paint entry; "first control" is when the page's main button
//! exists, drawn by the app (a `MutationObserver` added before the page's own scripts).
//! Run by `cargo xtask bench` (feature `browser-tests`; `DUPLEX_DIST` is the built page).

#[path = "../tests/common/mod.rs"]
mod common;
#[allow(dead_code)] // the page-driving helpers the benchmark does not need
#[path = "../tests/browser/harness.rs"]
mod harness;

use std::path::Path;

use common::TestServer;
use harness::{Browser, dist, wait_for};
use serde_json::json;

/// Rounds per page and arm.
const ROUNDS: usize = 3;
/// Lighthouse's slow 4G: 150 ms, 1.6 Mbit/s down, 750 kbit/s up (in bytes per second).
const LATENCY_MS: u64 = 150;
const DOWN_BPS: u64 = 1_600_000 / 8;
const UP_BPS: u64 = 750_000 / 8;

/// Each page and the control that means "the app is drawn and can be used".
const PAGES: [(&str, &str); 2] = [
    ("/", "[data-test=http-send]"),
    ("/compare", "[data-test=race-run]"),
];

/// The built page as it was served before: no compressed twins, no shell (in each page
/// bundle's HTML). The wasm is today's, one bundle per page: a figure for one big wasm
/// is in ARCHITECTURE.md's notes.
fn before_copy(dist: &Path, into: &Path) {
    for entry in std::fs::read_dir(dist).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            continue; // the lessons' texts: not needed here
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".br") || name.ends_with(".gz") {
            continue;
        }
        std::fs::copy(entry.path(), into.join(&name)).unwrap();
        if name.ends_with(".html") {
            strip_shell(&into.join(&name));
        }
    }
}

fn strip_shell(index: &Path) {
    let html = std::fs::read_to_string(index).unwrap();
    let start = html
        .find(r#"<div id="shell""#)
        .expect("the built page has its shell");
    // The shell ends with its loading line (`xtask/src/shell.rs`).
    let end = start + html[start..].find("</p></div>").unwrap() + "</p></div>".len();
    std::fs::write(index, format!("{}{}", &html[..start], &html[end..])).unwrap();
}

/// One load of `url`: (first contentful paint, first control), in ms from navigation.
async fn load(b: &Browser, url: &str) -> (f64, f64) {
    b.client.goto("about:blank").await.unwrap();
    b.client.goto(url).await.unwrap();
    let control = wait_for(&format!("the first control on {url}"), || async {
        b.client
            .execute("return window.__duplexControl ?? null;", vec![])
            .await
            .ok()?
            .as_f64()
    })
    .await;
    // Paint entries are queued after the frame is presented: wait for it too.
    let paint = wait_for(&format!("first-contentful-paint on {url}"), || async {
        b.client
            .execute(
                "const p = performance.getEntriesByName('first-contentful-paint')[0]; \
                 return p ? p.startTime : null;",
                vec![],
            )
            .await
            .ok()?
            .as_f64()
    })
    .await;
    (paint, control)
}

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

#[tokio::main]
async fn main() {
    let dist = dist();
    let before_dir = tempfile::tempdir().unwrap();
    before_copy(&dist, before_dir.path());
    let arms = [
        ("before", TestServer::serve(before_dir.path()).await),
        ("now", TestServer::serve(&dist).await),
    ];
    let b = Browser::start_quiet("en-US").await;
    b.cdp("Network.enable", json!({})).await;
    b.cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
        .await;
    b.cdp(
        "Network.emulateNetworkConditions",
        json!({
            "offline": false,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWN_BPS,
            "uploadThroughput": UP_BPS,
        }),
    )
    .await;
    // Notes when any page's main control appears, before the page's own scripts run.
    let selectors: Vec<&str> = PAGES.iter().map(|(_, s)| *s).collect();
    let watch = format!(
        "new MutationObserver((_, o) => {{ \
           if (document.querySelector({sel:?})) {{ \
             window.__duplexControl = performance.now(); o.disconnect(); }} \
         }}).observe(document, {{ childList: true, subtree: true }});",
        sel = selectors.join(", ")
    );
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": watch }),
    )
    .await;

    println!(
        "first paint and first control on slow 4G ({LATENCY_MS} ms, {:.1} Mbit/s down, {} kbit/s \
         up), cache disabled; median of {ROUNDS} interleaved rounds (min–max), ms",
        (DOWN_BPS * 8) as f64 / 1e6,
        UP_BPS * 8 / 1_000
    );
    println!(
        "{:<10} {:<7} {:>22} {:>22}",
        "page", "arm", "first paint", "first control"
    );
    for (path, _) in PAGES {
        let mut got: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); arms.len()];
        for _ in 0..ROUNDS {
            for (i, (_, server)) in arms.iter().enumerate() {
                let (paint, control) = load(&b, &server.url(path)).await;
                got[i].0.push(paint);
                got[i].1.push(control);
            }
        }
        let mut medians = Vec::new();
        for ((arm, _), (paints, controls)) in arms.iter().zip(got) {
            let (p, p_lo, p_hi) = median(paints);
            let (c, c_lo, c_hi) = median(controls);
            println!(
                "{path:<10} {arm:<7} {:>22} {:>22}",
                format!("{p:.0} ({p_lo:.0}–{p_hi:.0})"),
                format!("{c:.0} ({c_lo:.0}–{c_hi:.0})")
            );
            medians.push((p, c));
        }
        println!(
            "{path:<10} {:<7} {:>22} {:>22}",
            "now/bef",
            format!("×{:.2}", medians[1].0 / medians[0].0),
            format!("×{:.2}", medians[1].1 / medians[0].1)
        );
    }
    b.finish().await;
}
