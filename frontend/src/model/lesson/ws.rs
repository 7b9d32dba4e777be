//! Checks of the WebSocket lessons, `socket-stays-open` and `server-speaks-first`: the
//! WebSocket lab's session (its current attempt's log, handshake and close) joined to
//! the server-reported connection the server's `Welcome` names.

use super::super::observed::Observed;
use super::super::ws_session::{Dir, Initiator, LogEntry, LogKind, Phase, SessionView};
use super::tolerance::{MIN_MESSAGES_EACH_WAY, MIN_PUSHES};
use super::{Evidence, Saw, StepState};

/// The current attempt's log lines: the log carries over across reconnects, so only the
/// lines after the last `Connecting` belong to this session.
fn current(session: &SessionView) -> impl Iterator<Item = &LogEntry> {
    let start = session
        .log
        .iter()
        .rposition(|l| l.kind == LogKind::Connecting)
        .unwrap_or(0);
    session.log.iter().skip(start)
}

/// Messages the page sent and messages that arrived (replies and pushes), this session.
fn messages(session: &SessionView) -> (u32, u32) {
    let (mut sent, mut received) = (0, 0);
    for l in current(session) {
        match l.dir {
            Dir::Sent => sent += 1,
            Dir::Reply | Dir::Push if l.payload_bytes.is_some() => received += 1,
            _ => {}
        }
    }
    (sent, received)
}

/// The status the server answered the Upgrade with: the observer's, else 101 if the
/// browser opened the socket (it does only on a 101), else 0.
fn upgrade_status(session: &SessionView, observed: Option<&Observed>) -> u16 {
    let conn = session.handshake.as_ref().and_then(|h| h.conn);
    let seen = conn
        .and_then(|c| observed?.conns.get(&c))
        .and_then(|v| v.marks.iter().find_map(|m| m.status));
    seen.unwrap_or_else(|| {
        if session.transitions.iter().any(|(p, _)| *p == Phase::Open) {
            101
        } else {
            0
        }
    })
}

/// `socket-stays-open`: `upgrade`, `exchange`, `one-connection`.
pub(super) fn socket_stays_open(e: &Evidence<'_>) -> Vec<StepState> {
    let Some(session) = e.session else {
        return vec![StepState::Pending; 3];
    };
    let upgrade = match &session.handshake {
        None => StepState::Pending,
        Some(h) => {
            let asked = h.request_headers.iter().any(|l| {
                l.name.eq_ignore_ascii_case("upgrade") && l.value.eq_ignore_ascii_case("websocket")
            });
            let status = upgrade_status(session, e.observed);
            StepState::judge(
                asked && status == 101,
                Saw::Upgrade {
                    status,
                    request_headers: h.request_headers.len() as u32,
                    response_headers: h.response_headers.len() as u32,
                },
            )
        }
    };
    let (sent, received) = messages(session);
    let exchange = if sent + received == 0 {
        StepState::Pending
    } else {
        StepState::judge(
            sent >= MIN_MESSAGES_EACH_WAY && received >= MIN_MESSAGES_EACH_WAY,
            Saw::Exchange { sent, received },
        )
    };
    let conn = session.handshake.as_ref().and_then(|h| h.conn);
    let view = conn.and_then(|c| e.observed?.conns.get(&c));
    let one = match (conn, view) {
        (Some(conn), Some(v)) => StepState::judge(
            // Only the Upgrade went over it as HTTP; everything after was WebSocket.
            v.upgraded_us.is_some() && v.marks.len() == 1,
            Saw::SessionConnection {
                conn,
                requests: v.marks.len() as u32,
                messages: sent + received,
            },
        ),
        _ => StepState::Pending,
    }
    .after(&exchange)
    .after(&upgrade);
    vec![upgrade, exchange, one]
}

/// `server-speaks-first`: `pushes`, `server-close`.
pub(super) fn server_speaks_first(e: &Evidence<'_>) -> Vec<StepState> {
    let Some(session) = e.session else {
        return vec![StepState::Pending; 2];
    };
    let (mut pushes, mut replies) = (0u32, 0u32);
    for l in current(session) {
        match (&l.kind, l.dir) {
            (LogKind::Push { .. }, _) => pushes += 1,
            (_, Dir::Reply) => replies += 1,
            _ => {}
        }
    }
    let pushed = if pushes + replies == 0 {
        StepState::Pending
    } else {
        StepState::judge(pushes >= MIN_PUSHES, Saw::Pushes { pushes, replies })
    };
    let close = match &session.close {
        None => StepState::Pending,
        Some(c) => {
            let by_server = c.by == Initiator::Server;
            StepState::judge(
                by_server && c.clean,
                Saw::Close {
                    code: c.code,
                    reason: c.reason.clone(),
                    by_server,
                },
            )
        }
    };
    vec![pushed, close]
}
