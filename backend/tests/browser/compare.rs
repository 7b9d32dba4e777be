//! Compare (`/compare`): the race, the feed four ways, refusals and the URL.

use serde_json::json;

use crate::common::TestServer;
use crate::harness::{Browser, dist, wait_for};

#[tokio::test]
async fn compare_race_of_fifty_over_three_contenders_completes_with_a_plot() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_compare(&server, "lang=en&net=none&n=50&size=32&k=1&c=new,keep,ws")
        .await;
    // Cross-origin isolated: the page says its clock resolves to 5 µs.
    b.wait_attr("[data-test=timer-note]", "data-isolated", "true")
        .await;
    let rows = b.run_race(3).await;
    eprintln!("race rows: {rows:?}");
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["new", "keep", "ws"]);
    for (name, p50, n, _) in &rows {
        assert_eq!(*n, 50, "{name}");
        assert!(*p50 > 0.0, "{name}");
    }
    // The server counted a new TCP connection for every new-connection round trip except
    // those carried by idle connections the browser kept from loading the page (at most 6
    // per server in Chrome), at most a couple for keep-alive, and one for the WebSocket.
    let conns = |i: usize| rows[i].3.parse::<u64>().unwrap();
    assert!(conns(0) >= 50 - 6, "{rows:?}");
    assert!(conns(1) <= 2, "{rows:?}");
    assert_eq!(conns(2), 1, "{rows:?}");
    b.wait_attr("[data-test=race-plot]", "data-series", "3")
        .await;
    assert_eq!(
        b.attr("[data-test=race-plot]", "data-emulated")
            .await
            .as_deref(),
        Some("false")
    );
    // Downloads: catch the file the page offers instead of saving it.
    b.catch_downloads().await;
    for (button, name) in [
        ("download-csv", "duplex-compare.csv"),
        ("download-json", "duplex-compare.json"),
    ] {
        b.click(&format!("[data-test={button}]")).await;
        let (got, body) = b.last_download().await;
        assert_eq!(got, name);
        if name.ends_with(".csv") {
            // A header and one row per round trip.
            assert_eq!(
                body.lines().count(),
                1 + 150,
                "{}",
                &body[..200.min(body.len())]
            );
            assert!(body.lines().nth(1).unwrap().starts_with("race,new,1,,"));
        } else {
            let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(doc["race"].as_array().unwrap().len(), 3);
            assert_eq!(doc["race"][2]["samples_ms"].as_array().unwrap().len(), 50);
            assert_eq!(doc["settings"]["n"], "50");
        }
    }
    b.finish().await;
}

#[tokio::test]
async fn compare_with_4g_new_connections_take_about_twice_keep_alive() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start_quiet("en-US").await;
    b.open_compare(&server, "lang=en&net=4g&n=20&size=32&k=1&c=new,keep")
        .await;
    let rows = b.run_race(2).await;
    let (new, keep) = (rows[0].1, rows[1].1);
    eprintln!("4G: new-connection p50 {new:.2} ms, keep-alive p50 {keep:.2} ms");
    // 4G: 50 ms round trip (+ up to 8 ms jitter each way); a new connection pays the
    // handshake's round trip too.
    assert!((50.0..90.0).contains(&keep), "keep-alive p50 {keep}");
    // About twice: exactly one more 50 ms round trip (the browser's own work, the same for
    // both, and a shared machine's lateness pull the ratio a little below 2).
    let ratio = new / keep;
    assert!((1.4..=2.5).contains(&ratio), "new/keep = {ratio:.2}");
    let extra = new - keep;
    assert!((40.0..=70.0).contains(&extra), "new − keep = {extra:.1} ms");
    assert_eq!(
        b.attr("[data-test=race-plot]", "data-emulated")
            .await
            .as_deref(),
        Some("true")
    );
    b.wait_visible("[data-test=race-emulated]").await;
    b.finish().await;
}

#[tokio::test]
async fn compare_feed_four_ways_each_show_staleness_and_requests() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start_quiet("en-US").await;
    b.open_compare(
        &server,
        "lang=en&net=none&rate=20&secs=2&poll=200&s=short,long,sse,ws",
    )
    .await;
    let rows = b.run_feed(4).await;
    eprintln!("feed rows: {rows:?}");
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["short", "long", "sse", "ws"]);
    for (name, delivered, requests, p50) in &rows {
        assert_eq!(*delivered, 40, "{name} delivered every event");
        assert!(p50.is_some(), "{name} shows staleness");
        assert!(*requests >= 1, "{name}");
    }
    // Polling asks again and again; SSE and WebSocket ask once.
    assert!(rows[0].2 >= 8, "short polls: {}", rows[0].2);
    assert!(rows[1].2 >= 10, "long polls: {}", rows[1].2);
    assert_eq!((rows[2].2, rows[3].2), (1, 1));
    // Short polling every 200 ms leaves events waiting ~100 ms on average; pushes do not.
    let (short, sse, ws) = (rows[0].3.unwrap(), rows[2].3.unwrap(), rows[3].3.unwrap());
    assert!(short > sse && short > ws, "short {short} sse {sse} ws {ws}");
    b.wait_attr("[data-test=feed-plot]", "data-series", "4")
        .await;
    b.finish().await;
}

