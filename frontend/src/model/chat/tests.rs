//! The chat page's model, natively: welcome and history, events once and in order,
//! presence, missed counts, fan-out delays from `at_us` and the clock offset, poll
//! statistics, and every way a client ends.

use protocol::ErrorBody;
use protocol::chat::{
    ChatBatch, ChatErrorCode, ChatEvent, ChatMember, ChatServerMsg, ChatTransport, ChatWelcome,
    Departure,
};

use super::client::{Change, LineKind, Traffic};
use super::*;
use crate::model::fetch::FetchError;
use crate::model::ws_session::Dir;

fn member(id: u64, name: &str, via: ChatTransport) -> ChatMember {
    ChatMember {
        id,
        name: name.into(),
        via,
    }
}

fn welcome(you: ChatMember, members: Vec<ChatMember>, seq: u64) -> ChatWelcome {
    ChatWelcome {
        room: "lobby".into(),
        you,
        members,
        history: vec![ChatEvent::Message {
            seq: 1,
            at_us: 10,
            from: 9,
            name: "Old".into(),
            text: "earlier".into(),
            client_seq: None,
        }],
        seq,
        at_us: 0,
    }
}

fn frame(msg: &ChatServerMsg, at: f64, unix_us: f64) -> Input {
    Input::Frame {
        text: serde_json::to_string(msg).unwrap(),
        at,
        unix_us,
    }
}

fn message(seq: u64, at_us: u64, from: u64, text: &str, client_seq: Option<u64>) -> ChatEvent {
    ChatEvent::Message {
        seq,
        at_us,
        from,
        name: format!("m{from}"),
        text: text.into(),
        client_seq,
    }
}

/// A page with a clock 1 s behind the server (± 50 µs) and two WebSocket clients, ids 1
/// and 2 in the room.
fn two_ws() -> (ChatRoom, u32, u32) {
    let mut room = ChatRoom {
        clock: Some(crate::model::clock::ClockEstimate {
            offset_us: 1_000_000.0,
            uncertainty_us: 50.0,
            samples: 5,
        }),
        ..ChatRoom::default()
    };
    let a = room
        .add("A".into(), "lobby".into(), Via::WebSocket, 0.0)
        .unwrap();
    let b = room
        .add("B".into(), "lobby".into(), Via::WebSocket, 0.0)
        .unwrap();
    let ma = member(1, "A", ChatTransport::WebSocket);
    let mb = member(2, "B", ChatTransport::WebSocket);
    room.apply(a, Input::Opened { at: 1.0 });
    room.apply(
        a,
        frame(
            &ChatServerMsg::Welcome {
                welcome: welcome(ma.clone(), vec![ma.clone()], 2),
            },
            1.0,
            0.0,
        ),
    );
    room.apply(b, Input::Opened { at: 1.0 });
    room.apply(
        b,
        frame(
            &ChatServerMsg::Welcome {
                welcome: welcome(mb.clone(), vec![ma.clone(), mb.clone()], 3),
            },
            1.0,
            0.0,
        ),
    );
    let joined = ChatServerMsg::Event {
        event: ChatEvent::Joined {
            seq: 3,
            at_us: 0,
            member: mb,
        },
    };
    room.apply(a, frame(&joined, 2.0, 0.0));
    (room, a, b)
}

#[test]
fn welcome_brings_history_members_and_the_starting_seq() {
    let (room, a, b) = two_ws();
    let ca = room.client(a).unwrap();
    assert_eq!(ca.status, Status::Joined);
    assert_eq!(ca.last_seq, 3);
    // A saw B join after its own welcome; both see both.
    let names = |c: &ChatClient| c.members.iter().map(|m| m.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(ca), ["A", "B"]);
    assert_eq!(names(room.client(b).unwrap()), ["A", "B"]);
    assert!(
        ca.log
            .iter()
            .any(|l| matches!(&l.kind, LineKind::History { text, .. } if text == "earlier"))
    );
    let presence = ca.log.back().unwrap();
    assert_eq!(presence.dir, Dir::Push);
    assert!(matches!(
        presence.kind,
        LineKind::Presence {
            change: Change::Joined,
            ..
        }
    ));
}

