//! The chat across instances (feature `chat-redis`): a real `redis-server` per test and
//! two servers (`app(state)` on `127.0.0.1:0`, as in production but in this process)
//! sharing it, one member on each — messages in one order both ways, presence (joined, left
//! cleanly, dropped, and the members of an instance that went away), the welcome listing
//! members of the other instance with the room's history, a polling member getting every
//! message once and in order, the members-per-room cap across instances, and Redis going
//! away mid-session (1013 for chat sockets, 503 for chat requests, everything else served)
//! and coming back.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/chat.rs"]
mod members;
mod redis_server;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use backend::{AppState, ChatLimits};
use common::TestServer;
use futures_util::{SinkExt, StreamExt};
use members::{
    PATIENCE, join_http, join_query, join_ws, join_ws_with, key, leave_http, poll, poll_messages,
    texts,
};
use protocol::chat::{
    CHAT_BURST, ChatClientMsg, ChatEvent, ChatServerMsg, ChatTransport, Departure,
};
use protocol::{ErrorCode, close_code};
use redis_server::RedisServer;
use tokio_tungstenite::tungstenite::Message;

/// An instance sharing `redis`'s rooms.
async fn instance(redis: &RedisServer, limits: ChatLimits) -> TestServer {
    let state = AppState::new("no-dist")
        .with_chat_limits(limits)
        .with_chat_redis(&redis.url())
        .await
        .expect("redis answers");
    TestServer::serve_state(state).await
}

fn is_joined(e: &ChatEvent, name: &str) -> bool {
    matches!(e, ChatEvent::Joined { member, .. } if member.name == name)
}

#[tokio::test]
async fn messages_presence_and_history_cross_instances_in_one_order() {
    let redis = RedisServer::start();
    // Room for a message before the two bursts.
    let limits = ChatLimits {
        burst: 2 * CHAT_BURST,
        ..ChatLimits::default()
    };
    let a = instance(&redis, limits).await;
    let b = instance(&redis, limits).await;
    let room = "across";
    let mut ann = join_ws(&a, room, "Ann", &key(1)).await;
    ann.say("before Bo", None).await;
    assert_eq!(texts(&[ann.event().await]), ["before Bo"]);
    // Bo on the other instance: the welcome lists Ann (on A) and the history.
    let mut bo = join_ws(&b, room, "Bo", &key(2)).await;
    let names: Vec<_> = bo.welcome.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Ann", "Bo"]);
    assert_eq!(texts(&bo.welcome.history), ["before Bo"]);
    assert!(bo.welcome.history.iter().all(|e| e.seq() < bo.welcome.seq));
    assert!(is_joined(&ann.event().await, "Bo"), "B's join reached A");
    // A polling member on A.
    let pat = join_http(&a, &join_query(room, "Pat", &key(3)))
        .await
        .unwrap();
    assert_eq!(pat.welcome.members.len(), 3);
    assert!(is_joined(&ann.event().await, "Pat"));
    assert!(is_joined(&bo.event().await, "Pat"), "A's join reached B");
    // Both send a burst at once; everyone sees one order, each sender's in its own order.
    let n = u64::from(CHAT_BURST);
    let total = 2 * n as usize;
    let a = std::sync::Arc::new(a);
    let reader = {
        let (a, pat) = (a.clone(), pat.clone());
        tokio::spawn(async move { poll_messages(&a, room, &pat, &key(3), total, true).await.0 })
    };
    for i in 0..n {
        ann.say(&format!("ann {i}"), Some(i)).await;
        bo.say(&format!("bo {i}"), Some(i)).await;
    }
    let mut orders = Vec::new();
    for m in [&mut ann, &mut bo] {
        let mut got = Vec::new();
        while got.len() < total {
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
        for (from, sent) in per_sender {
            assert_eq!(sent, (0..n).collect::<Vec<_>>(), "sender {from}'s order");
        }
        orders.push(got);
    }
    assert_eq!(orders[0], orders[1], "one order on both instances");
    let polled: Vec<_> = reader
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| match e {
            ChatEvent::Message {
                seq,
                from,
                client_seq,
                ..
            } => Some((seq, from, client_seq.unwrap())),
            _ => None,
        })
        .collect();
    assert_eq!(
        polled, orders[0],
        "the poller on A: every message once, in order"
    );
    // Presence crosses: Bo (on B) leaves cleanly, Cy (on B) drops, Pat (on A) leaves.
    let bo_id = bo.welcome.you.id;
    bo.ws.close(None).await.unwrap();
    match ann.event().await {
        ChatEvent::Left { member, how, .. } => {
            assert_eq!((member.id, how), (bo_id, Departure::Left))
        }
        other => panic!("expected Bo to leave, got {other:?}"),
    }
    let cy = join_ws(&b, room, "Cy", &key(4)).await;
    assert!(is_joined(&ann.event().await, "Cy"));
    let cy_id = cy.welcome.you.id;
    let tokio_tungstenite::MaybeTlsStream::Plain(tcp) = cy.ws.into_inner() else {
        unreachable!()
    };
    #[allow(deprecated)]
    tcp.set_linger(Some(Duration::ZERO)).unwrap();
    drop(tcp);
    match ann.event().await {
        ChatEvent::Left { member, how, .. } => {
            assert_eq!((member.id, how), (cy_id, Departure::Dropped));
        }
        other => panic!("expected Cy to drop, got {other:?}"),
    }
    assert_eq!(leave_http(&a, room, &pat.member, &key(3)).await, 204);
    assert!(matches!(
        ann.event().await,
        ChatEvent::Left { how: Departure::Left, member, .. } if member.via == ChatTransport::Http
    ));
}

