//! The chat room over real TCP: WebSocket members (tokio-tungstenite) and polling members
//! (reqwest) in the same rooms — the order of each sender's messages, presence (join, clean
//! leave, drop), every cap with its refusal, a lagging member told what it missed, pollers
//! and long pollers getting every message exactly once and in order, history, idle rooms
//! going away, and nothing a member receives naming another's key, token or address.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use backend::{ChatLimits, SessionLimits};
use common::TestServer;
use futures_util::{SinkExt, StreamExt};
use protocol::ErrorCode;
use protocol::chat::{
    CHAT_BURST, CHAT_LONG_POLLS_PER_CLIENT, CHAT_MAX_FRAME_BYTES, CHAT_MAX_MESSAGE_BYTES,
    CHAT_NAME_MAX_CHARS, CHAT_PATH, CHAT_WS_PATH, ChatClientMsg, ChatErrorCode, ChatEvent,
    ChatJoinQuery, ChatServerMsg, ChatTransport, Departure,
};
use protocol::close_code;
use protocol::query::target;
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::tungstenite::Message;

#[path = "common/chat.rs"]
mod members;

use members::*;

#[tokio::test]
async fn each_senders_messages_arrive_in_order_and_all_members_agree() {
    let server = TestServer::start().await;
    let mut members = Vec::new();
    for (i, name) in ["Ann", "Bo", "Cy"].into_iter().enumerate() {
        members.push(join_ws(&server, "order", name, &key(i as u32)).await);
    }
    // Everyone sees everyone in (the last one's welcome lists all three).
    assert_eq!(members[2].welcome.members.len(), 3);
    members[0]
        .events_until(|e| matches!(e, ChatEvent::Joined { member, .. } if member.name == "Cy"))
        .await;
    members[1]
        .events_until(|e| matches!(e, ChatEvent::Joined { member, .. } if member.name == "Cy"))
        .await;
    // Each sends a full burst, all at once.
    let n = u64::from(CHAT_BURST);
    for m in &mut members {
        for i in 0..n {
            let name = m.welcome.you.name.clone();
            m.say(&format!("{name} {i}"), Some(i)).await;
        }
    }
    let mut orders = Vec::new();
    for m in &mut members {
        let mut got = Vec::new();
        while got.len() < 3 * n as usize {
            match m.event().await {
                ChatEvent::Message {
                    seq,
                    from,
                    client_seq,
                    ..
                } => got.push((seq, from, client_seq.unwrap())),
                other => panic!("only messages now, got {other:?}"),
            }
        }
        assert!(got.windows(2).all(|w| w[0].0 < w[1].0), "room order");
        let mut per_sender: HashMap<u64, Vec<u64>> = HashMap::new();
        for (_, from, cs) in &got {
            per_sender.entry(*from).or_default().push(*cs);
        }
        assert_eq!(per_sender.len(), 3);
        for (from, sent) in per_sender {
            assert_eq!(sent, (0..n).collect::<Vec<_>>(), "sender {from}'s order");
        }
        orders.push(got);
    }
    assert_eq!(orders[0], orders[1], "one order for every member");
    assert_eq!(orders[1], orders[2]);
}

