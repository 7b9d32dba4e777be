//! The browser-test harness: one headless Chromium per test, driven over WebDriver
//! (fantoccini → chromedriver), and the page-driving helpers every page's tests share.
//!
//! Every wait polls a condition with a deadline; nothing sleeps a fixed time.

use std::future::Future;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

use crate::common::TestServer;

const DEADLINE: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(25);

pub(crate) fn env_path(name: &str, default: &str) -> PathBuf {
    std::env::var_os(name).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Polls `probe` until it yields `Some`, or panics after [`DEADLINE`] naming `what`.
pub(crate) async fn wait_for<T, F, Fut>(what: &str, mut probe: F) -> T
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

/// The `prefers-color-scheme` a browser reports (Blink's `preferredColorScheme` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColorScheme {
    Dark = 0,
    Light = 1,
}

/// A chromedriver process and one headless Chromium session with a fresh profile.
pub(crate) struct Browser {
    pub(crate) client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    _turn: Turn,
}

/// Tests run two at a time, each with its own Chromium. A test that asserts *timings*
/// (emulated round trips, staleness) runs alone instead ([`Browser::start_quiet`]): a
/// neighbour running axe or a race on the same two cores would make its numbers late.
static QUIET: LazyLock<Arc<RwLock<()>>> = LazyLock::new(|| Arc::new(RwLock::new(())));