#[tokio::test]
async fn a_member_lagging_behind_another_instance_is_told_what_it_missed_and_stays() {
    let redis = RedisServer::start();
    let limits = ChatLimits {
        fanout_capacity: 16,
        messages_per_second: 1_000_000,
        burst: 1_000_000,
        ..ChatLimits::default()
    };
    let a = instance(&redis, limits).await;
    let b = instance(&redis, limits).await;
    // On B, a member whose socket takes little and who does not read for now.
    let mut slow = join_ws_with(&b, &join_query("lag", "Slow", &key(1)), Some(4096))
        .await
        .unwrap();
    let fast = join_ws(&a, "lag", "Fast", &key(2)).await;
    let (mut tx, mut rx) = fast.ws.split();
    // The fast member reads everything, up to the last message: by then every event has
    // reached B, faster than the slow member could have taken it.
    let drain = tokio::spawn(async move {
        while let Some(Ok(msg)) = rx.next().await {
            if msg.to_text().is_ok_and(|t| t.contains("\"last\"")) {
                break;
            }
        }
        rx
    });
    let text = "z".repeat(2_000);
    let started = Instant::now();
    for i in 0..3_000 {
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
    // 6 MB through Redis and back: seconds on a quiet machine, more under a loaded CI's
    // debug build, so a bound of its own.
    let _rx = tokio::time::timeout(6 * PATIENCE, drain)
        .await
        .expect("the last message was numbered in time");
    eprintln!(
        "3,001 messages of 2 KB numbered through Redis and back on A in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let (mut received, mut missed) = (0u64, 0u64);
    let mut last_seq = slow.welcome.seq;
    loop {
        match slow.next().await {
            ChatServerMsg::Event { event } => {
                assert!(event.seq() > last_seq, "in order");
                last_seq = event.seq();
                received += 1;
                if texts(&[event]) == ["last"] {
                    break;
                }
            }
            ChatServerMsg::Missed { count, .. } => missed += count,
            other => panic!("{other:?}"),
        }
    }
    eprintln!("slow member on B: {received} events received, {missed} counted missed");
    assert!(missed > 0, "told it missed some: received {received}");
    assert_eq!(
        received + missed,
        last_seq - slow.welcome.seq,
        "every event after the welcome was either received or counted missed"
    );
    slow.say("still here", None).await;
    loop {
        if texts(&[slow.event().await]) == ["still here"] {
            break;
        }
    }
}

#[tokio::test]
async fn members_per_room_hold_across_instances() {
    let redis = RedisServer::start();
    let limits = ChatLimits {
        members_per_room: 2,
        ..ChatLimits::default()
    };
    let a = instance(&redis, limits).await;
    let b = instance(&redis, limits).await;
    let _ann = join_ws(&a, "small", "Ann", &key(1)).await;
    let bo = join_http(&b, &join_query("small", "Bo", &key(2)))
        .await
        .unwrap();
    for server in [&a, &b] {
        let refused = join_ws_with(server, &join_query("small", "Cy", &key(3)), None)
            .await
            .err()
            .expect("a third member refused");
        assert_eq!((refused.0, refused.2.code), (409, ErrorCode::RoomFull));
        let refused = join_http(server, &join_query("small", "Cy", &key(3)))
            .await
            .unwrap_err();
        assert_eq!((refused.0, refused.2.code), (409, ErrorCode::RoomFull));
    }
    // Bo leaves on B: a seat is free on A.
    assert_eq!(leave_http(&b, "small", &bo.member, &key(2)).await, 204);
    let cy = join_ws(&a, "small", "Cy", &key(3)).await;
    assert_eq!(cy.welcome.members.len(), 2);
    assert!(cy.welcome.you.id > bo.welcome.you.id, "ids keep increasing");
}

#[tokio::test]
async fn the_members_of_an_instance_that_went_away_are_dropped_by_the_others() {
    let redis = RedisServer::start();
    let a = instance(&redis, ChatLimits::default()).await;
    let b = instance(&redis, ChatLimits::default()).await;
    let mut ann = join_ws(&b, "gone", "Ann", &key(1)).await;
    let pat = join_http(&a, &join_query("gone", "Pat", &key(2)))
        .await
        .unwrap();
    assert!(is_joined(&ann.event().await, "Pat"));
    // A stops: its polling member is nobody's now; B's sweep removes it.
    drop(a);
    match ann.event().await {
        ChatEvent::Left { member, how, .. } => {
            assert_eq!((member.id, how), (pat.welcome.you.id, Departure::Dropped));
        }
        other => panic!("expected Pat to drop, got {other:?}"),
    }
    let cy = join_ws(&b, "gone", "Cy", &key(3)).await;
    let names: Vec<_> = cy.welcome.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Ann", "Cy"]);
}

#[tokio::test]
async fn redis_going_away_refuses_the_chat_and_nothing_else_then_it_comes_back() {
    let mut redis = RedisServer::start();
    let a = instance(&redis, ChatLimits::default()).await;
    let mut ann = join_ws(&a, "down", "Ann", &key(1)).await;
    let pat = join_http(&a, &join_query("down", "Pat", &key(2)))
        .await
        .unwrap();
    assert!(is_joined(&ann.event().await, "Pat"));
    redis.kill();
    // The chat socket ends with 1013 and a reason.
    let (code, reason) = ann.close_frame().await;
    assert_eq!(code, close_code::TRY_AGAIN_LATER);
    assert!(reason.contains("unreachable"), "{reason}");
    // Chat requests: a clear 503 with a JSON body and Retry-After.
    let refused = join_http(&a, &join_query("down", "Cy", &key(3)))
        .await
        .unwrap_err();
    assert_eq!((refused.0, refused.1.as_deref()), (503, Some("5")));
    assert!(refused.2.message.contains("Redis"), "{:?}", refused.2);
    assert_eq!(refused.2.code, ErrorCode::ChatUnavailable);
    let refused = join_ws_with(&a, &join_query("down", "Cy", &key(3)), None)
        .await
        .err()
        .expect("refused before the upgrade");
    assert_eq!(refused.0, 503);
    let refused = poll(&a, "down", &pat.member, &key(2), 0, false)
        .await
        .unwrap_err();
    assert_eq!(refused.0, 503);
    // Everything else is served.
    let health = reqwest::get(a.url(protocol::http::HEALTH_PATH))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let (mut echo, _) =
        tokio_tungstenite::connect_async(format!("ws://{}{}", a.addr, protocol::ws::WS_ECHO_PATH))
            .await
            .unwrap();
    echo.send(Message::text("still here")).await.unwrap();
    let back = tokio::time::timeout(PATIENCE, echo.next()).await.unwrap();
    assert_eq!(back.unwrap().unwrap(), Message::text("still here"));
    // Redis comes back (empty: no persistence): the chat is up again.
    redis.restart();
    let deadline = Instant::now() + PATIENCE;
    let mut cy = loop {
        match join_ws_with(&a, &join_query("down", "Cy", &key(3)), None).await {
            Ok(m) => break m,
            Err(r) => {
                assert_eq!(r.0, 503, "{r:?}");
                assert!(Instant::now() < deadline, "the chat came back in time");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    cy.say("back", None).await;
    assert_eq!(texts(&[cy.event().await]), ["back"]);
}

#[tokio::test]
async fn departures_during_an_outage_are_told_when_redis_comes_back_with_its_data() {
    let mut redis = RedisServer::start();
    let a = instance(&redis, ChatLimits::default()).await;
    let b = instance(&redis, ChatLimits::default()).await;
    let mut ann = join_ws(&a, "kept", "Ann", &key(1)).await;
    let mut bo = join_ws(&b, "kept", "Bo", &key(2)).await;
    assert!(is_joined(&ann.event().await, "Bo"));
    // Redis goes away with both listed, and comes back with its data (as with persistence).
    redis.save();
    redis.kill();
    for m in [&mut ann, &mut bo] {
        assert_eq!(m.close_frame().await.0, close_code::TRY_AGAIN_LATER);
    }
    redis.restart();
    // Ann and Bo left while it was away: neither instance is gone, so nobody reaps them;
    // each instance tells its own departures once Redis answers.
    let deadline = Instant::now() + PATIENCE;
    let mut cy = loop {
        match join_ws_with(&a, &join_query("kept", "Cy", &key(3)), None).await {
            Ok(m) => break m,
            Err(r) => {
                assert_eq!(r.0, 503, "{r:?}");
                assert!(Instant::now() < deadline, "the chat came back in time");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let mut here: Vec<String> = cy.welcome.members.iter().map(|m| m.name.clone()).collect();
    while here != ["Cy"] {
        match cy.event().await {
            ChatEvent::Left { member, how, .. } => {
                assert_eq!(how, Departure::Dropped, "a session closed by the outage");
                here.retain(|n| *n != member.name);
            }
            other => panic!("expected the departures told late, got {other:?}"),
        }
    }
}