#[test]
fn a_message_fans_out_with_upload_and_push_delays() {
    let (mut room, a, b) = two_ws();
    // A says it at page wall clock 5.000 s (server 6.000 s); the server reads it at
    // 6.000400 s; B gets it at page 5.000900 s (server 6.000900): 0.5 ms after the read.
    room.apply(
        a,
        Input::Said {
            text: "hi".into(),
            client_seq: 1,
            bytes: 40,
            at: 10.0,
            unix_us: 5_000_000.0,
        },
    );
    let ev = ChatServerMsg::Event {
        event: message(4, 6_000_400, 1, "hi", Some(1)),
    };
    room.apply(b, frame(&ev, 11.0, 5_000_900.0));
    room.apply(a, frame(&ev, 11.0, 5_000_700.0));
    let row = room.fanout.back().unwrap();
    assert_eq!((row.seq, row.text.as_str()), (4, "hi"));
    let up = row.sender.unwrap();
    assert_eq!(up.0, a);
    assert!((up.1.unwrap() - 0.4).abs() < 1e-9, "{up:?}");
    let delays: Vec<(u32, f64)> = row
        .arrivals
        .iter()
        .map(|x| (x.slot, x.delay_ms.unwrap()))
        .collect();
    assert_eq!(delays.len(), 2);
    assert_eq!(delays[0].0, b);
    assert!((delays[0].1 - 0.5).abs() < 1e-9);
    assert!((delays[1].1 - 0.3).abs() < 1e-9);
    // B's log marks it a push with its delay; A's own copy is marked as its own.
    let cb = room.client(b).unwrap();
    let last = cb.log.back().unwrap();
    assert_eq!(last.dir, Dir::Push);
    assert!(matches!(last.kind, LineKind::Message { mine: false, .. }));
    assert_eq!(cb.delays.len(), 1);
    let ca = room.client(a).unwrap();
    assert!(matches!(
        ca.log.back().unwrap().kind,
        LineKind::Message { mine: true, .. }
    ));
    assert!(
        ca.delays.is_empty(),
        "one's own message is not a delivery delay"
    );
    // The sent frame was counted: masked header of 6 bytes on 40.
    assert_eq!((ca.traffic.frames_up, ca.traffic.bytes_up), (1, 46));
}

#[test]
fn duplicates_and_old_events_are_ignored() {
    let (mut room, _a, b) = two_ws();
    let ev = ChatServerMsg::Event {
        event: message(4, 100, 1, "once", None),
    };
    room.apply(b, frame(&ev, 5.0, 0.0));
    room.apply(b, frame(&ev, 6.0, 0.0));
    let old = ChatServerMsg::Event {
        event: message(2, 50, 1, "old", None),
    };
    room.apply(b, frame(&old, 7.0, 0.0));
    let cb = room.client(b).unwrap();
    let msgs = cb
        .log
        .iter()
        .filter(|l| matches!(l.kind, LineKind::Message { .. }))
        .count();
    assert_eq!(msgs, 1);
    assert_eq!(cb.last_seq, 4);
    assert_eq!(room.fanout.len(), 1);
    assert_eq!(room.fanout[0].arrivals.len(), 1);
}

#[test]
fn presence_left_and_dropped_and_missed() {
    let (mut room, a, _b) = two_ws();
    let left = ChatServerMsg::Event {
        event: ChatEvent::Left {
            seq: 4,
            at_us: 0,
            member: member(2, "B", ChatTransport::WebSocket),
            how: Departure::Dropped,
        },
    };
    room.apply(a, frame(&left, 3.0, 0.0));
    room.apply(
        a,
        frame(&ChatServerMsg::Missed { count: 7, at_us: 0 }, 4.0, 0.0),
    );
    let ca = room.client(a).unwrap();
    assert_eq!(ca.members.len(), 1);
    assert_eq!(ca.missed, 7);
    let kinds: Vec<&LineKind> = ca.log.iter().rev().take(2).map(|l| &l.kind).collect();
    assert!(matches!(kinds[0], LineKind::Missed { count: 7 }));
    assert!(matches!(
        kinds[1],
        LineKind::Presence {
            change: Change::Dropped,
            ..
        }
    ));
}

