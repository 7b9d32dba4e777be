//! The HTTP lab (`/lab/http`): which TCP connection carried each request.

use fantoccini::Locator;
use serde_json::json;

use crate::common::TestServer;
use crate::harness::{Browser, dist, parse_ms, wait_for};

/// The server's and the browser's verdicts never contradict each other: where the browser
/// connected, the server saw the connection's first request; where the server saw a
/// later request, the browser had no connect phase. (The converse may fail honestly: a
/// socket the browser opened ahead of time shows "new" on the server and no connect in
/// the browser.) The page is cross-origin isolated, so its timers resolve a loopback
/// connect.
async fn assert_views_agree(b: &Browser) {
    let isolated = b
        .client
        .execute("return self.crossOriginIsolated;", vec![])
        .await
        .unwrap();
    assert_eq!(isolated, json!(true), "the page is cross-origin isolated");
    let server = b.attrs("[data-test=lab-server-verdict]", "data-new").await;
    let browser = b.attrs("[data-test=lab-browser-verdict]", "data-new").await;
    assert_eq!(server.len(), browser.len());
    for (row, (s, b)) in server.iter().zip(&browser).enumerate() {
        let (s, b) = (s.as_deref() == Some("true"), b.as_deref() == Some("true"));
        assert!(
            !b || s,
            "row {row}: the browser connected, the server saw a reuse"
        );
    }
}

#[tokio::test]
async fn lab_keep_alive_reuses_one_connection() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_lab(&server, "en").await;
    assert_eq!(
        b.count("[data-test=tl-bar]").await,
        0,
        "no lab connection yet"
    );

    let conns = b.run_lab(3).await;
    assert!(
        conns.iter().all(|c| *c == conns[0]),
        "keep-alive: one connection for all three: {conns:?}"
    );
    // The server's verdict: requests 2 and 3 reused the connection. (Request 1 may reuse
    // the connection the page itself was loaded over: the server says which.)
    let verdicts = b.attrs("[data-test=lab-server-verdict]", "data-new").await;
    assert_eq!(verdicts.len(), 3);
    assert_eq!(verdicts[1].as_deref(), Some("false"));
    assert_eq!(verdicts[2].as_deref(), Some("false"));
    // The browser agrees: no connect phase on a reused connection.
    let browser = b.attrs("[data-test=lab-browser-verdict]", "data-new").await;
    assert_eq!(browser.len(), 3, "every row has the browser's own verdict");
    assert_eq!(browser[1].as_deref(), Some("false"));
    assert_eq!(browser[2].as_deref(), Some("false"));
    assert_views_agree(&b).await;

    // One bar on the timeline, with three request marks, still open.
    wait_for("one bar with three marks", || async {
        let bars = b.attrs("[data-test=tl-bar]", "data-requests").await;
        (bars == vec![Some("3".to_owned())]).then_some(())
    })
    .await;
    b.wait_bar_end(&conns[0], "open").await;

    // Phases, server time and wire bytes are shown for each row.
    for css in ["lab-ttfb", "lab-server-ms", "lab-total"] {
        let text = b.text(&format!("[data-test={css}]")).await.unwrap();
        assert!(parse_ms(&text) >= 0.0, "{css}: {text}");
    }
    wait_for("server-counted bytes in every row", || async {
        let mut all = true;
        for el in b
            .client
            .find_all(Locator::Css("[data-test=lab-bytes]"))
            .await
            .ok()?
        {
            all &= el.text().await.ok()?.contains('↓');
        }
        all.then_some(())
    })
    .await;

    // A row opens its headers: the server saw our client key and the browser's UA.
    b.click("[data-test=lab-row]").await;
    let headers = b.text("[data-test=lab-request-headers]").await.unwrap();
    assert!(
        headers.contains("x-duplex-client") && headers.contains("user-agent"),
        "{headers}"
    );
    let response = b.text("[data-test=lab-response-headers]").await.unwrap();
    assert!(response.contains("server-timing"), "{response}");
    b.finish().await;
}

