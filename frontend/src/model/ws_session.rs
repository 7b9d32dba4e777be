//! What the page knows about its WebSocket session, built from what it sent and what
//! arrived: lifecycle with times, the handshake, round trips, pushes with estimated
//! one-way delays, the clock offset (`super::clock`), ping round trips, how it closed, and a bounded log.
//! Pure data and logic (no browser calls): tested natively, driven by `use_websocket`.

use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use protocol::lab::HeaderLine;
use protocol::ws::frame_header_bytes;
use protocol::{ServerMsg, close_code};

pub use super::clock::ClockEstimate;

/// The log keeps this many entries; older ones drop off so the page never grows.
pub const LOG_CAP: usize = 300;

/// The connection's state: the browser's `readyState`, plus "never connected".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Phase {
    #[default]
    Idle,
    Connecting,
    Open,
    Closing,
    Closed,
}

/// Who started the close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initiator {
    Page,
    Server,
    /// The connection ended without a closing handshake (1006).
    Neither,
}

/// Which way a log line went, for drawing and filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dir {
    /// Page → server.
    Sent,
    /// Server → page, answering the page.
    Reply,
    /// Server → page, unasked.
    Push,
    /// Lifecycle and figures.
    Event,
}

/// What a log line records.
#[derive(Debug, Clone, PartialEq)]
pub enum LogKind {
    Connecting,
    Opened {
        handshake_ms: f64,
    },
    Welcome {
        session: u64,
        subprotocol: Option<String>,
    },
    SentText {
        seq: u64,
        bytes: usize,
    },
    SentBinary {
        bytes: usize,
    },
    /// `server_read` is the frame of the page's request as the server counted it.
    Echo {
        seq: u64,
        rtt_ms: Option<f64>,
        server_read: u64,
    },
    BinaryEcho {
        rtt_ms: Option<f64>,
        server_read: Option<u64>,
    },
    Push {
        n: u32,
        count: u32,
        one_way_ms: Option<f64>,
    },
    TickerDone {
        sent: u32,
        stopped: bool,
    },
    PingRtt {
        ms: f64,
    },
    ClockOffset {
        offset_ms: f64,
        uncertainty_ms: f64,
    },
    ServerError {
        message: String,
    },
    Command {
        what: Command,
    },
    Closing {
        code: u16,
    },
    Closed {
        code: u16,
        reason: String,
        clean: bool,
        by: Initiator,
    },
    OpenFailed {
        detail: String,
    },
    Reconnecting {
        in_ms: u32,
    },
}

/// A control message the page sent (logged so the learner sees it went over the socket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    StartTicker,
    StopTicker,
    SetPing(u32),
    AskServerClose(u16),
    AskServerDrop,
}

/// One log line; `at_ms` counts from when Connect was pressed.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at_ms: f64,
    pub dir: Dir,
    pub kind: LogKind,
    /// Payload bytes of the message, when it is one.
    pub payload_bytes: Option<u64>,
    /// The message's frame on the wire (header included), when known.
    pub frame_bytes: Option<u64>,
}

/// The handshake as the server saw it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Handshake {
    pub session: u64,
    pub conn: Option<u64>,
    pub subprotocol: Option<String>,
    pub request_headers: Vec<HeaderLine>,
    pub response_headers: Vec<HeaderLine>,
}

/// How the session ended.
#[derive(Debug, Clone, PartialEq)]
pub struct CloseInfo {
    pub code: u16,
    pub reason: String,
    pub clean: bool,
    pub by: Initiator,
}

