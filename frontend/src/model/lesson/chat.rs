//! Checks of `many-clients`: the chat page's room (`ChatRoom`) as its clients and its
//! fan-out rows left it — who is in the room by transport, each message's arrivals at the
//! page's clients (pushed to a WebSocket client, or answered to a poll), and each poller's
//! polls and empty polls as the server counted them.

use super::super::chat::{ChatRoom, FanOut, Status, Via};
use super::tolerance::MIN_POLLED;
use super::{Evidence, Saw, StepState, formula};

/// The page's clients in the room, now in it, by transport: (WebSocket, polling, long
/// polling).
fn in_room(room: &ChatRoom, name: &str) -> (u32, u32, u32) {
    let mut n = (0, 0, 0);
    for c in room
        .clients
        .iter()
        .filter(|c| c.room == name && c.status == Status::Joined)
    {
        match c.via {
            Via::WebSocket => n.0 += 1,
            Via::Poll { .. } => n.1 += 1,
            Via::LongPoll => n.2 += 1,
        }
    }
    n
}

/// A message one of the page's clients said, with the page's other WebSocket clients
/// that got it pushed: how many, and the slowest one's delay (server read → arrival).
fn pushed(room: &ChatRoom, row: &FanOut) -> Option<(u32, f64)> {
    let (sender, _) = row.sender?;
    let delays: Vec<f64> = row
        .arrivals
        .iter()
        .filter(|a| a.slot != sender && a.via == Via::WebSocket)
        .filter(|a| room.client(a.slot).is_some())
        .filter_map(|a| a.delay_ms)
        .collect();
    let slowest = delays
        .iter()
        .copied()
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))))?;
    Some((delays.len() as u32, slowest))
}

/// `many-clients`: `clients`, `pushed`, `half-period`.
pub(super) fn many_clients(e: &Evidence<'_>) -> Vec<StepState> {
    let Some(room) = e.chat.filter(|r| !r.clients.is_empty()) else {
        return vec![StepState::Pending; 3];
    };

    // The busiest room the page's clients are in (a learner may have changed rooms).
    let clients = room
        .clients
        .iter()
        .filter(|c| c.status == Status::Joined)
        .map(|c| in_room(room, &c.room))
        .max_by_key(|(ws, poll, long)| (ws + poll + long, (*ws).min(*poll)))
        .map_or(StepState::Pending, |(websocket, polling, long_polling)| {
            StepState::judge(
                websocket >= 1 && polling >= 1 && websocket + polling + long_polling >= 2,
                Saw::Clients {
                    websocket,
                    polling,
                    long_polling,
                },
            )
        });

    // The newest message said on the page that reached another of its WebSocket clients.
    let push = room
        .fanout
        .iter()
        .rev()
        .find_map(|row| pushed(room, row).map(|p| (row.seq, p)))
        .map_or(StepState::Pending, |(seq, (clients, delay_ms))| {
            StepState::Passed(Saw::Pushed {
                seq,
                clients,
                delay_ms,
            })
        });

    // Each poller's delays over the messages it got (its own included: they wait for its
    // next poll too); the poller with the most decides.
    let half = room
        .clients
        .iter()
        .filter_map(|c| match c.via {
            Via::Poll { every_ms } => Some((c, every_ms)),
            _ => None,
        })
        .map(|(c, every_ms)| {
            let delays: Vec<f64> = room
                .fanout
                .iter()
                .filter_map(|f| f.arrivals.iter().find(|a| a.slot == c.slot)?.delay_ms)
                .collect();
            (c, every_ms, delays)
        })
        .max_by_key(|(_, _, d)| d.len())
        .filter(|(_, _, d)| !d.is_empty())
        .map_or(StepState::Pending, |(c, every_ms, delays)| {
            let band = formula::poll_delay(every_ms);
            let (expected_ms, tolerance_ms) = (band.expected, band.hi - band.expected);
            let sorted = crate::stats::sorted_finite(&delays);
            let median_ms = crate::stats::percentile(&sorted, 0.5);
            let messages = delays.len() as u32;
            let (polls, empty) = (c.traffic.polls, c.traffic.empty);
            StepState::judge(
                messages >= MIN_POLLED && empty >= 1 && band.holds(median_ms),
                Saw::PollDelay {
                    period_ms: every_ms,
                    expected_ms,
                    tolerance_ms,
                    median_ms,
                    messages,
                    polls,
                    empty,
                },
            )
        });
    vec![clients, push, half]
}