#[test]
fn in_band_errors_and_closes_are_kept_visible() {
    let (mut room, a, b) = two_ws();
    let err = ChatServerMsg::Error {
        code: ChatErrorCode::RateLimited,
        message: "slow down".into(),
    };
    room.apply(a, frame(&err, 3.0, 0.0));
    let ca = room.client(a).unwrap();
    assert_eq!(
        ca.failure,
        Some(Failure::InBand(ChatErrorCode::RateLimited))
    );
    assert_eq!(ca.status, Status::Joined, "the session goes on");
    // The server closes B: a failure with code and reason.
    room.apply(
        b,
        Input::Closed {
            code: 1008,
            reason: "too many frames".into(),
            clean: true,
            at: 4.0,
        },
    );
    let cb = room.client(b).unwrap();
    assert_eq!(cb.status, Status::Ended);
    assert_eq!(
        cb.failure,
        Some(Failure::Closed {
            code: 1008,
            reason: "too many frames".into()
        })
    );
    // The page leaving A: its close is no failure.
    room.apply(a, Input::Left { at: 5.0 });
    room.apply(
        a,
        Input::Closed {
            code: 1000,
            reason: String::new(),
            clean: true,
            at: 6.0,
        },
    );
    let ca = room.client(a).unwrap();
    assert_eq!(ca.status, Status::Ended);
    assert_eq!(
        ca.failure,
        Some(Failure::InBand(ChatErrorCode::RateLimited))
    );
}

#[test]
fn a_socket_that_never_opened_was_refused() {
    let mut room = ChatRoom::default();
    let s = room
        .add("X".into(), "lobby".into(), Via::WebSocket, 0.0)
        .unwrap();
    room.apply(
        s,
        Input::Closed {
            code: 1006,
            reason: String::new(),
            clean: false,
            at: 1.0,
        },
    );
    let c = room.client(s).unwrap();
    assert_eq!(
        (c.status, c.failure.clone()),
        (Status::Ended, Some(Failure::WsRefused))
    );
}

#[test]
fn an_http_refusal_ends_the_client_a_poll_failure_does_not() {
    let mut room = ChatRoom::default();
    let s = room
        .add("X".into(), "lobby".into(), Via::LongPoll, 0.0)
        .unwrap();
    let refused = FetchError::Refused(ErrorBody {
        code: protocol::ErrorCode::RoomFull,
        message: "full".into(),
        param: None,
    });
    room.apply(
        s,
        Input::Failed {
            failure: Failure::Fetch(refused),
            at: 1.0,
        },
    );
    assert_eq!(room.client(s).unwrap().status, Status::Ended);

    let p = room
        .add("Y".into(), "lobby".into(), Via::Poll { every_ms: 500 }, 0.0)
        .unwrap();
    let me = member(3, "Y", ChatTransport::Http);
    room.apply(
        p,
        Input::Welcome {
            welcome: welcome(me.clone(), vec![me], 5),
            at: 1.0,
        },
    );
    room.apply(
        p,
        Input::Failed {
            failure: Failure::Fetch(FetchError::Network),
            at: 2.0,
        },
    );
    let c = room.client(p).unwrap();
    assert_eq!(c.status, Status::Joined);
    assert_eq!(c.failure, Some(Failure::Fetch(FetchError::Network)));
    // Dropped by the server for not polling: no longer a member.
    let gone = FetchError::Refused(ErrorBody {
        code: protocol::ErrorCode::NotFound,
        message: "no such member".into(),
        param: None,
    });
    room.apply(
        p,
        Input::Failed {
            failure: Failure::Fetch(gone),
            at: 3.0,
        },
    );
    assert_eq!(room.client(p).unwrap().status, Status::Ended);
}

fn batch(events: Vec<ChatEvent>, polls: u64, empty: u64) -> ChatBatch {
    ChatBatch {
        events,
        missed: 0,
        polls,
        empty_polls: empty,
        at_us: 0,
    }
}

