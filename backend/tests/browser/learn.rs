//! Lessons (`/learn`, `/learn/<lesson>`): driven through their inline widgets, the steps
//! turn green by themselves from the recorded traffic (there is no "mark done"), progress
//! survives a reload and "start over" clears it, and a lesson reads in ja and ko.

use crate::common::TestServer;
use crate::harness::{Browser, dist, wait_for};

/// Waits until step `step` of the open lesson is in `state` (`passed`, `partial`,
/// `pending`); a timeout names what the step saw.
async fn wait_step(b: &Browser, step: &str, state: &str) {
    let css = format!("[data-test=step-{step}]");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while b.attr(&css, "data-state").await.as_deref() != Some(state) {
        assert!(
            std::time::Instant::now() < deadline,
            "step {step} not {state} after 20 s; it saw: {:?}",
            b.text(&css).await
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

/// Whether the radio or checkbox `css` is checked (a property yew sets, not an attribute).
async fn checked(b: &Browser, css: &str) -> bool {
    b.client
        .execute(
            "return document.querySelector(arguments[0]).checked;",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
}

/// Opens a lesson and waits for its text and the live connection view.
async fn open_lesson(b: &Browser, server: &TestServer, slug: &str, lang: &str) {
    b.open_live(
        server,
        &format!("/learn/{slug}?lang={lang}"),
        "[data-test=lesson-claim]",
    )
    .await;
}

#[tokio::test]
async fn lesson_2_passes_from_three_closed_connections_survives_a_reload_and_resets() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    open_lesson(&b, &server, "connection-close", "en").await;
    // The lesson opens the lab with its switches set: close after each response, 3.
    assert!(checked(&b, "[data-test=lab-close]").await);
    for step in ["three-requests", "three-connections", "server-closed"] {
        wait_step(&b, step, "pending").await;
    }
    assert_eq!(b.count("[data-test=takeaway]").await, 0);
    // A hint opens on request, one at a time.
    assert_eq!(b.count(".hint-item").await, 0);
    b.click("[data-test=hint-three-requests]").await;
    wait_for("one hint", || async {
        (b.count(".hint-item").await == 1).then_some(())
    })
    .await;
    b.click("[data-test=hint-three-requests]").await;
    wait_for("two hints", || async {
        (b.count(".hint-item").await == 2).then_some(())
    })
    .await;

    b.run_lab(3).await;
    for step in ["three-requests", "three-connections", "server-closed"] {
        wait_step(&b, step, "passed").await;
    }
    let saw = b.text("[data-test=saw-server-closed]").await.unwrap();
    assert!(saw.contains("closed by the server: 3"), "{saw}");
    b.wait_visible("[data-test=takeaway]").await;
    let next = b.attr("[data-test=lesson-next]", "href").await.unwrap();
    assert_eq!(next, "/learn/keep-alive?lang=en");

    // A reload keeps the progress: the steps are done, the lab is empty.
    b.client.refresh().await.unwrap();
    b.wait_visible("[data-test=lesson-claim]").await;
    for step in ["three-requests", "three-connections", "server-closed"] {
        wait_step(&b, step, "passed").await;
    }
    let saw = b.text("[data-test=saw-three-requests]").await.unwrap();
    assert!(saw.contains("Done earlier"), "{saw}");
    assert_eq!(b.count("[data-test=lab-row]").await, 0);
    // The list says so too.
    b.click("[data-test=lesson-back]").await;
    b.wait_text(
        "[data-test=lesson-connection-close] [data-test=lesson-status]",
        "Done",
    )
    .await;
    b.wait_text(
        "[data-test=lesson-keep-alive] [data-test=lesson-status]",
        "Not started",
    )
    .await;

    // Start over: the progress goes, and nothing passes until it is done again.
    open_lesson(&b, &server, "connection-close", "en").await;
    b.click("[data-test=lesson-reset]").await;
    for step in ["three-requests", "three-connections", "server-closed"] {
        wait_step(&b, step, "pending").await;
    }
    assert_eq!(b.count("[data-test=takeaway]").await, 0);
    b.client.refresh().await.unwrap();
    b.wait_visible("[data-test=lesson-claim]").await;
    wait_step(&b, "server-closed", "pending").await;
    b.finish().await;
}

#[tokio::test]
async fn lesson_2_does_not_pass_on_keep_alive() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    open_lesson(&b, &server, "connection-close", "en").await;
    // The near miss: the same three requests, but the connection is kept open.
    b.click("[data-test=lab-keepalive]").await;
    b.run_lab(3).await;
    // The steps read only runs with keep-alive off: none has anything to judge.
    for step in ["three-requests", "three-connections", "server-closed"] {
        assert_eq!(
            b.attr(&format!("[data-test=step-{step}]"), "data-state")
                .await
                .as_deref(),
            Some("pending"),
            "{step}"
        );
    }
    assert_eq!(b.count("[data-test=takeaway]").await, 0);
    b.finish().await;
}

#[tokio::test]
async fn lesson_6_passes_from_pushes_and_a_close_the_server_started() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    open_lesson(&b, &server, "server-speaks-first", "en").await;
    wait_step(&b, "pushes", "pending").await;
    // The lesson opens with its own settings: five pushes, five a second, and a close
    // the server will start with 4000 "lesson over".
    assert_eq!(b.value("[data-test=ws-count]").await, "5");
    assert_eq!(b.value("[data-test=ws-rate]").await, "5");
    assert_eq!(b.value("[data-test=ws-reason]").await, "lesson over");
    b.connect_ws().await;
    b.set_input("[data-test=ws-rate]", "50").await;
    b.click("[data-test=ws-ticker-start]").await;
    b.wait_text("[data-test=ws-pushes]", "5").await;
    wait_step(&b, "pushes", "passed").await;
    let saw = b.text("[data-test=saw-pushes]").await.unwrap();
    assert!(saw.contains("Pushes: 5"), "{saw}");
    wait_step(&b, "server-close", "pending").await;
    b.set_input("[data-test=ws-code]", "4321").await;
    b.set_input("[data-test=ws-reason]", "lesson over").await;
    b.click("[data-test=ws-server-close]").await;
    b.wait_phase("CLOSED").await;
    wait_step(&b, "server-close", "passed").await;
    let saw = b.text("[data-test=saw-server-close]").await.unwrap();
    assert!(saw.contains("4321") && saw.contains("lesson over"), "{saw}");
    b.wait_visible("[data-test=takeaway]").await;
    b.finish().await;
}

#[tokio::test]
async fn lesson_3_reads_in_japanese_and_korean_and_passes_its_checks() {
    let server = TestServer::serve(&dist()).await;
    for (lang, accept, script) in [("ja", "ja-JP", 'ぁ'..='ヿ'), ("ko", "ko-KR", '가'..='힣')] {
        let in_script = |t: &str| t.chars().any(|c| script.contains(&c));
        let b = Browser::start(accept).await;
        open_lesson(&b, &server, "keep-alive", lang).await;
        // Every piece of the lesson's own text is in the language: the claim, the title,
        // the goal, each step's label and an opened hint.
        for css in [
            "[data-test=lesson-claim]",
            "#lesson-title",
            "[data-test=lesson-goal]",
            "[data-test=step-three-requests] .step-label",
            "[data-test=step-one-connection] .step-label",
            "[data-test=step-connect-phase] .step-label",
        ] {
            let text = b.text(css).await.unwrap_or_default();
            assert!(in_script(&text), "{lang} {css}: {text:?}");
        }
        b.click("[data-test=hint-one-connection]").await;
        b.wait_visible(".hint-item").await;
        let hint = b.text(".hint-item").await.unwrap();
        assert!(in_script(&hint), "{lang} hint: {hint}");
        // Keep-alive is preset. As the hint says: first a run that closes each
        // connection, then the keep-alive run, whose three requests ride one connection
        // and pay no connect phase.
        assert!(checked(&b, "[data-test=lab-keepalive]").await);
        b.click("[data-test=lab-close]").await;
        b.run_lab(3).await;
        b.click("[data-test=lab-keepalive]").await;
        b.run_lab(3).await;
        for step in ["three-requests", "one-connection", "connect-phase"] {
            wait_step(&b, step, "passed").await;
        }
        // What the checks saw is said in the language too, with its numbers.
        let saw = b.text("[data-test=saw-connect-phase]").await.unwrap();
        eprintln!("{lang} connect-phase: {saw}");
        assert!(saw.contains(" ms") && in_script(&saw), "{lang}: {saw}");
        let saw = b.text("[data-test=saw-one-connection]").await.unwrap();
        assert!(in_script(&saw), "{lang}: {saw}");
        b.wait_visible("[data-test=takeaway]").await;
        let takeaway = b.text("[data-test=takeaway]").await.unwrap();
        assert!(in_script(&takeaway), "{lang} takeaway: {takeaway}");
        b.finish().await;
    }
}

/// The textbook's figure on a gauge: `data-agrees` of `formula-<law>`, and the figures
/// its legend states.
async fn formula(b: &Browser, law: &str) -> (bool, String) {
    let css = format!("[data-test=formula-{law}]");
    b.wait_visible(&css).await;
    let agrees = b.attr(&css, "data-agrees").await.unwrap() == "true";
    (agrees, b.text(&css).await.unwrap())
}

#[tokio::test]
async fn lesson_7_draws_half_the_period_and_900_bytes_of_headers_beside_the_feed() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.client
        .goto(&server.url("/learn/streaming-over-http?lang=en"))
        .await
        .unwrap();
    b.wait_visible("[data-test=lesson-claim]").await;
    assert_eq!(
        b.count("[data-test=formulas]").await,
        0,
        "nothing measured yet"
    );
    b.run_feed(4).await;
    for step in ["poll-vs-push", "half-period", "header-cost", "http-push"] {
        wait_step(&b, step, "passed").await;
    }
    // The browser's own poll requests (Chromium's headers, measured by the server) agree
    // with the textbook's ~900 B; the feed's frame header is 2 B.
    for law in ["half-period", "poll-headers", "frame-header"] {
        let (agrees, text) = formula(&b, law).await;
        eprintln!("{law}: {text}");
        assert!(agrees, "{law}: {text}");
        assert!(
            text.contains("Textbook:") && text.contains("accepted"),
            "{text}"
        );
    }
    let (_, headers) = formula(&b, "poll-headers").await;
    assert!(headers.contains("900 B"), "{headers}");
    b.wait_visible("[data-test=takeaway]").await;
    b.finish().await;
}

