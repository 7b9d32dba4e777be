//! The basics page (`/`): one HTTP request and one WebSocket session, and the language.

use fantoccini::Locator;

use crate::common::TestServer;
use crate::harness::{Browser, dist, parse_ms, wait_for};

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
    b.select("[data-test=http-method]", "POST").await;
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
    b.select("[data-test=lang-select]", "en").await;
    b.wait_text("[data-test=http-send]", "Send request").await;
    let url = b.client.current_url().await.unwrap();
    assert!(url.query().unwrap_or("").contains("lang=en"), "{url}");

    // A language this page load has not fetched yet (the wasm carries English only):
    // fetched on the switch, then drawn.
    b.select("[data-test=lang-select]", "ko").await;
    b.wait_text("[data-test=http-send]", "요청 보내기").await;
    b.finish().await;
}

/// The basics' forms come from the address and go back into it, for links and embeds.
#[tokio::test]
async fn the_basics_forms_live_in_the_address() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.client
        .goto(&server.url("/?lang=en&method=post&payload=ping%20%26%20pong&message=yo"))
        .await
        .unwrap();
    b.wait_visible("[data-test=http-send]").await;
    assert_eq!(b.value("[data-test=http-method]").await, "POST");
    assert_eq!(b.value("[data-test=http-payload]").await, "ping & pong");
    assert_eq!(b.value("[data-test=ws-payload]").await, "yo");
    b.set_input("[data-test=ws-payload]", "hello there").await;
    b.wait_query("message", "hello there").await;
    b.wait_query("method", "post").await;
    // The embed of one panel takes the same query.
    b.client
        .goto(&server.url("/embed/http?lang=en&method=post&payload=abc"))
        .await
        .unwrap();
    b.click("[data-test=embed-start]").await;
    b.wait_visible("[data-test=http-send]").await;
    assert_eq!(b.value("[data-test=http-payload]").await, "abc");
    b.finish().await;
}