/// The whole session as the page sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionView {
    pub phase: Phase,
    /// Each state entered, with its time since Connect (ms).
    pub transitions: Vec<(Phase, f64)>,
    pub handshake_ms: Option<f64>,
    pub last_rtt_ms: Option<f64>,
    pub ping_rtt_ms: Option<f64>,
    pub handshake: Option<Handshake>,
    pub clock: Option<ClockEstimate>,
    pub pushes: u32,
    pub last_one_way_ms: Option<f64>,
    pub ticker_running: bool,
    pub close: Option<CloseInfo>,
    /// Shared, so cloning the view per message does not copy the log.
    pub log: Rc<VecDeque<LogEntry>>,
    /// The page's `performance.now()` when Connect was pressed.
    pub started_at: f64,
    /// The close the page or server was asked to start (to tell who initiated).
    close_requested: Option<Initiator>,
    pending_echo: HashMap<u64, f64>,
    pending_binary: VecDeque<f64>,
    pending_clock: HashMap<u64, f64>,
    /// Frame size of the next binary echo, from the server's note before it.
    binary_frame: Option<u64>,
}

impl SessionView {
    /// A new attempt starts at `at` (ms, page clock); the log carries over.
    pub fn connecting(&self, at: f64) -> SessionView {
        let mut next = SessionView {
            phase: Phase::Connecting,
            started_at: at,
            log: Rc::clone(&self.log),
            ..SessionView::default()
        };
        next.transitions.push((Phase::Connecting, 0.0));
        next.push(at, Dir::Event, LogKind::Connecting, None, None);
        next
    }

    fn enter(&mut self, phase: Phase, at: f64) {
        if self.phase != phase {
            self.phase = phase;
            self.transitions.push((phase, at - self.started_at));
        }
    }

    pub fn push(
        &mut self,
        at: f64,
        dir: Dir,
        kind: LogKind,
        payload_bytes: Option<u64>,
        frame_bytes: Option<u64>,
    ) {
        let log = Rc::make_mut(&mut self.log);
        if log.len() == LOG_CAP {
            log.pop_front();
        }
        log.push_back(LogEntry {
            at_ms: at - self.started_at,
            dir,
            kind,
            payload_bytes,
            frame_bytes,
        });
    }

    pub fn opened(&mut self, at: f64) {
        let handshake_ms = at - self.started_at;
        self.handshake_ms = Some(handshake_ms);
        self.enter(Phase::Open, at);
        self.push(at, Dir::Event, LogKind::Opened { handshake_ms }, None, None);
    }

    pub fn open_failed(&mut self, at: f64, detail: String) {
        self.enter(Phase::Closed, at);
        self.push(at, Dir::Event, LogKind::OpenFailed { detail }, None, None);
    }

    /// Logs a frame of `bytes` payload the page sent (masked, so its header is 4 bytes
    /// longer than the server's).
    fn push_sent(&mut self, at: f64, kind: LogKind, bytes: usize) {
        let payload = bytes as u64;
        let frame = payload + frame_header_bytes(payload, true);
        self.push(at, Dir::Sent, kind, Some(payload), Some(frame));
    }

    /// The page sent a text frame of `bytes` carrying echo `seq`.
    pub fn sent_echo(&mut self, seq: u64, bytes: usize, at: f64) {
        self.pending_echo.insert(seq, at);
        self.push_sent(at, LogKind::SentText { seq, bytes }, bytes);
    }

    pub fn sent_binary(&mut self, bytes: usize, at: f64) {
        self.pending_binary.push_back(at);
        self.push_sent(at, LogKind::SentBinary { bytes }, bytes);
    }

    pub fn sent_clock(&mut self, seq: u64, unix_us: f64) {
        self.pending_clock.insert(seq, unix_us);
    }

    pub fn sent_command(&mut self, what: Command, bytes: usize, at: f64) {
        match what {
            Command::StartTicker => self.ticker_running = true,
            Command::AskServerClose(_) | Command::AskServerDrop => {
                self.close_requested = Some(Initiator::Server);
            }
            _ => {}
        }
        self.push_sent(at, LogKind::Command { what }, bytes);
    }

    /// The page called `close(code, reason)`.
    pub fn closing(&mut self, code: u16, at: f64) {
        if matches!(self.phase, Phase::Open | Phase::Connecting) {
            self.close_requested = Some(Initiator::Page);
            self.enter(Phase::Closing, at);
            self.push(at, Dir::Event, LogKind::Closing { code }, None, None);
        }
    }

