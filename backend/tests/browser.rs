//! Headless-Chromium tests of the built page, driven over WebDriver (fantoccini →
//! chromedriver) against the real server on 127.0.0.1:0. Run by `cargo xtask test`, which
//! builds `dist/` and installs Chromium first (feature `browser-tests`).
//!
//! Every wait polls a condition with a deadline; nothing sleeps a fixed time.

mod common;

use std::future::Future;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestServer;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const DEADLINE: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(25);

fn env_path(name: &str, default: &str) -> PathBuf {
    std::env::var_os(name).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Polls `probe` until it yields `Some`, or panics after [`DEADLINE`] naming `what`.
async fn wait_for<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out after {DEADLINE:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// A chromedriver process and one headless Chromium session with a fresh profile.
struct Browser {
    client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start(accept_language: &str) -> Self {
        let driver_bin = env_path("DUPLEX_CHROMEDRIVER", "/usr/bin/chromedriver");
        let chromium = env_path("DUPLEX_CHROMIUM", "/usr/bin/chromium");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_bin.display()));
        wait_for("chromedriver to listen", || async {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .ok()
        })
        .await;
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars",
                    "--window-size=1280,1000",
                    format!("--lang={accept_language}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": { "intl.accept_languages": accept_language },
            }
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session");
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    async fn open(&self, server: &TestServer, path: &str) {
        self.client.goto(&server.url(path)).await.unwrap();
        self.wait_visible("[data-test=http-send]").await;
    }

    async fn wait_visible(&self, css: &str) {
        wait_for(&format!("{css} to appear"), || async {
            self.client.find(Locator::Css(css)).await.ok()
        })
        .await;
    }

    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    async fn text(&self, css: &str) -> Option<String> {
        self.client
            .find(Locator::Css(css))
            .await
            .ok()?
            .text()
            .await
            .ok()
    }

    async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map_or(0, |v| v.len())
    }

    async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.client
            .find(Locator::Css(css))
            .await
            .ok()?
            .attr(name)
            .await
            .ok()?
    }

    /// Waits until `css` has exactly `text`.
    async fn wait_text(&self, css: &str, want: &str) {
        wait_for(&format!("{css} to read {want:?}"), || async {
            (self.text(css).await.as_deref() == Some(want)).then_some(())
        })
        .await;
    }

    async fn wait_phase(&self, phase: &str) {
        wait_for(&format!("WebSocket state {phase}"), || async {
            (self
                .attr("[data-test=ws-state]", "data-phase")
                .await
                .as_deref()
                == Some(phase))
            .then_some(())
        })
        .await;
    }

    /// Sets an input's value the way typing would (fires `input`).
    async fn set_input(&self, css: &str, value: &str) {
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]);
                 el.value = arguments[1];
                 el.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![json!(css), json!(value)],
            )
            .await
            .unwrap();
    }

    async fn finish(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// Parses the page's duration format ("123 µs", "4.56 ms", "1.50 s") into ms.
fn parse_ms(text: &str) -> f64 {
    let (n, unit) = text
        .trim()
        .split_once(' ')
        .unwrap_or_else(|| panic!("not a duration: {text:?}"));
    let n: f64 = n
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"));
    match unit {
        "µs" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => panic!("unknown unit in {text:?}"),
    }
}

fn dist() -> PathBuf {
    let dist = env_path(
        "DUPLEX_DIST",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../dist"),
    );
    assert!(
        dist.join("index.html").is_file(),
        "no built page in {}: run `cargo xtask test`",
        dist.display()
    );
    dist
}

#[tokio::test]
async fn http_panel_sends_and_shows_status_time_and_echo() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open(&server, "/?lang=en").await;

    b.click("[data-test=http-send]").await;
    b.wait_text("[data-test=http-status]", "200").await;
    b.wait_text("[data-test=http-echoed]", "hello").await;
    let rtt = parse_ms(&b.text("[data-test=http-rtt]").await.unwrap());
    assert!(rtt > 0.0 && rtt < 5_000.0, "round trip {rtt} ms");
    assert_eq!(b.text("[data-test=http-bytes]").await.unwrap(), "5 B");

    // POST with non-ASCII: the server counts UTF-8 bytes.
    b.client
        .find(Locator::Css("[data-test=http-method]"))
        .await
        .unwrap()
        .select_by_value("POST")
        .await
        .unwrap();
    b.set_input("[data-test=http-payload]", "héllo 世界").await;
    b.click("[data-test=http-send]").await;
    b.wait_text("[data-test=http-echoed]", "héllo 世界").await;
    assert_eq!(b.text("[data-test=http-bytes]").await.unwrap(), "13 B");
    wait_for("two history rows", || async {
        (b.count("[data-test=http-history] tbody tr").await == 2).then_some(())
    })
    .await;

    // Too large: the server's 413 is shown as a translated message, not a crash.
    b.set_input("[data-test=http-payload]", &"a".repeat(40_000))
        .await;
    b.click("[data-test=http-send]").await;
    b.wait_text("[data-test=http-status]", "413").await;
    let error = b.text("[data-test=http-error]").await.unwrap();
    assert!(error.contains("larger than the server accepts"), "{error}");
    b.finish().await;
}