/// A shared turn (any number of ordinary tests) or the whole machine (one timing test).
enum Turn {
    Shared(#[allow(dead_code)] OwnedRwLockReadGuard<()>),
    Alone(#[allow(dead_code)] OwnedRwLockWriteGuard<()>),
}

impl Browser {
    pub(crate) async fn start(accept_language: &str) -> Self {
        Self::start_with(accept_language, ColorScheme::Light).await
    }

    /// [`Browser::start`] with the page's `prefers-color-scheme` set.
    pub(crate) async fn start_with(accept_language: &str, scheme: ColorScheme) -> Self {
        let turn = Turn::Shared(Arc::clone(&QUIET).read_owned().await);
        Self::launch(accept_language, scheme, turn).await
    }

    /// [`Browser::start`] for a test that asserts timings: it waits until no other browser
    /// test runs, and none starts until it finishes.
    pub(crate) async fn start_quiet(accept_language: &str) -> Self {
        let turn = Turn::Alone(Arc::clone(&QUIET).write_owned().await);
        Self::launch(accept_language, ColorScheme::Light, turn).await
    }

    /// Starts chromedriver and a session. A session that fails to start (chromedriver
    /// reset the connection once in CI: the port picked for it was briefly someone else's,
    /// or the driver was not ready though listening) is retried on a fresh driver and port,
    /// three times at most, and the last error is reported.
    async fn launch(accept_language: &str, scheme: ColorScheme, turn: Turn) -> Self {
        let mut last = String::new();
        for _ in 0..3 {
            match Self::try_launch(accept_language, scheme).await {
                Ok((client, driver, profile)) => {
                    return Browser {
                        client,
                        driver,
                        _profile: profile,
                        _turn: turn,
                    };
                }
                Err(e) => last = e,
            }
        }
        panic!("no WebDriver session after 3 tries: {last}");
    }

    async fn try_launch(
        accept_language: &str,
        scheme: ColorScheme,
    ) -> Result<(Client, Child, tempfile::TempDir), String> {
        let driver_bin = env_path("DUPLEX_CHROMEDRIVER", "/usr/bin/chromedriver");
        let chromium = env_path("DUPLEX_CHROMIUM", "/usr/bin/chromium");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut driver = Command::new(&driver_bin)
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
                    // `prefers-color-scheme` as the page sees it (checked by the a11y test).
                    format!("--blink-settings=preferredColorScheme={}", scheme as u8),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": { "intl.accept_languages": accept_language },
            }
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => Ok((client, driver, profile)),
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                Err(e.to_string())
            }
        }
    }

    pub(crate) async fn open(&self, server: &TestServer, path: &str) {
        self.client.goto(&server.url(path)).await.unwrap();
        self.wait_visible("[data-test=http-send]").await;
    }

    pub(crate) async fn wait_visible(&self, css: &str) {
        wait_for(&format!("{css} to appear"), || async {
            self.client.find(Locator::Css(css)).await.ok()
        })
        .await;
    }

    pub(crate) async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    pub(crate) async fn text(&self, css: &str) -> Option<String> {
        self.client
            .find(Locator::Css(css))
            .await
            .ok()?
            .text()
            .await
            .ok()
    }

    pub(crate) async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map_or(0, |v| v.len())
    }

    pub(crate) async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.client
            .find(Locator::Css(css))
            .await
            .ok()?
            .attr(name)
            .await
            .ok()?
    }

    /// Waits until `css` has exactly `text`.
    pub(crate) async fn wait_text(&self, css: &str, want: &str) {
        wait_for(&format!("{css} to read {want:?}"), || async {
            (self.text(css).await.as_deref() == Some(want)).then_some(())
        })
        .await;
    }

    pub(crate) async fn wait_phase(&self, phase: &str) {
        self.wait_attr("[data-test=ws-state]", "data-phase", phase)
            .await;
    }

    /// Chooses the option with `value` in the `<select>` at `css`.
    pub(crate) async fn select(&self, css: &str, value: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("{css} = {value}: {e}"));
    }

    /// Sets an input's value the way typing would (fires `input`).
    pub(crate) async fn set_input(&self, css: &str, value: &str) {
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

    pub(crate) async fn finish(mut self) {
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
pub(crate) fn parse_ms(text: &str) -> f64 {
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

/// Where screenshots go: `DUPLEX_SCREENSHOTS`, else `target/screenshots/` (created).
pub(crate) fn screenshot_dir() -> PathBuf {
    let out = env_path(
        "DUPLEX_SCREENSHOTS",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/screenshots"),
    );
    std::fs::create_dir_all(&out).unwrap();
    out
}

pub(crate) fn dist() -> PathBuf {
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

impl Browser {
    /// Waits until `css` has attribute `name` equal to `value`.
    pub(crate) async fn wait_attr(&self, css: &str, name: &str, value: &str) {
        wait_for(&format!("{css} [{name}={value}]"), || async {
            (self.attr(css, name).await.as_deref() == Some(value)).then_some(())
        })
        .await;
    }

    /// Opens `path`, waits for `marker`, then for the page's live connection view.
    pub(crate) async fn open_live(&self, server: &TestServer, path: &str, marker: &str) {
        self.client.goto(&server.url(path)).await.unwrap();
        self.wait_visible(marker).await;
        self.wait_attr("[data-test=observer-link]", "data-link", "live")
            .await;
    }

    /// Opens the WebSocket lab (live connection view) without connecting.
    pub(crate) async fn open_ws_lab(&self, server: &TestServer, lang: &str) {
        self.open_live(
            server,
            &format!("/lab/ws?lang={lang}"),
            "[data-test=ws-connect]",
        )
        .await;
    }

    /// Presses Connect and waits for OPEN.
    pub(crate) async fn connect_ws(&self) {
        self.click("[data-test=ws-connect]").await;
        self.wait_phase("OPEN").await;
    }

    /// Checks nothing overflows sideways and saves a full-page screenshot as `name.png`.
    pub(crate) async fn shoot(&self, dir: &std::path::Path, name: &str) {
        // Clicks scroll things into view; show each page from its top-left corner.
        self.client
            .execute(
                "document.querySelectorAll('.table-wrap, .timeline-scroll')
                     .forEach(e => e.scrollLeft = 0);
                 window.scrollTo(0, 0);",
                vec![],
            )
            .await
            .unwrap();
        let overflow = self
            .client
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_f64().unwrap_or(1.0) <= 0.0,
            "{name}: page is {overflow} px wider than the window"
        );
        // Grow the window until its viewport holds the whole page: the window has some
        // height of its own, and a page may grow when its viewport does (an iframe that
        // reports its height, a log still filling).
        let (width, _) = self.client.get_window_size().await.unwrap();
        wait_for(
            &format!("{name}: the window as tall as the page"),
            || async {
                let got = self
                    .client
                    .execute(
                        "return [document.documentElement.scrollHeight, innerHeight];",
                        vec![],
                    )
                    .await
                    .ok()?;
                let (page, inner) = (got[0].as_u64()? as u32, got[1].as_u64()? as u32);
                if inner >= page.min(8000) {
                    return Some(());
                }
                let (_, window) = self.client.get_window_size().await.ok()?;
                let chrome = (window as u32).saturating_sub(inner);
                self.client
                    .set_window_size(width as u32, page.clamp(600, 8000) + chrome)
                    .await
                    .ok()?;
                None
            },
        )
        .await;
        let png = self.client.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// Opens the HTTP lab and waits until its live view of the connections is connected.
    pub(crate) async fn open_lab(&self, server: &TestServer, lang: &str) {
        self.open_live(
            server,
            &format!("/lab/http?lang={lang}"),
            "[data-test=lab-run]",
        )
        .await;
    }

    /// Presses Run and waits for `n` finished rows; returns each row's connection id.
    pub(crate) async fn run_lab(&self, n: usize) -> Vec<String> {
        let before = self.count("[data-test=lab-row][data-state=done]").await;
        self.click("[data-test=lab-run]").await;
        wait_for(&format!("{n} finished lab rows"), || async {
            (self.count("[data-test=lab-row][data-state=done]").await == before + n).then_some(())
        })
        .await;
        let rows = self
            .client
            .find_all(Locator::Css("[data-test=lab-row]"))
            .await
            .unwrap();
        let mut conns = Vec::new();
        for row in rows.into_iter().skip(before) {
            conns.push(
                row.attr("data-conn")
                    .await
                    .unwrap()
                    .expect("a connection id"),
            );
        }
        conns
    }

    /// Attribute `name` of every element matching `css`.
    pub(crate) async fn attrs(&self, css: &str, name: &str) -> Vec<Option<String>> {
        let mut out = Vec::new();
        for el in self.client.find_all(Locator::Css(css)).await.unwrap() {
            out.push(el.attr(name).await.unwrap());
        }
        out
    }

    /// Waits until the timeline bar of `conn` has `end` ("server", "client", "open").
    pub(crate) async fn wait_bar_end(&self, conn: &str, end: &str) {
        let css = format!("[data-test=tl-bar][data-conn=\"{conn}\"]");
        self.wait_attr(&css, "data-end", end).await;
    }
}

impl Browser {
    /// Opens the Compare page with `query` and waits until it is drawn.
    pub(crate) async fn open_compare(&self, server: &TestServer, query: &str) {
        self.client
            .goto(&server.url(&format!("/compare?{query}")))
            .await
            .unwrap();
        self.wait_visible("[data-test=race-run]").await;
    }

    /// Runs the race and waits until every contender row is done; returns (contender, p50 ms,
    /// round trips, TCP connections opened) per row.
    pub(crate) async fn run_race(&self, rows: usize) -> Vec<(String, f64, usize, String)> {
        // Waiting for "rows done" after a second run on the same load would see the first
        // run's rows: one run per page load, checked.
        assert_eq!(
            self.count("[data-test=race-row][data-done=true]").await,
            0,
            "run_race runs once per page load"
        );
        self.click("[data-test=race-run]").await;
        wait_for("every contender done", || async {
            (self.count("[data-test=race-row][data-done=true]").await == rows).then_some(())
        })
        .await;
        self.wait_attr("[data-test=race-progress]", "data-pct", "100")
            .await;
        self.wait_visible("[data-test=race-run]").await;
        assert_eq!(
            self.text("[data-test=race-error]").await,
            None,
            "no contender stopped early"
        );
        let names = self.attrs("[data-test=race-row]", "data-contender").await;
        let p50s = self.attrs("[data-test=race-row]", "data-p50").await;
        let ns = self.attrs("[data-test=race-row]", "data-n").await;
        let mut conns = Vec::new();
        for el in self
            .client
            .find_all(Locator::Css("[data-test=race-conns]"))
            .await
            .unwrap()
        {
            conns.push(el.text().await.unwrap());
        }
        (0..names.len())
            .map(|i| {
                (
                    names[i].clone().unwrap(),
                    p50s[i].clone().unwrap().parse().unwrap(),
                    ns[i].clone().unwrap().parse().unwrap(),
                    conns[i].clone(),
                )
            })
            .collect()
    }

    /// Starts the feed and waits until every strategy is done; returns (strategy, delivered,
    /// requests, p50 staleness) per row.
    pub(crate) async fn run_feed(&self, rows: usize) -> Vec<(String, usize, u64, Option<f64>)> {
        assert_eq!(
            self.count("[data-test=feed-row][data-done=true]").await,
            0,
            "run_feed runs once per page load"
        );
        self.click("[data-test=feed-start]").await;
        wait_for("every strategy done", || async {
            (self.count("[data-test=feed-row][data-done=true]").await == rows).then_some(())
        })
        .await;
        // Finished (the server's last counts are in) when Start is back.
        self.wait_visible("[data-test=feed-start]").await;
        assert_eq!(
            self.text("[data-test=feed-error]").await,
            None,
            "no strategy stopped early"
        );
        let get = |name: &'static str| self.attrs("[data-test=feed-row]", name);
        let (names, delivered, requests, p50) = (
            get("data-strategy").await,
            get("data-delivered").await,
            get("data-requests").await,
            get("data-p50").await,
        );
        (0..names.len())
            .map(|i| {
                (
                    names[i].clone().unwrap(),
                    delivered[i].clone().unwrap().parse().unwrap(),
                    requests[i].clone().unwrap().parse().unwrap(),
                    p50[i].clone().and_then(|v| v.parse().ok()),
                )
            })
            .collect()
    }
}

impl Browser {
    /// From now on, a file the page offers (`dom::download`: an anchor's `click`) is caught
    /// instead of saved; [`Browser::last_download`] reads it.
    pub(crate) async fn catch_downloads(&self) {
        self.client
            .execute(
                "window.__dl = [];
                 URL.revokeObjectURL = () => {};
                 HTMLAnchorElement.prototype.click = function () {
                     window.__dl.push([this.download, this.href]);
                 };",
                vec![],
            )
            .await
            .unwrap();
    }

    /// The last file the page offered: its name and text.
    pub(crate) async fn last_download(&self) -> (String, String) {
        let got = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const [name, href] = window.__dl[window.__dl.length - 1];
                 fetch(href).then(r => r.text()).then(t => done([name, t]));",
                vec![],
            )
            .await
            .unwrap();
        (
            got[0].as_str().unwrap_or_default().to_owned(),
            got[1].as_str().unwrap_or_default().to_owned(),
        )
    }

    /// An input's current value (a property yew sets, not the attribute).
    pub(crate) async fn value(&self, css: &str) -> String {
        self.client
            .execute(
                "return document.querySelector(arguments[0]).value;",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits until the page's address has `name=value` in its query.
    pub(crate) async fn wait_query(&self, name: &str, value: &str) {
        wait_for(&format!("?{name}={value} in the address"), || async {
            let url = self.client.current_url().await.ok()?;
            url.query_pairs()
                .any(|(n, v)| n == name && v == value)
                .then_some(())
        })
        .await;
    }
}

/// A Chrome DevTools Protocol command through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// Runs a DevTools command on the page and returns its result.
    pub(crate) async fn cdp(
        &self,
        cmd: &'static str,
        params: serde_json::Value,
    ) -> serde_json::Value {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }

    /// The viewport's picture through DevTools (`format`: `png`, or `jpeg` at `quality`),
    /// drawn at `scale` (the page laid out on a viewport 1/`scale` as wide, shrunk to fit).
    pub(crate) async fn capture(&self, format: &str, quality: u8, scale: f64) -> Vec<u8> {
        use base64::Engine as _;
        let view = self
            .client
            .execute(
                "return [scrollX, scrollY, innerWidth, innerHeight];",
                vec![],
            )
            .await
            .unwrap();
        let n = |i: usize| view[i].as_f64().unwrap_or_default();
        let mut params = json!({
            "format": format,
            "clip": { "x": n(0), "y": n(1), "width": n(2), "height": n(3), "scale": scale },
        });
        if format == "jpeg" {
            params["quality"] = json!(quality);
        }
        let got = self.cdp("Page.captureScreenshot", params).await;
        base64::engine::general_purpose::STANDARD
            .decode(got["data"].as_str().expect("screenshot data"))
            .expect("base64")
    }
}