    /// A text frame arrived at `at` (page clock, ms); `unix_us` is the same instant on
    /// the page's wall clock.
    pub fn text(&mut self, text: &str, at: f64, unix_us: f64) {
        let bytes = text.len() as u64;
        let frame = Some(bytes + frame_header_bytes(bytes, false));
        let Some(msg) = crate::wire::decode::<ServerMsg>(text) else {
            let kind = LogKind::ServerError {
                message: text.chars().take(80).collect(),
            };
            self.push(at, Dir::Reply, kind, Some(bytes), frame);
            return;
        };
        match msg {
            ServerMsg::Welcome {
                session,
                conn,
                subprotocol,
                request_headers,
                response_headers,
                ..
            } => {
                let kind = LogKind::Welcome {
                    session,
                    subprotocol: subprotocol.clone(),
                };
                self.handshake = Some(Handshake {
                    session,
                    conn,
                    subprotocol,
                    request_headers,
                    response_headers,
                });
                self.push(at, Dir::Push, kind, Some(bytes), frame);
            }
            ServerMsg::Echo {
                seq, frame_bytes, ..
            } => {
                let rtt_ms = self.pending_echo.remove(&seq).map(|sent| at - sent);
                if rtt_ms.is_some() {
                    self.last_rtt_ms = rtt_ms;
                }
                let kind = LogKind::Echo {
                    seq,
                    rtt_ms,
                    server_read: frame_bytes,
                };
                self.push(at, Dir::Reply, kind, Some(bytes), frame);
            }
            ServerMsg::Clock {
                seq,
                server_received_unix_us,
                server_sent_unix_us,
            } => {
                let Some(t0) = self.pending_clock.remove(&seq) else {
                    return;
                };
                let clock = self.clock.get_or_insert_with(ClockEstimate::default);
                clock.add(
                    t0,
                    server_received_unix_us as f64,
                    server_sent_unix_us as f64,
                    unix_us,
                );
                let c = *clock;
                if self.pending_clock.is_empty() {
                    let kind = LogKind::ClockOffset {
                        offset_ms: c.offset_us / 1000.0,
                        uncertainty_ms: c.uncertainty_us / 1000.0,
                    };
                    self.push(at, Dir::Event, kind, None, None);
                }
            }
            ServerMsg::BinaryReceived { frame_bytes, .. } => self.binary_frame = Some(frame_bytes),
            ServerMsg::Push {
                n,
                count,
                sent_unix_us,
                ..
            } => {
                self.pushes += 1;
                let one_way_ms = self
                    .clock
                    .map(|c| c.one_way_ms(unix_us, sent_unix_us as f64));
                if one_way_ms.is_some() {
                    self.last_one_way_ms = one_way_ms;
                }
                let kind = LogKind::Push {
                    n,
                    count,
                    one_way_ms,
                };
                self.push(at, Dir::Push, kind, Some(bytes), frame);
            }
            ServerMsg::TickerDone { sent, stopped } => {
                self.ticker_running = false;
                let kind = LogKind::TickerDone { sent, stopped };
                self.push(at, Dir::Push, kind, Some(bytes), frame);
            }
            ServerMsg::PingRtt { rtt_us } => {
                let ms = rtt_us as f64 / 1000.0;
                self.ping_rtt_ms = Some(ms);
                self.push(at, Dir::Event, LogKind::PingRtt { ms }, None, None);
            }
            ServerMsg::Error { message, .. } => {
                let kind = LogKind::ServerError { message };
                self.push(at, Dir::Reply, kind, Some(bytes), frame);
            }
        }
    }

    pub fn binary(&mut self, bytes: usize, at: f64) {
        let rtt_ms = self.pending_binary.pop_front().map(|sent| at - sent);
        if rtt_ms.is_some() {
            self.last_rtt_ms = rtt_ms;
        }
        let payload = bytes as u64;
        let frame = payload + frame_header_bytes(payload, false);
        // The server's note before the echo said how big the page's frame was.
        let server_read = self.binary_frame.take();
        self.push(
            at,
            Dir::Reply,
            LogKind::BinaryEcho {
                rtt_ms,
                server_read,
            },
            Some(payload),
            Some(frame),
        );
    }