#[tokio::test]
async fn websocket_panel_walks_the_lifecycle_with_round_trips() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open(&server, "/?lang=en").await;
    assert_eq!(
        b.attr("[data-test=ws-state]", "data-phase")
            .await
            .as_deref(),
        Some("IDLE")
    );
    assert!(
        b.attr("[data-test=ws-send]", "disabled").await.is_some(),
        "cannot send before connecting"
    );

    b.click("[data-test=ws-connect]").await;
    b.wait_phase("OPEN").await;
    let handshake = parse_ms(&b.text("[data-test=ws-handshake]").await.unwrap());
    assert!(
        handshake > 0.0 && handshake < 5_000.0,
        "handshake {handshake} ms"
    );

    for n in 1..=3 {
        b.click("[data-test=ws-send]").await;
        wait_for(&format!("{n} round trips"), || async {
            (b.count("[data-test=ws-rtt]").await == n).then_some(())
        })
        .await;
    }
    let rtts = b
        .client
        .find_all(Locator::Css("[data-test=ws-rtt]"))
        .await
        .unwrap();
    for el in rtts {
        let text = el.text().await.unwrap();
        let value = text.trim_start_matches("RTT").trim();
        let ms = parse_ms(value);
        assert!(ms > 0.0 && ms < 5_000.0, "rtt {text}");
    }
    let last = parse_ms(&b.text("[data-test=ws-last-rtt]").await.unwrap());
    assert!(last > 0.0);

    b.click("[data-test=ws-close]").await;
    b.wait_phase("CLOSED").await;
    let log = b.text("[data-test=ws-log]").await.unwrap();
    assert!(
        log.contains("code 1000") && log.contains("clean close"),
        "{log}"
    );
    assert!(
        b.attr("[data-test=ws-connect]", "disabled").await.is_none(),
        "can reconnect"
    );
    // Reconnect works and gets a new session.
    b.click("[data-test=ws-connect]").await;
    b.wait_phase("OPEN").await;
    b.finish().await;
}

#[tokio::test]
async fn language_comes_from_query_then_browser_and_switches_live() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("ko-KR").await;

    // No ?lang=: the browser's preference (Korean) wins over English.
    b.open(&server, "/").await;
    b.wait_text("[data-test=http-send]", "요청 보내기").await;
    assert_eq!(
        b.attr("html", "lang").await.as_deref(),
        Some("ko"),
        "<html lang> follows"
    );

    // ?lang= wins over the browser.
    b.open(&server, "/?lang=ja").await;
    b.wait_text("[data-test=http-send]", "リクエストを送信")
        .await;

    // Switching in the page changes the text and the URL, without a reload.
    b.client
        .find(Locator::Css("[data-test=lang-select]"))
        .await
        .unwrap()
        .select_by_value("en")
        .await
        .unwrap();
    b.wait_text("[data-test=http-send]", "Send request").await;
    let url = b.client.current_url().await.unwrap();
    assert!(url.query().unwrap_or("").contains("lang=en"), "{url}");
    b.finish().await;
}

/// Every language at desktop and phone width: nothing overflows sideways, and a screenshot
/// of the working page is written for people to look at (`cargo xtask screenshots`).
#[tokio::test]
async fn screenshots() {
    let out = env_path(
        "DUPLEX_SCREENSHOTS",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/screenshots"),
    );
    std::fs::create_dir_all(&out).unwrap();
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    for lang in ["en", "ja", "ko"] {
        for (label, width, height) in [("desktop", 1280, 1000), ("narrow", 380, 2000)] {
            b.client.set_window_size(width, height).await.unwrap();
            b.open(&server, &format!("/?lang={lang}")).await;
            b.click("[data-test=http-send]").await;
            b.wait_text("[data-test=http-status]", "200").await;
            b.click("[data-test=ws-connect]").await;
            b.wait_phase("OPEN").await;
            b.click("[data-test=ws-send]").await;
            b.click("[data-test=ws-send]").await;
            wait_for("two round trips", || async {
                (b.count("[data-test=ws-rtt]").await == 2).then_some(())
            })
            .await;
            let overflow = b
                .client
                .execute(
                    "return document.documentElement.scrollWidth - window.innerWidth;",
                    vec![],
                )
                .await
                .unwrap();
            assert!(
                overflow.as_f64().unwrap_or(1.0) <= 0.0,
                "{lang} {label}: page is {overflow} px wider than the window"
            );
            let png = b.client.screenshot().await.unwrap();
            assert!(png.starts_with(b"\x89PNG"), "a PNG");
            std::fs::write(out.join(format!("home-{lang}-{label}.png")), png).unwrap();
        }
    }
    b.finish().await;
}