#[test]
fn polls_count_requests_empty_answers_bytes_and_lateness() {
    let (mut room, _a, b) = two_ws();
    let p = room
        .add("P".into(), "lobby".into(), Via::Poll { every_ms: 500 }, 0.0)
        .unwrap();
    let me = member(3, "P", ChatTransport::Http);
    room.apply(p, Input::Http { up: 0, down: 300 });
    room.apply(
        p,
        Input::Welcome {
            welcome: welcome(me.clone(), vec![me], 4),
            at: 1.0,
        },
    );
    for i in 0..3 {
        room.apply(p, Input::Http { up: 0, down: 60 });
        room.apply(
            p,
            Input::Batch {
                batch: batch(vec![], i + 1, i + 1),
                at: 2.0 + i as f64,
                unix_us: 0.0,
            },
        );
    }
    // Three empty answers are one line, counted up.
    let c = room.client(p).unwrap();
    let empties: Vec<u64> = c
        .log
        .iter()
        .filter_map(|l| match l.kind {
            LineKind::EmptyPolls { count } => Some(count),
            _ => None,
        })
        .collect();
    assert_eq!(empties, [3]);
    // A message the server read at 6.000000 s: B (WebSocket) has it 0.5 ms later, the
    // poller 240 ms later, as the answer to its fourth poll.
    let ev = message(5, 6_000_000, 1, "hi", None);
    room.apply(
        b,
        frame(
            &ChatServerMsg::Event { event: ev.clone() },
            10.0,
            5_000_500.0,
        ),
    );
    room.apply(p, Input::Http { up: 0, down: 200 });
    room.apply(
        p,
        Input::Batch {
            batch: batch(vec![ev.clone()], 4, 3),
            at: 250.0,
            unix_us: 5_240_000.0,
        },
    );
    // The same event again (an answer the page had not acknowledged) is not counted twice.
    room.apply(
        p,
        Input::Batch {
            batch: batch(vec![ev], 5, 3),
            at: 260.0,
            unix_us: 5_250_000.0,
        },
    );
    let c = room.client(p).unwrap();
    assert_eq!(
        c.traffic,
        Traffic {
            requests: 5,
            polls: 5,
            empty: 3,
            bytes_down: 300 + 3 * 60 + 200,
            ..Traffic::default()
        }
    );
    let line = c.log.back().unwrap();
    assert_eq!(line.dir, Dir::Reply, "a polled message answers a request");
    assert!((line.delay_ms.unwrap() - 240.0).abs() < 1e-9);
    let (later, n) = room.later_than_ws(p).unwrap();
    assert_eq!(n, 1);
    assert!((later - 239.5).abs() < 1e-9, "{later}");
    assert_eq!(
        room.later_than_ws(b),
        None,
        "no other WebSocket client got it"
    );
}

#[test]
fn four_live_clients_at_most_and_ended_ones_make_room() {
    let mut room = ChatRoom::default();
    let slots: Vec<u32> = (0..4)
        .map(|i| {
            room.add(format!("c{i}"), "lobby".into(), Via::WebSocket, 0.0)
                .unwrap()
        })
        .collect();
    assert_eq!(
        room.add("e".into(), "lobby".into(), Via::WebSocket, 0.0),
        None
    );
    room.apply(slots[1], Input::Left { at: 1.0 });
    let fifth = room
        .add("e".into(), "lobby".into(), Via::WebSocket, 0.0)
        .unwrap();
    assert_eq!(room.clients.len(), 4);
    assert!(room.client(slots[1]).is_none());
    assert!(room.client(fifth).is_some());
    room.remove(slots[0]);
    assert!(
        room.client(slots[0]).is_some(),
        "a live client is not removed"
    );
}

#[test]
fn fan_out_keeps_the_last_messages() {
    let (mut room, _a, b) = two_ws();
    for seq in 4..(4 + FANOUT_KEPT as u64 + 5) {
        let ev = ChatServerMsg::Event {
            event: message(seq, seq * 10, 1, "x", None),
        };
        room.apply(b, frame(&ev, 1.0, 0.0));
    }
    assert_eq!(room.fanout.len(), FANOUT_KEPT);
    assert_eq!(room.fanout.back().unwrap().seq, 3 + FANOUT_KEPT as u64 + 5);
}