#[tokio::test]
async fn lesson_8_races_on_4g_against_two_round_trips_and_one() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.client
        .goto(&server.url("/learn/real-network?lang=en"))
        .await
        .unwrap();
    b.wait_visible("[data-test=lesson-claim]").await;
    // The lesson opens with its own settings: the 4G profile, 30 round trips.
    assert_eq!(b.value("[data-test=race-n]").await, "30");
    b.run_race(3).await;
    for step in ["emulated", "handshake-cost", "websocket"] {
        wait_step(&b, step, "passed").await;
    }
    for law in ["new-connection", "keep-alive", "websocket"] {
        let (agrees, text) = formula(&b, law).await;
        eprintln!("{law}: {text}");
        assert!(agrees, "{law}: {text}");
    }
    // 4G: RTT 50 ms, jitter 8: a new connection 2 × 50 + 8, keep-alive 1 × 50 + 8.
    let (_, new) = formula(&b, "new-connection").await;
    assert!(new.contains("108.0 ms"), "{new}");
    let (_, keep) = formula(&b, "keep-alive").await;
    assert!(keep.contains("58.0 ms"), "{keep}");
    b.wait_visible("[data-test=takeaway]").await;
    b.finish().await;
}

#[tokio::test]
async fn lesson_9_opens_a_hundred_sessions_on_the_same_threads() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.client
        .goto(&server.url("/learn/thread-per-client?lang=en"))
        .await
        .unwrap();
    b.wait_visible("[data-test=lesson-claim]").await;
    wait_step(&b, "hundred", "pending").await;
    b.click("[data-test=sessions-open]").await;
    wait_step(&b, "hundred", "passed").await;
    wait_step(&b, "threads", "passed").await;
    let saw = b.text("[data-test=saw-threads]").await.unwrap();
    assert!(saw.contains("At 100 sessions"), "{saw}");
    b.click("[data-test=sessions-close]").await;
    wait_step(&b, "closed", "passed").await;
    b.wait_visible("[data-test=takeaway]").await;
    b.finish().await;
}

