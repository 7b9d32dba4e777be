//! Checks of the WebSocket lessons, `socket-stays-open` and `server-speaks-first`: the
//! WebSocket lab's session (its current attempt's log, handshake and close) joined to
//! the server-reported connection the server's `Welcome` names; and `who-closed-it`:
//! every attempt's close, read from the session's log, which carries over across
//! reconnects (each attempt starts at a `Connecting` line and ends at its `Closed`).

use protocol::close_code;

use super::super::observed::Observed;
use super::super::ws_session::{Command, Dir, Initiator, LogEntry, LogKind, Phase, SessionView};
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
            // "With its code and reason": a close frame that named no code (the page
            // sees 1005) shows the server closing, not what it said.
            StepState::judge(
                by_server && c.clean && c.code != close_code::NO_STATUS,
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

/// One connection attempt in the session's log: whether it opened, the last close the
/// page asked the server for, and how it ended.
#[derive(Debug, Default)]
struct Attempt<'a> {
    opened: bool,
    asked: Option<Command>,
    /// Code, reason, clean, who started it.
    close: Option<(u16, &'a str, bool, Initiator)>,
}

impl Attempt<'_> {
    fn saw(&self) -> Option<Saw> {
        let (code, reason, clean, by) = self.close?;
        Some(Saw::Ended {
            code,
            reason: reason.to_owned(),
            by,
            clean,
        })
    }
}

/// Every attempt in the log, oldest first. The log is bounded
/// (`ws_session::LOG_CAP`): an attempt whose start has dropped off begins at the first line.
fn attempts(session: &SessionView) -> Vec<Attempt<'_>> {
    let mut out: Vec<Attempt<'_>> = Vec::new();
    for l in session.log.iter() {
        if l.kind == LogKind::Connecting || out.is_empty() {
            out.push(Attempt::default());
        }
        let Some(a) = out.last_mut() else { continue };
        match &l.kind {
            LogKind::Opened { .. } => a.opened = true,
            LogKind::Command {
                what: what @ (Command::AskServerClose(_) | Command::AskServerDrop),
            } => a.asked = Some(*what),
            LogKind::Closed {
                code,
                reason,
                clean,
                by,
            } => a.close = Some((*code, reason.as_str(), *clean, *by)),
            _ => {}
        }
    }
    out
}

/// The first of `candidates` that `ok` accepts, passed; else the latest, partial; pending
/// when there is none.
fn first_passing<'a>(
    candidates: impl DoubleEndedIterator<Item = &'a Attempt<'a>> + Clone,
    ok: impl Fn(&Attempt<'_>) -> bool,
) -> StepState {
    if let Some(saw) = candidates.clone().find(|a| ok(a)).and_then(Attempt::saw) {
        return StepState::Passed(saw);
    }
    candidates
        .last()
        .and_then(Attempt::saw)
        .map_or(StepState::Pending, StepState::Partial)
}

/// `who-closed-it`: `page-close`, `server-close`, `dropped`.
pub(super) fn who_closed_it(e: &Evidence<'_>) -> Vec<StepState> {
    let Some(session) = e.session else {
        return vec![StepState::Pending; 3];
    };
    let all = attempts(session);
    let by = |who: Initiator| {
        all.iter()
            .filter(move |a| a.close.is_some_and(|(.., by)| by == who))
    };
    // The page's own close frame, with the normal code.
    let page = first_passing(by(Initiator::Page), |a| {
        a.close
            .is_some_and(|(code, _, clean, _)| code == close_code::NORMAL && clean)
    });
    // The server's close frame, with the code and reason the page asked it to use: an
    // application's own code (3000–4999), not the normal one, so it is the learner's.
    let server = first_passing(by(Initiator::Server), |a| {
        a.close.is_some_and(|(code, reason, clean, _)| {
            a.asked == Some(Command::AskServerClose(code))
                && code != close_code::NORMAL
                && close_code::allowed_from_page(code)
                && !reason.is_empty()
                && clean
        })
    });
    // A connection that was open and ended with no close frame either way.
    let dropped_candidates = all.iter().filter(|a| {
        a.opened
            && (a.asked == Some(Command::AskServerDrop)
                || a.close.is_some_and(|(.., by)| by == Initiator::Neither))
    });
    let dropped = first_passing(dropped_candidates, |a| {
        a.close.is_some_and(|(code, _, clean, by)| {
            code == close_code::ABNORMAL && !clean && by == Initiator::Neither
        })
    });
    vec![page, server, dropped]
}