#[tokio::test]
async fn presence_says_who_joined_who_left_cleanly_and_who_dropped() {
    let server = TestServer::start().await;
    let mut ann = join_ws(&server, "hall", "Ann", &key(1)).await;
    assert_eq!(ann.welcome.members.len(), 1);
    let bo = join_ws(&server, "hall", "  Bo  ", &key(2)).await;
    let cy = join_ws(&server, "hall", "Cy", &key(3)).await;
    let names: Vec<_> = cy.welcome.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Ann", "Bo", "Cy"], "who is here now, trimmed");
    for want in ["Bo", "Cy"] {
        match ann.event().await {
            ChatEvent::Joined { member, .. } => {
                assert_eq!(member.name, want);
                assert_eq!(member.via, ChatTransport::WebSocket);
            }
            other => panic!("expected a join, got {other:?}"),
        }
    }
    // A clean close is "left".
    let (bo_id, cy_id) = (bo.welcome.you.id, cy.welcome.you.id);
    let mut bo = bo;
    bo.ws.close(None).await.unwrap();
    match ann.event().await {
        ChatEvent::Left { member, how, .. } => {
            assert_eq!((member.id, how), (bo_id, Departure::Left));
        }
        other => panic!("expected Bo to leave, got {other:?}"),
    }
    // A socket killed without a close frame is "dropped".
    let Member { ws, .. } = cy;
    let tcp = ws.into_inner();
    let MaybeTlsStream::Plain(tcp) = tcp else {
        unreachable!()
    };
    // A reset, not even a FIN (a zero linger does not block the drop).
    #[allow(deprecated)]
    tcp.set_linger(Some(Duration::ZERO)).unwrap();
    drop(tcp);
    match ann.event().await {
        ChatEvent::Left { member, how, .. } => {
            assert_eq!((member.id, how), (cy_id, Departure::Dropped));
        }
        other => panic!("expected Cy to drop, got {other:?}"),
    }
    // An HTTP member: joined, then `DELETE` is "left".
    let joined = join_http(&server, &join_query("hall", "Poll", &key(4)))
        .await
        .unwrap();
    assert!(matches!(
        ann.event().await,
        ChatEvent::Joined { member, .. } if member.via == ChatTransport::Http
    ));
    let resp = reqwest::Client::new()
        .delete(server.url(&target(
            CHAT_PATH,
            &member_query("hall", &joined.member, &key(4)),
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert!(matches!(
        ann.event().await,
        ChatEvent::Left { how: Departure::Left, member, .. } if member.name == "Poll"
    ));
    // Its token is no longer anyone's.
    let gone = poll(&server, "hall", &joined.member, &key(4), 0, false).await;
    assert_eq!(gone.unwrap_err().2.code, ErrorCode::NotFound);
    let secrets = [key(2), key(3), key(4), joined.member.clone()];
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    assert_private(&ann.seen, &secrets);
}

#[tokio::test]
async fn a_polling_member_that_stops_polling_is_dropped() {
    let server = TestServer::start_with(|s| {
        s.with_chat_limits(ChatLimits {
            poll_timeout: Duration::from_millis(300),
            ..ChatLimits::default()
        })
    })
    .await;
    let mut ann = join_ws(&server, "quiet", "Ann", &key(1)).await;
    let joined = join_http(&server, &join_query("quiet", "Pat", &key(2)))
        .await
        .unwrap();
    assert!(matches!(ann.event().await, ChatEvent::Joined { .. }));
    match ann.event().await {
        ChatEvent::Left { member, how, .. } => {
            assert_eq!(
                (member.id, how),
                (joined.welcome.you.id, Departure::Dropped)
            );
        }
        other => panic!("expected the poller to drop, got {other:?}"),
    }
    let refused = poll(&server, "quiet", &joined.member, &key(2), 0, false)
        .await
        .unwrap_err();
    assert_eq!((refused.0, refused.2.code), (404, ErrorCode::NotFound));
}

#[tokio::test]
async fn members_per_room_and_rooms_in_all_are_capped() {
    let server = TestServer::start_with(|s| {
        s.with_chat_limits(ChatLimits {
            members_per_room: 2,
            rooms: 2,
            ..ChatLimits::default()
        })
    })
    .await;
    let _a = join_ws(&server, "x", "A", &key(1)).await;
    let _b = join_http(&server, &join_query("x", "B", &key(2)))
        .await
        .unwrap();
    for refused in [
        join_ws_with(&server, &join_query("x", "C", &key(3)), None)
            .await
            .err()
            .expect("a third member refused"),
        join_http(&server, &join_query("x", "C", &key(3)))
            .await
            .unwrap_err(),
    ] {
        assert_eq!((refused.0, refused.2.code), (409, ErrorCode::RoomFull));
        assert!(refused.2.message.contains("2 members"), "{:?}", refused.2);
    }
    let _d = join_ws(&server, "y", "D", &key(4)).await;
    for refused in [
        join_ws_with(&server, &join_query("z", "E", &key(5)), None)
            .await
            .err()
            .expect("a third room refused"),
        join_http(&server, &join_query("z", "E", &key(5)))
            .await
            .unwrap_err(),
    ] {
        assert_eq!((refused.0, refused.2.code), (503, ErrorCode::TooManyRooms));
        assert_eq!(refused.1.as_deref(), Some("60"), "Retry-After");
    }
}

#[tokio::test]
async fn rooms_per_client_and_per_address_are_capped() {
    let server = TestServer::start_with(|s| s.with_clients_per_address(1)).await;
    let mut held = Vec::new();
    for room in ["r1", "r2", "r3"] {
        held.push(join_ws(&server, room, "K", &key(1)).await);
    }
    // The same key again in a room it is in: still three rooms.
    held.push(join_ws(&server, "r1", "K2", &key(1)).await);
    let refused = join_http(&server, &join_query("r4", "K", &key(1)))
        .await
        .unwrap_err();
    assert_eq!((refused.0, refused.2.code), (429, ErrorCode::TooManyAtOnce));
    assert!(refused.2.message.contains("client"), "{:?}", refused.2);
    // Another key from the same address (one client's worth per address here).
    let refused = join_ws_with(&server, &join_query("r5", "L", &key(2)), None)
        .await
        .err()
        .expect("refused by the address's ceiling");
    assert_eq!((refused.0, refused.2.code), (429, ErrorCode::TooManyAtOnce));
    assert!(refused.2.message.contains("address"), "{:?}", refused.2);
    // No key at all.
    let q = ChatJoinQuery {
        client: None,
        ..join_query("r1", "N", &key(3))
    };
    assert_eq!(
        join_http(&server, &q).await.unwrap_err().2.code,
        ErrorCode::MissingClientKey
    );
}

#[tokio::test]
async fn display_names_are_checked_before_anyone_joins() {
    let server = TestServer::start().await;
    let long = "n".repeat(CHAT_NAME_MAX_CHARS + 1);
    for bad in ["   ", long.as_str(), "a\u{1}b", "a\u{202E}b"] {
        let q = join_query("names", bad, &key(1));
        let refused = join_ws_with(&server, &q, None)
            .await
            .err()
            .expect("refused");
        assert_eq!(
            (refused.0, refused.2.code),
            (400, ErrorCode::BadName),
            "{bad:?}"
        );
        let refused = join_http(&server, &q).await.unwrap_err();
        assert_eq!(
            (refused.0, refused.2.code),
            (400, ErrorCode::BadName),
            "{bad:?}"
        );
    }
    let ok = join_ws(&server, "names", &format!(" {} ", "n".repeat(24)), &key(1)).await;
    assert_eq!(ok.welcome.you.name.chars().count(), 24);
    assert_eq!(ok.welcome.members.len(), 1, "no refused name ever joined");
    // A bad room name is a bad query.
    let q = join_query("no spaces", "A", &key(1));
    assert_eq!(
        join_http(&server, &q).await.unwrap_err().2.code,
        ErrorCode::BadQuery
    );
}

#[tokio::test]
async fn message_size_is_capped_in_band_and_over_http() {
    let server = TestServer::start().await;
    let mut ann = join_ws(&server, "size", "Ann", &key(1)).await;
    let full = "é".repeat(CHAT_MAX_MESSAGE_BYTES / 2);
    ann.say(&full, None).await;
    assert!(
        is_message_text(&ann.event().await, &full),
        "2 KiB exactly is fine"
    );
    ann.say(&format!("{full}x"), None).await;
    match ann.next().await {
        ChatServerMsg::Error { code, message } => {
            assert_eq!(code, ChatErrorCode::TooLong);
            assert!(message.contains("2048"), "{message}");
        }
        other => panic!("expected too_long, got {other:?}"),
    }
    ann.say(" \n ", None).await;
    assert!(matches!(
        ann.next().await,
        ChatServerMsg::Error {
            code: ChatErrorCode::Empty,
            ..
        }
    ));
    ann.ws
        .send(Message::text("{\"type\":\"shout\"}"))
        .await
        .unwrap();
    assert!(matches!(
        ann.next().await,
        ChatServerMsg::Error {
            code: ChatErrorCode::MalformedMessage,
            ..
        }
    ));
    // Still open, and nothing refused reached the room.
    ann.say("still here", None).await;
    assert!(is_message_text(&ann.event().await, "still here"));
    // HTTP: 413 for a text over the cap, 400 for a blank one.
    let joined = join_http(&server, &join_query("size", "Pat", &key(2)))
        .await
        .unwrap();
    let (room, token, k) = ("size", joined.member.as_str(), key(2));
    assert!(
        say_http(&server, room, token, &k, say_body(&full))
            .await
            .is_ok()
    );
    let refused = say_http(&server, room, token, &k, say_body(&format!("{full}x")))
        .await
        .unwrap_err();
    assert_eq!(
        (refused.0, refused.2.code),
        (413, ErrorCode::PayloadTooLarge)
    );
    let huge = say_body(&"\u{1}".repeat(CHAT_MAX_FRAME_BYTES));
    let refused = say_http(&server, room, token, &k, huge).await.unwrap_err();
    assert_eq!(
        (refused.0, refused.2.code),
        (413, ErrorCode::PayloadTooLarge)
    );
    let refused = say_http(&server, room, token, &k, say_body("  "))
        .await
        .unwrap_err();
    assert_eq!((refused.0, refused.2.code), (400, ErrorCode::EmptyMessage));
    // A WebSocket message over the frame cap ends that session with 1009.
    let big = format!(
        "{{\"type\":\"say\",\"text\":\"{}\"}}",
        "x".repeat(CHAT_MAX_FRAME_BYTES)
    );
    ann.ws.send(Message::text(big)).await.unwrap();
    assert_eq!(ann.close_code().await, close_code::TOO_BIG);
}

#[tokio::test]
async fn each_member_has_a_message_rate_and_a_flood_closes_with_1008() {
    let server = TestServer::start().await;
    let mut ann = join_ws(&server, "rate", "Ann", &key(1)).await;
    for i in 0..=CHAT_BURST {
        ann.say(&format!("m{i}"), None).await;
    }
    // The refusal is answered at once, so it may overtake the last events of the burst.
    let (mut delivered, mut refusals) = (Vec::new(), Vec::new());
    while delivered.len() + refusals.len() < CHAT_BURST as usize + 1 {
        match ann.next().await {
            ChatServerMsg::Event {
                event: ChatEvent::Message { text, .. },
            } => delivered.push(text),
            ChatServerMsg::Error { code, message } => refusals.push((code, message)),
            other => panic!("{other:?}"),
        }
    }
    let burst: Vec<_> = (0..CHAT_BURST).map(|i| format!("m{i}")).collect();
    assert_eq!(delivered, burst, "a burst goes through");
    assert_eq!(refusals.len(), 1);
    assert_eq!(
        refusals[0].0,
        ChatErrorCode::RateLimited,
        "{}",
        refusals[0].1
    );
    assert!(refusals[0].1.contains("5 per second"), "{}", refusals[0].1);
    // Over HTTP: 429 with Retry-After.
    let joined = join_http(&server, &join_query("rate", "Pat", &key(2)))
        .await
        .unwrap();
    let mut refused = None;
    for i in 0..=CHAT_BURST {
        if let Err(r) = say_http(
            &server,
            "rate",
            &joined.member,
            &key(2),
            say_body(&i.to_string()),
        )
        .await
        {
            refused = Some((i, r));
            break;
        }
    }
    let (at, r) = refused.expect("refused within a burst and one");
    assert_eq!(at, CHAT_BURST);
    assert_eq!((r.0, r.2.code), (429, ErrorCode::RateLimited));
    assert_eq!(r.1.as_deref(), Some("1"));
    // Frames far beyond the rate: 1008 for that session only.
    let mut bo = join_ws(&server, "rate", "Bo", &key(3)).await;
    for _ in 0..5 * CHAT_BURST {
        if bo.ws.send(Message::text("{}")).await.is_err() {
            break;
        }
    }
    assert_eq!(bo.close_code().await, close_code::POLICY);
    // Only that session: the room saw Bo come and drop.
    let seen = ann
        .events_until(|e| {
            matches!(e, ChatEvent::Left { how: Departure::Dropped, member, .. } if member.name == "Bo")
        })
        .await;
    assert!(
        seen.iter()
            .any(|e| matches!(e, ChatEvent::Joined { member, .. } if member.name == "Bo"))
    );
}

#[tokio::test]
async fn a_lagging_member_is_told_what_it_missed_and_stays() {
    let server = TestServer::start_with(|s| {
        s.with_chat_limits(ChatLimits {
            fanout_capacity: 16,
            messages_per_second: 1_000_000,
            burst: 1_000_000,
            ..ChatLimits::default()
        })
    })
    .await;
    // A member whose socket takes little and who does not read for now.
    let mut slow = join_ws_with(&server, &join_query("lag", "Slow", &key(1)), Some(4096))
        .await
        .unwrap();
    let fast = join_ws(&server, "lag", "Fast", &key(2)).await;
    let (mut tx, mut rx) = fast.ws.split();
    let drain = tokio::spawn(async move { while let Some(Ok(_)) = rx.next().await {} });
    let text = "z".repeat(2_000);
    let n = 4_000;
    for i in 0..n {
        let msg = ChatClientMsg::Say {
            text: text.clone(),
            client_seq: Some(i),
        };
        tx.feed(Message::text(serde_json::to_string(&msg).unwrap()))
            .await
            .unwrap();
    }
    let last = ChatClientMsg::Say {
        text: "last".into(),
        client_seq: None,
    };
    tx.send(Message::text(serde_json::to_string(&last).unwrap()))
        .await
        .unwrap();
    // Now read: some events, a `missed`, more events, up to the last message.
    let (mut received, mut missed, mut missed_msgs) = (0u64, 0u64, 0);
    let mut last_seq = slow.welcome.seq;
    loop {
        match slow.next().await {
            ChatServerMsg::Event { event } => {
                assert!(event.seq() > last_seq, "in order");
                last_seq = event.seq();
                received += 1;
                if is_message_text(&event, "last") {
                    break;
                }
            }
            ChatServerMsg::Missed { count, .. } => {
                missed += count;
                missed_msgs += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    // (On this machine about 1,150 of the 4,001 events fit in the socket buffers.)
    assert!(
        missed_msgs >= 1 && missed > 0,
        "told it missed some: received {received}, missed {missed}"
    );
    assert_eq!(
        received + missed,
        last_seq - slow.welcome.seq,
        "every event after the welcome was either received or counted missed"
    );
    // The session goes on.
    slow.say("still here", None).await;
    slow.events_until(|e| is_message_text(e, "still here"))
        .await;
    drain.abort();
}

#[tokio::test]
async fn pollers_and_long_pollers_get_every_message_once_and_in_order() {
    let server = TestServer::start().await;
    let room = "mixed";
    let mut ann = join_ws(&server, room, "Ann", &key(1)).await;
    let mut bo = join_ws(&server, room, "Bo", &key(2)).await;
    let short = join_http(&server, &join_query(room, "Short", &key(3)))
        .await
        .unwrap();
    let long = join_http(&server, &join_query(room, "Long", &key(4)))
        .await
        .unwrap();
    assert_eq!(long.welcome.members.len(), 4);
    assert_ne!(short.member, long.member);
    let total = 2 * CHAT_BURST as usize;
    let server = std::sync::Arc::new(server);
    let (s1, s2) = (server.clone(), server.clone());
    let (short2, long2) = (short.clone(), long.clone());
    let short_reader =
        tokio::spawn(async move { poll_messages(&s1, room, &short2, &key(3), total, false).await });
    let long_reader =
        tokio::spawn(async move { poll_messages(&s2, room, &long2, &key(4), total, true).await });
    for i in 0..u64::from(CHAT_BURST) {
        ann.say(&format!("ann {i}"), Some(i)).await;
        bo.say(&format!("bo {i}"), Some(i)).await;
        if i % 3 == 0 {
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
    }
    let ws_events = ann
        .events_until({
            let count = std::cell::Cell::new(0);
            move |e| {
                if matches!(e, ChatEvent::Message { .. }) {
                    count.set(count.get() + 1);
                }
                count.get() == total
            }
        })
        .await;
    let ws_messages: Vec<_> = ws_events
        .iter()
        .filter(|e| matches!(e, ChatEvent::Message { .. }))
        .cloned()
        .collect();
    for reader in [short_reader, long_reader] {
        let (events, raw, last) = reader.await.unwrap();
        let messages: Vec<_> = events
            .iter()
            .filter(|e| matches!(e, ChatEvent::Message { .. }))
            .cloned()
            .collect();
        assert_eq!(
            messages, ws_messages,
            "the same messages, once each, in order"
        );
        assert!(last.polls >= raw.len() as u64 && last.polls >= last.empty_polls);
        let secrets = [
            key(1),
            key(2),
            key(3),
            key(4),
            short.member.clone(),
            long.member.clone(),
        ];
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        assert_private(&raw, &secrets);
    }
    let secrets = [
        key(2),
        key(3),
        key(4),
        short.member.clone(),
        long.member.clone(),
    ];
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    assert_private(&ann.seen, &secrets);
}

#[tokio::test]
async fn long_polls_per_client_are_capped() {
    let server = std::sync::Arc::new(TestServer::start().await);
    let joined = join_http(&server, &join_query("lp", "P", &key(1)))
        .await
        .unwrap();
    let mut waiting = Vec::new();
    for _ in 0..CHAT_LONG_POLLS_PER_CLIENT {
        let (s, j) = (server.clone(), joined.clone());
        waiting.push(tokio::spawn(async move {
            poll(&s, "lp", &j.member, &key(1), j.welcome.seq, true).await
        }));
    }
    // Wait until all are held by the server, then one more is refused.
    let deadline = Instant::now() + PATIENCE;
    let k1 = key(1);
    let refused = loop {
        // A fifth that got a slot (the four not all there yet) is given up on by the
        // client after a moment; the refusal is what counts.
        let fifth = poll(&server, "lp", &joined.member, &k1, joined.welcome.seq, true);
        match tokio::time::timeout(Duration::from_millis(300), fifth).await {
            Ok(Err(r)) => break r,
            Ok(Ok(_)) | Err(_) => {
                assert!(
                    Instant::now() < deadline,
                    "a fifth long poll refused in time"
                );
            }
        }
    };
    assert_eq!((refused.0, refused.2.code), (429, ErrorCode::TooManyAtOnce));
    // Something happens: every waiting long poll answers with it.
    let mut ann = join_ws(&server, "lp", "Ann", &key(2)).await;
    ann.say("wake up", None).await;
    for w in waiting {
        let (batch, _) = w.await.unwrap().expect("answered");
        assert!(!batch.events.is_empty());
    }
}

#[tokio::test]
async fn a_new_member_gets_the_last_messages() {
    let server = TestServer::start_with(|s| {
        s.with_chat_limits(ChatLimits {
            history: 3,
            ..ChatLimits::default()
        })
    })
    .await;
    let mut ann = join_ws(&server, "hist", "Ann", &key(1)).await;
    for i in 0..5 {
        ann.say(&format!("h{i}"), None).await;
    }
    ann.events_until(|e| is_message_text(e, "h4")).await;
    let bo = join_ws(&server, "hist", "Bo", &key(2)).await;
    assert_eq!(texts(&bo.welcome.history), ["h2", "h3", "h4"]);
    let pat = join_http(&server, &join_query("hist", "Pat", &key(3)))
        .await
        .unwrap();
    assert_eq!(texts(&pat.welcome.history), ["h2", "h3", "h4"]);
    assert!(
        pat.welcome
            .history
            .iter()
            .all(|e| e.seq() < pat.welcome.seq)
    );
}

#[tokio::test]
async fn an_empty_room_is_removed_once_idle() {
    let server = TestServer::start_with(|s| {
        s.with_chat_limits(ChatLimits {
            rooms: 1,
            room_idle: Duration::from_millis(800),
            ..ChatLimits::default()
        })
    })
    .await;
    let mut ann = join_ws(&server, "a", "Ann", &key(1)).await;
    ann.say("remember me", None).await;
    ann.events_until(|e| is_message_text(e, "remember me"))
        .await;
    ann.ws.close(None).await.unwrap();
    // The room stays a while (full table: another room is refused)…
    let refused = join_http(&server, &join_query("b", "Bo", &key(2)))
        .await
        .unwrap_err();
    assert_eq!(refused.2.code, ErrorCode::TooManyRooms);
    // …then goes, and a new room fits.
    let deadline = Instant::now() + PATIENCE;
    let bo = loop {
        match join_http(&server, &join_query("b", "Bo", &key(2))).await {
            Ok(j) => break j,
            Err(r) => {
                assert_eq!(r.2.code, ErrorCode::TooManyRooms);
                assert!(Instant::now() < deadline, "the idle room went in time");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let resp = reqwest::Client::new()
        .delete(server.url(&target(CHAT_PATH, &member_query("b", &bo.member, &key(2)))))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    // Room `a` again, once `b` has gone too: new, without its old history.
    let deadline = Instant::now() + PATIENCE;
    let again = loop {
        match join_http(&server, &join_query("a", "Ann", &key(1))).await {
            Ok(j) => break j,
            Err(r) => {
                assert_eq!(r.2.code, ErrorCode::TooManyRooms);
                assert!(Instant::now() < deadline, "room b went in time");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    assert!(again.welcome.history.is_empty());
    assert_eq!(again.welcome.seq, 1, "a new room numbers from 1");
}

#[tokio::test]
async fn the_chat_refuses_what_it_does_not_speak() {
    let server = TestServer::start().await;
    // Not an upgrade.
    let resp = reqwest::get(server.url(&target(CHAT_WS_PATH, &join_query("r", "A", &key(1)))))
        .await
        .unwrap();
    assert_eq!(resp.status(), 426);
    // A binary frame ends that session with 1003.
    let mut ann = join_ws(&server, "r", "Ann", &key(1)).await;
    ann.ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    assert_eq!(ann.close_code().await, close_code::UNSUPPORTED);
    // Someone else's token, or another key with the right token: not a member.
    let joined = join_http(&server, &join_query("r", "P", &key(2)))
        .await
        .unwrap();
    let wrong_key = poll(&server, "r", &joined.member, &key(3), 0, false).await;
    assert_eq!(wrong_key.unwrap_err().2.code, ErrorCode::NotFound);
    let wrong_token = poll(&server, "r", "0123456789abcdef", &key(2), 0, false).await;
    assert_eq!(wrong_token.unwrap_err().2.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn a_chat_socket_counts_under_the_session_caps() {
    let server = TestServer::start_with(|s| {
        s.with_session_limits(SessionLimits {
            total: 10,
            per_ip: 1,
        })
    })
    .await;
    let _ann = join_ws(&server, "caps", "Ann", &key(1)).await;
    let refused = join_ws_with(&server, &join_query("caps", "Bo", &key(2)), None)
        .await
        .err()
        .expect("past the address's session cap");
    assert_eq!(
        (refused.0, refused.2.code),
        (503, ErrorCode::TooManySessions)
    );
    // The refused one never joined (an HTTP member is no session).
    let pat = join_http(&server, &join_query("caps", "Pat", &key(3)))
        .await
        .unwrap();
    let names: Vec<_> = pat
        .welcome
        .members
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["Ann", "Pat"]);
}