#[tokio::test]
async fn lesson_10_tells_who_closed_each_session_across_reconnects() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    open_lesson(&b, &server, "who-closed-it", "en").await;
    for step in ["page-close", "server-close", "dropped"] {
        wait_step(&b, step, "pending").await;
    }
    // The lesson's preset: a normal close from the page.
    assert_eq!(b.value("[data-test=ws-code]").await, "1000");
    b.connect_ws().await;
    b.click("[data-test=ws-close]").await;
    b.wait_phase("CLOSED").await;
    wait_step(&b, "page-close", "passed").await;
    let saw = b.text("[data-test=saw-page-close]").await.unwrap();
    assert!(
        saw.contains("1000") && saw.contains("started by the page"),
        "{saw}"
    );

    // The near miss first: the server closes with 1000, not a code of the learner's own.
    b.connect_ws().await;
    b.click("[data-test=ws-server-close]").await;
    b.wait_phase("CLOSED").await;
    wait_step(&b, "server-close", "partial").await;
    // Then with the learner's code and reason; the page-close step stays passed.
    b.connect_ws().await;
    b.set_input("[data-test=ws-code]", "4001").await;
    b.set_input("[data-test=ws-reason]", "maintenance").await;
    b.click("[data-test=ws-server-close]").await;
    b.wait_phase("CLOSED").await;
    wait_step(&b, "server-close", "passed").await;
    let saw = b.text("[data-test=saw-server-close]").await.unwrap();
    assert!(
        saw.contains("4001")
            && saw.contains("maintenance")
            && saw.contains("started by the server"),
        "{saw}"
    );
    wait_step(&b, "page-close", "passed").await;

    b.connect_ws().await;
    b.click("[data-test=ws-drop]").await;
    b.wait_phase("CLOSED").await;
    wait_step(&b, "dropped", "passed").await;
    let saw = b.text("[data-test=saw-dropped]").await.unwrap();
    assert!(saw.contains("1006") && saw.contains("not clean"), "{saw}");
    b.wait_visible("[data-test=takeaway]").await;
    b.finish().await;
}

