//! The chat page (`/chat`): WebSocket clients a message is pushed to, with its fan-out
//! time; a polling client in the same room, its requests and empty answers, and how much
//! later it got the message; every refusal visible in the page.

use crate::common::TestServer;
use crate::harness::{Browser, dist, parse_ms, wait_for};

/// The card of client `slot` (the page numbers its clients from 1, in join order).
pub(crate) fn client(slot: u32) -> String {
    format!("[data-test=chat-client][data-slot='{slot}']")
}

/// "+512 µs after the server" → 0.512 (ms).
fn delay_ms(text: &str) -> f64 {
    parse_ms(
        text.trim_start_matches('+')
            .trim_end_matches(" after the server"),
    )
}

impl Browser {
    /// Opens `/chat?{query}` and waits for the Join form.
    pub(crate) async fn open_chat(&self, server: &TestServer, query: &str) {
        self.client
            .goto(&server.url(&format!("/chat?{query}")))
            .await
            .unwrap();
        self.wait_visible("[data-test=chat-join]").await;
    }

    /// Joins as `name` by `via` (`ws`, `poll-<ms>`, `long`); the new client's slot, once
    /// its card says `status` (`joined`, or `ended` when it is refused).
    pub(crate) async fn chat_join_as(&self, name: &str, via: &str, status: &str) -> u32 {
        let slot = self.count("[data-test=chat-client]").await as u32 + 1;
        self.set_input("[data-test=chat-name]", name).await;
        self.select("[data-test=chat-via]", via).await;
        self.click("[data-test=chat-join]").await;
        self.wait_attr(&client(slot), "data-status", status).await;
        slot
    }

    pub(crate) async fn chat_join(&self, name: &str, via: &str) -> u32 {
        self.chat_join_as(name, via, "joined").await
    }

    /// Waits until polling client `slot` has had `n` empty answers.
    pub(crate) async fn chat_wait_empty_polls(&self, slot: u32, n: u64) {
        let css = format!("{} [data-test=chat-polls]", client(slot));
        wait_for(&format!("{n} empty polls"), || async {
            let t = self.text(&css).await?;
            let empty: u64 = t.split_once('(')?.1.trim_end_matches(')').parse().ok()?;
            (empty >= n).then_some(())
        })
        .await;
    }

    /// Client `slot` says `n` messages at once (one script, no round trip between them).
    pub(crate) async fn chat_burst(&self, slot: u32, n: u32) {
        self.client
            .execute(
                "const card = document.querySelector(arguments[0]);
                 const input = card.querySelector('[data-test=chat-text]');
                 const send = card.querySelector('[data-test=chat-send]');
                 for (let i = 0; i < arguments[1]; i++) { input.value = 'quick ' + i; send.click(); }",
                vec![serde_json::json!(client(slot)), serde_json::json!(n)],
            )
            .await
            .unwrap();
    }

    /// Client `slot` says 15 messages at once (over the 5 a second, bursts of 10): the
    /// refusal shows in words, and the client stays in the room.
    pub(crate) async fn chat_rate_limited_and_still_in(&self, slot: u32) {
        let card = client(slot);
        self.chat_burst(slot, 15).await;
        wait_for("the rate limit, in words", || async {
            let t = self.text(&format!("{card} [data-test=chat-error]")).await?;
            t.starts_with("Slow down").then_some(())
        })
        .await;
        assert_eq!(
            self.attr(&card, "data-status").await.as_deref(),
            Some("joined")
        );
    }

    /// Client `slot` says `text`.
    pub(crate) async fn chat_say(&self, slot: u32, text: &str) {
        let card = client(slot);
        self.set_input(&format!("{card} [data-test=chat-text]"), text)
            .await;
        self.click(&format!("{card} [data-test=chat-send]")).await;
    }

    /// Waits until client `slot`'s log has a message line going `dir` that contains `text`.
    pub(crate) async fn chat_wait_message(&self, slot: u32, dir: &str, text: &str) {
        let css = format!("{} [data-kind=message][data-dir={dir}]", client(slot));
        wait_for(&format!("{text:?} at client {slot} ({dir})"), || async {
            let found = self
                .client
                .find_all(fantoccini::Locator::Css(&css))
                .await
                .ok()?;
            for line in found {
                if line.text().await.ok()?.contains(text) {
                    return Some(());
                }
            }
            None
        })
        .await;
    }
}