#[tokio::test]
async fn lab_close_after_response_opens_one_connection_per_request() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_lab(&server, "en").await;
    b.click("[data-test=lab-close]").await;
    let conns = b.run_lab(3).await;
    let distinct: std::collections::BTreeSet<_> = conns.iter().collect();
    assert_eq!(distinct.len(), 3, "one connection per request: {conns:?}");
    // Three bars, each ended by the server. (A request may go out on an idle connection
    // the browser opened earlier for the page's own files; the server's verdict then says
    // "reused", and the browser agrees below.)
    for conn in &conns {
        b.wait_bar_end(conn, "server").await;
    }
    assert_eq!(b.count("[data-test=tl-bar]").await, 3);
    assert_views_agree(&b).await;
    b.finish().await;
}

#[tokio::test]
async fn lab_refuses_bad_settings_beside_the_field() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_lab(&server, "en").await;
    b.set_input("[data-test=lab-delay]", "-5").await;
    b.wait_text("[data-test=lab-delay-error]", "Must be at least 0.")
        .await;
    assert!(b.attr("[data-test=lab-run]", "disabled").await.is_some());
    b.set_input("[data-test=lab-count]", "abc").await;
    b.wait_text(
        "[data-test=lab-count-error]",
        "Enter a whole number from 1 to 100.",
    )
    .await;
    b.set_input("[data-test=lab-resp]", "99999999999").await;
    b.wait_text("[data-test=lab-resp-error]", "Must be at most 1048576.")
        .await;
    // Mended, the run goes through.
    b.set_input("[data-test=lab-delay]", "1").await;
    b.set_input("[data-test=lab-count]", "1").await;
    b.set_input("[data-test=lab-resp]", "10").await;
    b.wait_text("[data-test=lab-delay-error]", "").await;
    assert_eq!(b.run_lab(1).await.len(), 1);
    b.finish().await;
}

#[tokio::test]
async fn lab_shows_that_a_cookie_was_sent_but_never_its_value() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_lab(&server, "en").await;
    // A cookie for this origin: the browser attaches it to the lab's same-origin fetch.
    b.client
        .execute(
            "document.cookie = 'session=very-secret-cookie-value; path=/';",
            vec![],
        )
        .await
        .unwrap();
    b.run_lab(3).await;
    b.click("[data-test=lab-row]").await;
    let headers = b.text("[data-test=lab-request-headers]").await.unwrap();
    assert!(headers.contains("cookie"), "{headers}");
    assert!(!headers.contains("very-secret"), "{headers}");
    // "session=very-secret-cookie-value" is 32 bytes.
    assert!(headers.contains("hidden: 32 B sent"), "{headers}");
    b.finish().await;
}

/// The lab's settings come from its address and go back into it (so a link or an embed
/// reproduces the setup), and its requests download as JSON and CSV.
#[tokio::test]
async fn lab_settings_live_in_the_address_and_its_log_downloads() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_live(
        &server,
        "/lab/http?lang=en&count=2&close=1&resp=10",
        "[data-test=lab-run]",
    )
    .await;
    assert_eq!(b.value("[data-test=lab-count]").await, "2");
    assert_eq!(b.value("[data-test=lab-resp]").await, "10");
    let checked = b
        .client
        .execute(
            "return document.querySelector('[data-test=lab-close]').checked;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(checked, json!(true));
    // The whole setup is written back, with what the address left out.
    b.wait_query("order", "sequential").await;
    b.wait_query("method", "get").await;
    let conns = b.run_lab(2).await;
    assert_ne!(
        conns[0], conns[1],
        "Connection: close → a new connection each"
    );
    b.catch_downloads().await;
    b.click("[data-test=lab-download-json]").await;
    let (name, body) = b.last_download().await;
    assert_eq!(name, "duplex-http-lab.json");
    let rows: serde_json::Value = serde_json::from_str(&body).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{body}");
    for r in rows {
        assert_eq!(r["close"], json!(true));
        assert_eq!(r["status"], json!(200));
        assert_eq!(r["response_bytes"], json!(10));
    }
    // Each rode its own connection (the server closed the first's); either may be one the
    // browser opened early for the page's own files, so its number on it may be above 1.
    assert_ne!(rows[0]["conn"], rows[1]["conn"], "{body}");
    assert!(
        rows.iter()
            .all(|r| r["request_on_conn"].as_u64() >= Some(1))
    );
    b.click("[data-test=lab-download-csv]").await;
    let (name, csv) = b.last_download().await;
    assert_eq!(name, "duplex-http-lab.csv");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.starts_with("run,n,method,"));
    // A change goes into the address at once.
    b.set_input("[data-test=lab-count]", "4").await;
    b.wait_query("count", "4").await;
    b.finish().await;
}