#[tokio::test]
async fn lesson_11_pushes_to_the_websocket_client_and_the_poller_waits_half_a_period() {
    use crate::chat::client;
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.client
        .goto(&server.url("/learn/many-clients?lang=en"))
        .await
        .unwrap();
    b.wait_visible("[data-test=lesson-claim]").await;
    for step in ["clients", "pushed", "half-period"] {
        wait_step(&b, step, "pending").await;
    }
    // The lesson's preset: its own room, the form on polling every 500 ms.
    assert_eq!(b.value("[data-test=chat-via]").await, "poll-500");
    assert_eq!(b.value("[data-test=chat-room]").await, "many-clients");
    b.click("[data-test=chat-join]").await;
    b.wait_attr(&client(1), "data-status", "joined").await;
    // The near miss: one poller alone is not a room of several clients.
    wait_step(&b, "clients", "partial").await;
    let ws = b.chat_join("Ana", "ws").await;
    wait_step(&b, "clients", "passed").await;
    let saw = b.text("[data-test=saw-clients]").await.unwrap();
    assert!(
        saw.contains("1 WebSocket") && saw.contains("1 polling"),
        "{saw}"
    );

    // A message from the WebSocket client itself is only its own copy: nothing pushed.
    b.chat_say(ws, "mine").await;
    b.chat_wait_message(1, "in", "mine").await;
    wait_step(&b, "pushed", "pending").await;
    // The poller speaks: pushed to the WebSocket client.
    b.chat_say(1, "from the poller").await;
    b.chat_wait_message(ws, "push", "from the poller").await;
    wait_step(&b, "pushed", "passed").await;

    // More messages, paced by the page at the period and a twelfth (as the recorder
    // does), so they meet the poll cycle at every phase: the load's rhythm, not a wait.
    b.client
        .execute(
            "const cards = [arguments[0], arguments[1]].map(c => document.querySelector(c));
             let i = 0;
             const say = () => {
               const card = cards[i % 2];
               card.querySelector('[data-test=chat-text]').value = 'paced ' + i;
               card.querySelector('[data-test=chat-send]').click();
               if (++i < 12) setTimeout(say, 542);
             };
             say();",
            vec![serde_json::json!(client(1)), serde_json::json!(client(ws))],
        )
        .await
        .unwrap();
    b.chat_wait_message(1, "in", "paced 11").await;
    eprintln!(
        "lesson 11 half-period, all paced messages in: {:?}",
        b.text("[data-test=saw-half-period]").await
    );
    wait_step(&b, "half-period", "passed").await;
    let saw = b.text("[data-test=saw-half-period]").await.unwrap();
    eprintln!("lesson 11 half-period: {saw}");
    assert!(saw.contains("expected 250.0 ± 150.0 ms"), "{saw}");
    b.wait_visible("[data-test=takeaway]").await;
    b.finish().await;
}

/// A learner coming from the HTTP lab: its keep-alive runs left idle connections that the
/// browser reuses for the lesson's first requests; each is still the lesson page's to see
/// closed (the server hands a connection to the page whose request rides it).
#[tokio::test]
async fn lesson_2_passes_on_connections_the_lab_left_open() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_lab(&server, "en").await;
    b.run_lab(3).await;
    open_lesson(&b, &server, "connection-close", "en").await;
    b.run_lab(3).await;
    wait_step(&b, "server-closed", "passed").await;
    let saw = b.text("[data-test=saw-server-closed]").await.unwrap();
    assert!(saw.contains("closed by the server: 3"), "{saw}");
    b.finish().await;
}