#[tokio::test]
async fn chat_pushes_a_message_to_every_websocket_client() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_chat(&server, "room=class-3&lang=en").await;
    // Nothing connects on load: no client until Join; the room comes from the address.
    assert_eq!(b.count("[data-test=chat-client]").await, 0);
    let room = b
        .client
        .execute(
            "return document.querySelector('[data-test=chat-room]').value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(room.as_str(), Some("class-3"));

    let ana = b.chat_join("Ana", "ws").await;
    let bo = b.chat_join("Bo", "ws").await;
    // Presence: both see both.
    for slot in [ana, bo] {
        let css = format!("{} [data-test=chat-members]", client(slot));
        wait_for("both members listed", || async {
            let t = b.text(&css).await?;
            (t.contains("Ana") && t.contains("Bo")).then_some(())
        })
        .await;
    }
    // Ana saw Bo join, pushed.
    wait_for("Bo's join pushed to Ana", || async {
        let t = b
            .text(&format!(
                "{} [data-kind=presence][data-dir=push]",
                client(ana)
            ))
            .await?;
        t.contains("Bo joined").then_some(())
    })
    .await;

    b.chat_say(ana, "hello from Ana").await;
    b.chat_wait_message(bo, "push", "hello from Ana").await;
    let delay = b
        .text(&format!(
            "{} [data-kind=message] [data-test=chat-delay]",
            client(bo)
        ))
        .await
        .unwrap();
    let ms = delay_ms(&delay);
    assert!((0.0..1_000.0).contains(&ms), "push delay {delay}");
    // The fan-out: sent by Ana, pushed to both clients, each with a time.
    wait_for("two pushed arrivals", || async {
        (b.count("[data-test=chat-fanout-row] [data-test=chat-arrival][data-via=push]")
            .await
            == 2)
            .then_some(())
    })
    .await;
    let row = b.text("[data-test=chat-fanout-row]").await.unwrap();
    let sender = b.text("[data-test=chat-sender]").await.unwrap();
    assert!(sender.starts_with("Ana → "), "{sender}");
    assert!(row.contains("hello from Ana"), "{row}");

    // Bo leaves with a close frame: Ana sees "left", not "dropped".
    b.click(&format!("{} [data-test=chat-leave]", client(bo)))
        .await;
    b.wait_attr(&client(bo), "data-status", "ended").await;
    wait_for("Bo left, seen by Ana", || async {
        let t = b
            .text(&format!("{} [data-test=chat-log]", client(ana)))
            .await?;
        t.contains("Bo left").then_some(())
    })
    .await;
    assert!(
        b.text(&format!("{} [data-test=chat-error]", client(bo)))
            .await
            .is_none()
    );
    b.finish().await;
}

#[tokio::test]
async fn chat_over_polling_shows_its_requests_and_is_later() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_chat(&server, "room=poll-test&lang=en").await;
    let ana = b.chat_join("Ana", "ws").await;
    let pat = b.chat_join("Pat", "poll-250").await;
    // Polls go out and come back empty while nobody speaks.
    let lou = b.chat_join("Lou", "long").await;
    let card = client(pat);
    b.chat_wait_empty_polls(pat, 2).await;
    b.wait_visible(&format!("{card} [data-kind=empty]")).await;

    b.chat_say(ana, "anyone polling?").await;
    // It reaches each poller as the answer to a request (←), not as a push.
    b.chat_wait_message(pat, "in", "anyone polling?").await;
    b.chat_wait_message(lou, "in", "anyone polling?").await;
    let requests: u64 = b
        .text(&format!("{card} [data-test=chat-requests]"))
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert!(requests >= 4, "join + polls: {requests}");
    let bytes = b
        .text(&format!("{card} [data-test=chat-bytes]"))
        .await
        .unwrap();
    assert!(!bytes.ends_with(" 0 B"), "bytes received: {bytes}");
    // The fan-out: one push (Ana's own copy) and one poll answer; the poller is later.
    wait_for("a pushed and two polled arrivals", || async {
        let push = b.count("[data-test=chat-arrival][data-via=push]").await;
        let polled = b.count("[data-test=chat-arrival][data-via=in]").await;
        (push == 1 && polled == 2).then_some(())
    })
    .await;
    let later = b
        .text(&format!("{card} [data-test=chat-later]"))
        .await
        .unwrap();
    assert!(later.starts_with('+'), "later than WebSocket: {later}");
    // The figures, for whoever runs this with --nocapture.
    let row = b.text("[data-test=chat-fanout-row]").await.unwrap();
    let polls = b
        .text(&format!("{card} [data-test=chat-polls]"))
        .await
        .unwrap();
    eprintln!("chat fan-out: {row:?}; poller: {requests} requests, polls (empty) {polls}, {bytes}");

    // The poller speaks: pushed to Ana.
    b.chat_say(pat, "polled hello").await;
    b.chat_wait_message(ana, "push", "polled hello").await;

    // Over the message rate by HTTP: 429, in the words a WebSocket member gets in-band.
    b.chat_rate_limited_and_still_in(pat).await;
    b.finish().await;
}

#[tokio::test]
async fn chat_errors_are_visible() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open_chat(&server, "room=errors&lang=en").await;

    // A name of 25 characters: refused, the rule in words, the client out.
    let long = b.chat_join_as(&"n".repeat(25), "ws", "ended").await;
    let error = b
        .text(&format!("{} [data-test=chat-error]", client(long)))
        .await
        .unwrap();
    assert!(error.contains("1 to 24 characters"), "{error}");

    // A message over 2 KiB is not sent; the session goes on.
    let ana = b.chat_join("Ana", "ws").await;
    b.chat_say(ana, &"x".repeat(2_049)).await;
    let card = client(ana);
    b.wait_text(
        &format!("{card} [data-test=chat-error]"),
        "That message is longer than 2048 bytes; it was not sent.",
    )
    .await;
    // Faster than 5 a second (bursts of 10): the server refuses in-band, in words.
    b.chat_rate_limited_and_still_in(ana).await;

    // A room name the server would refuse: said beside the field, Join disabled.
    b.click(&format!("{card} [data-test=chat-leave]")).await;
    b.wait_attr(&card, "data-status", "ended").await;
    b.set_input("[data-test=chat-room]", "no spaces!").await;
    b.wait_visible("[data-test=chat-room-error]").await;
    assert!(
        b.attr("[data-test=chat-join]", "disabled").await.is_some(),
        "Join is disabled"
    );
    b.finish().await;
}
