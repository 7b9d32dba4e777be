//! The WebSocket lab (`/lab/ws`): a whole session, refusals, server closes, reconnects.

use crate::common::TestServer;
use crate::harness::{Browser, dist, parse_ms, wait_for};

#[tokio::test]
async fn ws_lab_walks_a_whole_session() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_ws_lab(&server, "en").await;

    // Open: OPEN, a handshake time, the 101 and the chosen subprotocol.
    b.connect_ws().await;
    let handshake = parse_ms(&b.text("[data-test=ws-handshake]").await.unwrap());
    assert!(
        handshake > 0.0 && handshake < 5_000.0,
        "handshake {handshake} ms"
    );
    b.wait_visible("[data-test=ws-hs-status]").await;
    let chosen = b.text("[data-test=ws-subprotocol]").await.unwrap();
    assert!(chosen.contains("duplex.v1"), "{chosen}");
    let request = b.text("[data-test=ws-hs-request]").await.unwrap();
    assert!(request.contains("sec-websocket-key"), "{request}");
    // The clock offset estimate arrives from the probes sent on open.
    wait_for("a clock offset", || async {
        b.text("[data-test=ws-clock]")
            .await
            .filter(|t| t.contains('±'))
    })
    .await;

    // Five echoes, five round trips.
    b.set_input("[data-test=ws-repeat]", "5").await;
    b.click("[data-test=ws-send]").await;
    wait_for("5 round trips", || async {
        (b.count("[data-test=ws-rtt]").await == 5).then_some(())
    })
    .await;

    // A ticker of 10: ten pushes, marked as pushes, with one-way estimates.
    b.set_input("[data-test=ws-count]", "10").await;
    b.set_input("[data-test=ws-rate]", "50").await;
    b.click("[data-test=ws-ticker-start]").await;
    b.wait_text("[data-test=ws-pushes]", "10").await;
    b.select("[data-test=ws-filter]", "push").await;
    wait_for("ten push lines", || async {
        let log = b.text("[data-test=ws-log]").await?;
        (log.matches("of 10").count() == 10).then_some(())
    })
    .await;
    let one_way = b.text("[data-test=ws-one-way]").await.unwrap();
    assert!(one_way != "—", "a one-way estimate: {one_way}");

    // The WebSocket's TCP connection: one bar, with the upgrade marked.
    b.wait_visible("[data-test=tl-upgrade]").await;

    // The page closes with 4000 "bye".
    b.set_input("[data-test=ws-code]", "4000").await;
    b.set_input("[data-test=ws-reason]", "bye").await;
    b.click("[data-test=ws-close]").await;
    b.wait_phase("CLOSED").await;
    assert_eq!(
        b.attr("[data-test=ws-close-info]", "data-code")
            .await
            .as_deref(),
        Some("4000")
    );
    assert_eq!(
        b.attr("[data-test=ws-close-info]", "data-clean")
            .await
            .as_deref(),
        Some("true")
    );
    b.select("[data-test=ws-filter]", "all").await;
    let log = b.text("[data-test=ws-log]").await.unwrap();
    assert!(
        log.contains("code 4000") && log.contains("bye") && log.contains("started by the page"),
        "{log}"
    );

    // Again, and the server drops TCP: the page sees 1006, not clean.
    b.click("[data-test=ws-connect]").await;
    b.wait_phase("OPEN").await;
    b.click("[data-test=ws-drop]").await;
    b.wait_phase("CLOSED").await;
    b.wait_attr("[data-test=ws-close-info]", "data-code", "1006")
        .await;
    assert_eq!(
        b.attr("[data-test=ws-close-info]", "data-clean")
            .await
            .as_deref(),
        Some("false")
    );
    b.finish().await;
}