#[tokio::test]
async fn compare_refuses_bad_settings_and_keeps_the_setup_in_the_url() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_compare(&server, "lang=en&net=lan&n=77&k=3&c=keep")
        .await;
    let br = &b;
    let value = |css: &'static str| async move {
        br.client
            .execute(
                "return document.querySelector(arguments[0]).value;",
                vec![json!(css)],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(value("[data-test=race-n]").await, "77");
    assert_eq!(value("[data-test=race-k]").await, "3");
    assert_eq!(value("[data-test=net-profile]").await, "lan");
    assert_eq!(b.count("[data-test=race-c-new]:checked").await, 0);
    assert_eq!(b.count("[data-test=race-c-keep]:checked").await, 1);
    // Out of range: the reason shows beside the field and Run is off.
    b.set_input("[data-test=race-n]", "0").await;
    wait_for("the refusal beside N", || async {
        b.text("[data-test=race-n-error]")
            .await
            .filter(|t| !t.is_empty())
    })
    .await;
    assert_eq!(
        b.attr("[data-test=race-run]", "disabled").await.as_deref(),
        Some("true")
    );
    b.set_input("[data-test=feed-rate]", "51").await;
    let err = wait_for("the refusal beside the rate", || async {
        b.text("[data-test=feed-rate-error]")
            .await
            .filter(|t| !t.is_empty())
    })
    .await;
    assert!(err.contains("50"), "{err}");
    // The URL follows the form, refused values included, so a link shows the same thing.
    let url = b.client.current_url().await.unwrap();
    let q = url.query().unwrap_or_default().to_owned();
    assert!(
        q.contains("n=0") && q.contains("rate=51") && q.contains("lang=en"),
        "{q}"
    );
    // Custom network values are checked too.
    b.client
        .execute(
            "const s = document.querySelector('[data-test=net-profile]');
             s.value = 'custom'; s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![],
        )
        .await
        .unwrap();
    b.wait_visible("[data-test=net-rtt]").await;
    b.set_input("[data-test=net-rtt]", "5000").await;
    wait_for("the refusal beside the round-trip time", || async {
        b.text("[data-test=net-rtt-error]")
            .await
            .filter(|t| !t.is_empty())
    })
    .await;
    b.finish().await;
}

/// Stopping a live feed mid-run ends every strategy quietly: a poll sent or in flight
/// when the page itself ended the feed (answered 404 for the forgotten feed, or aborted)
/// is not a failure. (It showed "The server has no such resource." on short polling.)
#[tokio::test]
async fn compare_feed_stopped_mid_run_ends_every_strategy_quietly() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    // A long feed and short polls every 100 ms, so one is always about to go out or in
    // flight when Stop is pressed.
    b.open_compare(
        &server,
        "lang=en&net=none&rate=20&secs=60&poll=100&s=short,long,sse,ws",
    )
    .await;
    b.click("[data-test=feed-start]").await;
    let number = |v: &Option<String>| v.as_deref().and_then(|v| v.parse::<u64>().ok());
    wait_for(
        "every strategy delivering, short polling asking again",
        || async {
            let delivered = b.attrs("[data-test=feed-row]", "data-delivered").await;
            let short = b
                .attrs("[data-test=feed-row][data-strategy=short]", "data-requests")
                .await;
            let all = delivered.len() == 4 && delivered.iter().all(|d| number(d) >= Some(5));
            (all && short.first().and_then(number) >= Some(5)).then_some(())
        },
    )
    .await;
    b.click("[data-test=feed-stop]").await;
    wait_for("every strategy done after Stop", || async {
        (b.count("[data-test=feed-row][data-done=true]").await == 4).then_some(())
    })
    .await;
    // Finished (the server's last counts are in) when Start is back.
    b.wait_visible("[data-test=feed-start]").await;
    assert_eq!(
        b.text("[data-test=feed-error]").await,
        None,
        "no strategy shows a failure after the page's own Stop"
    );
    assert_eq!(b.text("[data-test=feed-failed]").await, None);
    // It did stop early: far fewer than the 1,200 events the feed would have sent.
    for d in b.attrs("[data-test=feed-row]", "data-delivered").await {
        assert!(number(&d).is_some_and(|n| n < 1_200), "{d:?}");
    }
    b.finish().await;
}
