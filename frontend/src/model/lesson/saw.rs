//! What a check reports: a step's state and, once there is anything to see, what it saw
//! as numbers ([`Saw`]), never as English: the page words it through the catalogue
//! ([`super::text::saw_line`]).

use super::super::ws_session::Initiator;

/// What a check saw, as numbers. Times are in ms.
#[derive(Debug, Clone, PartialEq)]
pub enum Saw {
    /// An HTTP answer: its status and the round trip the page timed.
    Answered { status: u16, ms: f64 },
    /// The echo's payload against what was sent.
    Echoed {
        sent_bytes: u64,
        echoed_bytes: u64,
        same: bool,
    },
    /// Lab requests of one run, answered.
    Requests { requests: u32 },
    /// Lab requests of one run and the TCP connections the server says carried them.
    Connections {
        requests: u32,
        connections: u32,
        closed_by_server: u32,
    },
    /// The first request's connect phase against the reused ones' (Resource Timing).
    ConnectPhase {
        first_connect_ms: f64,
        first_ms: f64,
        reused: u32,
        reused_with_connect: u32,
        reused_median_ms: f64,
    },
    /// A parallel run: requests, the connections that carried them, the most open at once.
    Parallel {
        requests: u32,
        connections: u32,
        peak_open: u32,
    },
    /// Requests of a parallel run that waited for a connection to become free.
    Queued {
        requests: u32,
        connections: u32,
        waited: u32,
        longest_wait_ms: f64,
    },
    /// The WebSocket handshake: the Upgrade request's headers and the status answered.
    Upgrade {
        status: u16,
        request_headers: u32,
        response_headers: u32,
    },
    /// Messages of one session, each way.
    Exchange { sent: u32, received: u32 },
    /// One session's TCP connection: HTTP requests on it and messages over it.
    SessionConnection {
        conn: u64,
        requests: u32,
        messages: u32,
    },
    /// Messages the server sent unasked, and replies to the page's own messages.
    Pushes { pushes: u32, replies: u32 },
    /// How the session closed.
    Close {
        code: u16,
        reason: String,
        by_server: bool,
    },
    /// The same feed by short polling and by WebSocket.
    PollVsPush {
        poll_requests: u64,
        poll_empty: u64,
        poll_stale_ms: f64,
        ws_requests: u64,
        ws_stale_ms: f64,
    },
    /// Short polling's median staleness against the expected half period.
    HalfPeriod {
        period_ms: u64,
        /// The emulated network's round trip and jitter (0 on loopback).
        rtt_ms: u32,
        jitter_ms: u32,
        expected_ms: f64,
        median_ms: f64,
    },
    /// Bytes per poll on the wire against one WebSocket frame's header.
    HeaderCost {
        poll_request_bytes: u64,
        poll_response_bytes: u64,
        ws_frame_header_bytes: u64,
    },
    /// The server pushing over HTTP: SSE and long polling.
    HttpPush {
        sse_requests: u64,
        sse_delivered: u64,
        long_requests: u64,
        long_empty: u64,
        long_delivered: u64,
    },
    /// The network the race ran on (0 ms: loopback, not emulated).
    Network { rtt_ms: u32, jitter_ms: u32 },
    /// Medians of new-connection and keep-alive round trips against the emulated RTT.
    HandshakeCost {
        rtt_ms: u32,
        jitter_ms: u32,
        new_median_ms: f64,
        keep_median_ms: f64,
    },
    /// WebSocket's median round trip against the emulated RTT.
    RoundTrip {
        rtt_ms: u32,
        jitter_ms: u32,
        median_ms: f64,
    },
    /// The server's WebSocket sessions at their peak.
    Sessions { peak: u32 },
    /// OS threads before and at the peak of sessions.
    Threads {
        sessions: u32,
        threads_before: u32,
        threads: u32,
    },
    /// Sessions at their peak and in the last sample.
    SessionsClosed { peak: u32, now: u32 },
    /// How one attempt of the session ended: its code and reason, who sent the first close
    /// frame (nobody: the connection dropped), and whether the closing handshake finished.
    Ended {
        code: u16,
        reason: String,
        by: Initiator,
        clean: bool,
    },
    /// The page's clients in the busiest room, by transport.
    Clients {
        websocket: u32,
        polling: u32,
        long_polling: u32,
    },
    /// A message one of the page's clients said, pushed to the page's other WebSocket
    /// clients: how many got it and the slowest one's delay after the server read it.
    Pushed {
        seq: u64,
        clients: u32,
        delay_ms: f64,
    },
    /// A poller's delays (server read → arrival) against half its period, with the
    /// tolerance the check allows, and what its polls cost.
    PollDelay {
        period_ms: u32,
        expected_ms: f64,
        tolerance_ms: f64,
        median_ms: f64,
        messages: u32,
        polls: u64,
        empty: u64,
    },
}

/// One step's state.
#[derive(Debug, Clone, PartialEq)]
pub enum StepState {
    /// Nothing to judge yet.
    Pending,
    /// Something seen, not (yet) enough.
    Partial(Saw),
    /// Satisfied, by what it saw.
    Passed(Saw),
}

impl StepState {
    pub fn passed(&self) -> bool {
        matches!(self, StepState::Passed(_))
    }

    /// What the step saw, if anything.
    pub fn saw(&self) -> Option<&Saw> {
        match self {
            StepState::Pending => None,
            StepState::Partial(s) | StepState::Passed(s) => Some(s),
        }
    }

    /// `Passed(saw)` when `ok`, else `Partial(saw)`.
    pub(crate) fn judge(ok: bool, saw: Saw) -> StepState {
        if ok {
            StepState::Passed(saw)
        } else {
            StepState::Partial(saw)
        }
    }

    /// This state, demoted to `Partial` unless `earlier` (an earlier step's evidence the
    /// step builds on) passed.
    pub(crate) fn after(self, earlier: &StepState) -> StepState {
        match self {
            StepState::Passed(s) if !earlier.passed() => StepState::Partial(s),
            other => other,
        }
    }
}