#[tokio::test]
async fn ws_lab_refuses_bad_settings_and_the_server_closes_on_request() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_ws_lab(&server, "en").await;
    b.connect_ws().await;
    b.set_input("[data-test=ws-rate]", "1000").await;
    b.wait_text("[data-test=ws-rate-error]", "Must be at most 100.")
        .await;
    assert!(
        b.attr("[data-test=ws-ticker-start]", "disabled")
            .await
            .is_some()
    );
    b.set_input("[data-test=ws-code]", "1001").await;
    b.wait_text(
        "[data-test=ws-code-error]",
        "Use 1000, or a code from 3000 to 4999.",
    )
    .await;
    b.set_input("[data-test=ws-code]", "4321").await;
    b.set_input("[data-test=ws-reason]", "server says bye")
        .await;
    b.click("[data-test=ws-server-close]").await;
    b.wait_phase("CLOSED").await;
    assert_eq!(
        b.attr("[data-test=ws-close-info]", "data-code")
            .await
            .as_deref(),
        Some("4321")
    );
    let info = b.text("[data-test=ws-close-info]").await.unwrap();
    assert!(
        info.contains("server says bye") && info.contains("started by the server"),
        "{info}"
    );
    b.finish().await;
}

#[tokio::test]
async fn ws_lab_reconnects_with_backoff_when_asked() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_ws_lab(&server, "en").await;
    b.click("[data-test=ws-auto]").await;
    b.connect_ws().await;
    let first = b.text("[data-test=ws-hs-status]").await;
    assert!(first.is_some());
    // The server drops the connection: the page notices, waits, and opens a new session.
    b.click("[data-test=ws-drop]").await;
    b.wait_attr("[data-test=ws-close-info]", "data-code", "1006")
        .await;
    wait_for("the reconnect notice", || async {
        b.text("[data-test=ws-log]")
            .await
            .filter(|log| log.contains("Reconnecting in 0.5 s"))
    })
    .await;
    b.wait_phase("OPEN").await;
    // A close the page asked for is not undone.
    b.click("[data-test=ws-close]").await;
    b.wait_phase("CLOSED").await;
    b.wait_attr("[data-test=ws-close-info]", "data-code", "4000")
        .await;
    // Let the page draw two more frames (its effects, a reconnect among them, run then).
    b.client
        .execute_async(
            "const done = arguments[0];
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        b.attr("[data-test=ws-state]", "data-phase")
            .await
            .as_deref(),
        Some("CLOSED")
    );
    let log = b.text("[data-test=ws-log]").await.unwrap();
    assert_eq!(log.matches("Reconnecting").count(), 1, "{log}");
    b.finish().await;
}

/// The lab's settings come from its address and go back into it; its log downloads.
#[tokio::test]
async fn ws_lab_settings_live_in_the_address_and_its_log_downloads() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_live(
        &server,
        "/lab/ws?lang=en&kind=binary&size=64&repeat=2&count=3",
        "[data-test=ws-connect]",
    )
    .await;
    assert_eq!(b.value("[data-test=ws-kind]").await, "binary");
    assert_eq!(b.value("[data-test=ws-size]").await, "64");
    assert_eq!(b.value("[data-test=ws-repeat]").await, "2");
    b.wait_query("offer", "duplex").await;
    b.connect_ws().await;
    b.click("[data-test=ws-send]").await;
    b.catch_downloads().await;
    wait_for("two binary echoes in the log", || async {
        b.click("[data-test=ws-download-json]").await;
        let (_, body) = b.last_download().await;
        let rows: serde_json::Value = serde_json::from_str(&body).ok()?;
        let echoes = rows
            .as_array()?
            .iter()
            .filter(|r| r["kind"] == "binary_echo")
            .count();
        (echoes == 2).then_some(rows)
    })
    .await;
    b.click("[data-test=ws-download-csv]").await;
    let (name, csv) = b.last_download().await;
    assert_eq!(name, "duplex-ws-lab.csv");
    assert!(csv.starts_with("at_ms,dir,kind,"), "{csv}");
    assert!(
        csv.lines().any(|l| l.contains(",sent,sent_binary,64,")),
        "{csv}"
    );
    b.set_input("[data-test=ws-repeat]", "3").await;
    b.wait_query("repeat", "3").await;
    b.finish().await;
}