    pub fn closed(&mut self, code: u16, reason: String, clean: bool, at: f64) {
        let by = if !clean || code == close_code::ABNORMAL {
            Initiator::Neither
        } else {
            // A clean close the page did not start was started by the server.
            self.close_requested.unwrap_or(Initiator::Server)
        };
        self.enter(Phase::Closed, at);
        self.ticker_running = false;
        self.pending_echo.clear();
        self.pending_binary.clear();
        self.pending_clock.clear();
        self.close = Some(CloseInfo {
            code,
            reason: reason.clone(),
            clean,
            by,
        });
        let kind = LogKind::Closed {
            code,
            reason,
            clean,
            by,
        };
        self.push(at, Dir::Event, kind, None, None);
    }

    pub fn reconnecting(&mut self, in_ms: u32, at: f64) {
        self.push(at, Dir::Event, LogKind::Reconnecting { in_ms }, None, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::ServerMsg;

    fn json(m: &ServerMsg) -> String {
        serde_json::to_string(m).unwrap()
    }

    #[test]
    fn lifecycle_echoes_pushes_and_close() {
        let mut v = SessionView::default().connecting(100.0);
        v.opened(105.0);
        assert_eq!(v.handshake_ms, Some(5.0));
        v.sent_echo(1, 40, 110.0);
        v.text(
            &json(&ServerMsg::Echo {
                seq: 1,
                payload: "x".into(),
                payload_bytes: 1,
                server_received_unix_us: 0,
                frame_bytes: 46,
            }),
            112.5,
            0.0,
        );
        assert_eq!(v.last_rtt_ms, Some(2.5));
        // Clock: server 1 s ahead.
        v.sent_clock(1, 1_000_000.0);
        v.text(
            &json(&ServerMsg::Clock {
                seq: 1,
                server_received_unix_us: 2_000_100,
                server_sent_unix_us: 2_000_100,
            }),
            113.0,
            1_000_200.0,
        );
        let c = v.clock.unwrap();
        assert_eq!(c.offset_us, 1_000_000.0);
        // A push sent at server time 3_000_000 arrives at page time 2_000_500: 500 µs.
        v.text(
            &json(&ServerMsg::Push {
                n: 1,
                count: 1,
                sent_unix_us: 3_000_000,
                payload: String::new(),
            }),
            114.0,
            2_000_500.0,
        );
        assert_eq!(v.pushes, 1);
        assert_eq!(v.last_one_way_ms, Some(0.5));
        assert_eq!(v.log.back().unwrap().dir, Dir::Push);

        v.closing(4000, 120.0);
        assert_eq!(v.phase, Phase::Closing);
        v.closed(4000, "bye".into(), true, 121.0);
        let close = v.close.clone().unwrap();
        assert_eq!((close.code, close.by), (4000, Initiator::Page));
        let phases: Vec<Phase> = v.transitions.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            phases,
            vec![
                Phase::Connecting,
                Phase::Open,
                Phase::Closing,
                Phase::Closed
            ]
        );
    }

    #[test]
    fn who_closed() {
        let mut v = SessionView::default().connecting(0.0);
        v.opened(1.0);
        v.sent_command(Command::AskServerClose(4001), 50, 2.0);
        v.closed(4001, "later".into(), true, 3.0);
        assert_eq!(v.close.unwrap().by, Initiator::Server);

        let mut v = SessionView::default().connecting(0.0);
        v.opened(1.0);
        v.closed(1006, String::new(), false, 3.0);
        assert_eq!(v.close.unwrap().by, Initiator::Neither);
    }

    #[test]
    fn log_is_bounded() {
        let mut v = SessionView::default().connecting(0.0);
        for i in 0..(LOG_CAP as u64 + 50) {
            v.sent_echo(i, 10, 1.0);
        }
        assert_eq!(v.log.len(), LOG_CAP);
    }
}
