//! One chat client of the page, as it sees the room: who it is, who is here, its log
//! (direction and push marks as in the WebSocket lab), what it missed, its last error, and
//! what its transport cost (requests, empty answers, frames, bytes). Events are taken once
//! and in the room's order (a `seq` at or below the last one is a duplicate and ignored);
//! each message newly delivered is handed back to the room for its fan-out row.

use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use protocol::ErrorCode;
use protocol::chat::{
    ChatBatch, ChatErrorCode, ChatEvent, ChatMember, ChatServerMsg, ChatWelcome, Departure,
    NameProblem, TextProblem,
};
use protocol::ws::frame_header_bytes;

use super::super::clock::ClockEstimate;
use super::super::fetch::FetchError;
use super::super::ws_session::Dir;

/// Lines a client's log keeps; older ones drop off.
pub const LOG_CAP: usize = 200;

/// How a client reaches the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// One WebSocket: the server pushes every event.
    WebSocket,
    /// HTTP: asks every `every_ms` whether anything happened.
    Poll { every_ms: u32 },
    /// HTTP: each request waits at the server until something happens.
    LongPoll,
}

impl Via {
    pub fn is_http(self) -> bool {
        !matches!(self, Via::WebSocket)
    }

    /// How an event reaches this client: pushed, or as the answer to a request.
    pub fn inbound(self) -> Dir {
        if self.is_http() {
            Dir::Reply
        } else {
            Dir::Push
        }
    }
}

/// Where a client is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Joining,
    Joined,
    /// Left, was refused, or its connection ended.
    Ended,
}

/// Why something a client tried did not happen (all shown in the page).
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The display name breaks the rule both ends use (checked before joining).
    Name(NameProblem),
    /// The text cannot be said (checked before sending).
    Text(TextProblem),
    /// An HTTP request was refused, answered strangely, or got no answer.
    Fetch(FetchError),
    /// The server would not act on a WebSocket message (the session goes on).
    InBand(ChatErrorCode),
    /// The WebSocket never opened: the server refused the handshake (the browser does
    /// not say why) or could not be reached.
    WsRefused,
    /// The WebSocket ended without the page asking.
    Closed { code: u16, reason: String },
}

/// How a member's presence changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Joined,
    Left,
    Dropped,
}

/// What a log line records.
#[derive(Debug, Clone, PartialEq)]
pub enum LineKind {
    Joining,
    /// The welcome: who is here and how many earlier messages came with it.
    Welcome {
        members: usize,
        history: usize,
    },
    /// A message from before this client joined (from the welcome).
    History {
        name: String,
        text: String,
    },
    /// This client said something.
    Said {
        text: String,
    },
    Message {
        seq: u64,
        name: String,
        text: String,
        mine: bool,
    },
    Presence {
        seq: u64,
        name: String,
        change: Change,
    },
    Missed {
        count: u64,
    },
    /// Polls in a row that brought nothing (one line, counted up).
    EmptyPolls {
        count: u64,
    },
    Failed(Failure),
    Closed {
        code: u16,
        reason: String,
        clean: bool,
    },
    Left,
}

/// One log line; `at_ms` counts from when the client's Join was pressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub at_ms: f64,
    pub dir: Dir,
    pub kind: LineKind,
    /// Server receipt → this client's arrival, for a message (one-way estimate).
    pub delay_ms: Option<f64>,
}

/// What a transport cost this client, as the page counted it (HTTP bodies, WebSocket
/// frames; the server's counts of polls and empty polls as it reported them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Traffic {
    /// HTTP requests answered (join, polls, sends, leave).
    pub requests: u64,
    /// Polls answered, and how many of them brought no event.
    pub polls: u64,
    pub empty: u64,
    /// WebSocket frames each way.
    pub frames_up: u64,
    pub frames_down: u64,
    /// Bytes each way: request and answer bodies for HTTP, whole frames for a WebSocket.
    pub bytes_up: u64,
    pub bytes_down: u64,
}

/// A message this client received for the first time, for the room's fan-out.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivered {
    pub seq: u64,
    pub at_us: u64,
    pub name: String,
    pub text: String,
    /// Server receipt → this client, ms (with a clock estimate).
    pub delay_ms: Option<f64>,
    /// This client sent it at this wall-clock time (µs, page clock).
    pub sent_unix_us: Option<f64>,
}

/// What happened to a client.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The WebSocket opened.
    Opened {
        at: f64,
    },
    /// A WebSocket text frame (a `ChatServerMsg`); `unix_us` is `at` on the wall clock.
    Frame {
        text: String,
        at: f64,
        unix_us: f64,
    },
    /// An HTTP exchange finished: body bytes each way.
    Http {
        up: u64,
        down: u64,
    },
    /// The HTTP join's welcome.
    Welcome {
        welcome: ChatWelcome,
        at: f64,
    },
    /// A poll's answer.
    Batch {
        batch: ChatBatch,
        at: f64,
        unix_us: f64,
    },
    /// The page sent `text` as its message `client_seq` (`bytes`: the WebSocket frame's
    /// payload; 0 over HTTP, counted by `Http`).
    Said {
        text: String,
        client_seq: u64,
        bytes: u64,
        at: f64,
        unix_us: f64,
    },
    Failed {
        failure: Failure,
        at: f64,
    },
    /// The WebSocket closed (`opened`: it had opened).
    Closed {
        code: u16,
        reason: String,
        clean: bool,
        at: f64,
    },
    /// The page left.
    Left {
        at: f64,
    },
}

/// One client.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatClient {
    /// The page's number for it (never reused).
    pub slot: u32,
    pub name: String,
    pub room: String,
    pub via: Via,
    pub status: Status,
    /// Whether its WebSocket opened (or its HTTP join was answered).
    pub opened: bool,
    pub you: Option<ChatMember>,
    /// Who is in the room now, by id.
    pub members: Vec<ChatMember>,
    pub log: Rc<VecDeque<Line>>,
    /// The last event taken (the welcome's `seq` to begin with).
    pub last_seq: u64,
    /// Events that went past it (it fell behind).
    pub missed: u64,
    /// The last thing that failed (cleared by the next success).
    pub failure: Option<Failure>,
    pub traffic: Traffic,
    /// Server receipt → arrival of each message from someone else, ms.
    pub delays: Vec<f64>,
    /// `performance.now()` when Join was pressed.
    pub started_at: f64,
    /// The page asked to leave (a close that follows is not a failure).
    leaving: bool,
    /// When this client said each of its messages (wall clock, µs), by `client_seq`.
    said: HashMap<u64, f64>,
}

impl ChatClient {
    pub fn new(slot: u32, name: String, room: String, via: Via, at: f64) -> Self {
        let mut c = ChatClient {
            slot,
            name,
            room,
            via,
            status: Status::Joining,
            opened: false,
            you: None,
            members: Vec::new(),
            log: Rc::default(),
            last_seq: 0,
            missed: 0,
            failure: None,
            traffic: Traffic::default(),
            delays: Vec::new(),
            started_at: at,
            leaving: false,
            said: HashMap::new(),
        };
        c.push(at, Dir::Event, LineKind::Joining, None);
        c
    }

    fn push(&mut self, at: f64, dir: Dir, kind: LineKind, delay_ms: Option<f64>) {
        let log = Rc::make_mut(&mut self.log);
        if log.len() == LOG_CAP {
            log.pop_front();
        }
        log.push_back(Line {
            at_ms: at - self.started_at,
            dir,
            kind,
            delay_ms,
        });
    }

    pub fn is_live(&self) -> bool {
        self.status != Status::Ended
    }

    /// Applies `input`; the messages it delivered for the first time.
    pub fn apply(&mut self, input: Input, clock: Option<ClockEstimate>) -> Vec<Delivered> {
        let mut out = Vec::new();
        match input {
            Input::Opened { .. } => self.opened = true,
            Input::Frame { text, at, unix_us } => {
                let bytes = text.len() as u64;
                self.traffic.frames_down += 1;
                self.traffic.bytes_down += bytes + frame_header_bytes(bytes, false);
                match crate::wire::decode::<ChatServerMsg>(&text).ok_or(()) {
                    Ok(ChatServerMsg::Welcome { welcome }) => self.welcome(welcome, at),
                    Ok(ChatServerMsg::Event { event }) => {
                        out.extend(self.event(event, at, unix_us, clock));
                    }
                    Ok(ChatServerMsg::Missed { count, .. }) => self.missed(count, at),
                    Ok(ChatServerMsg::Error { code, .. }) => {
                        self.fail(Failure::InBand(code), at, false);
                    }
                    Err(_) => self.fail(Failure::Fetch(FetchError::Unexpected), at, false),
                }
            }
            Input::Http { up, down } => {
                self.traffic.requests += 1;
                self.traffic.bytes_up += up;
                self.traffic.bytes_down += down;
            }
            Input::Welcome { welcome, at } => {
                self.opened = true;
                self.welcome(welcome, at);
            }
            Input::Batch { batch, at, unix_us } => {
                self.traffic.polls += 1;
                if self
                    .failure
                    .as_ref()
                    .is_some_and(|f| matches!(f, Failure::Fetch(_)))
                {
                    self.failure = None;
                }
                if batch.missed > 0 {
                    self.missed(batch.missed, at);
                }
                if batch.events.is_empty() {
                    self.traffic.empty += 1;
                    self.empty_poll(at);
                }
                for event in batch.events {
                    out.extend(self.event(event, at, unix_us, clock));
                }
            }
            Input::Said {
                text,
                client_seq,
                bytes,
                at,
                unix_us,
            } => {
                if !self.via.is_http() {
                    self.traffic.frames_up += 1;
                    self.traffic.bytes_up += bytes + frame_header_bytes(bytes, true);
                }
                self.said.insert(client_seq, unix_us);
                self.push(at, Dir::Sent, LineKind::Said { text }, None);
            }
            Input::Failed { failure, at } => {
                // Refused before it was in, or no longer a member (dropped after not
                // polling): the client is over. Any other failed poll or send is not.
                let gone = matches!(&failure, Failure::Fetch(e) if e.is(ErrorCode::NotFound));
                let ends = !self.opened || gone;
                self.fail(failure, at, ends);
            }
            Input::Closed {
                code,
                reason,
                clean,
                at,
            } => {
                if self.status == Status::Ended {
                    return out;
                }
                if !self.opened {
                    self.fail(Failure::WsRefused, at, true);
                    return out;
                }
                self.push(
                    at,
                    Dir::Event,
                    LineKind::Closed {
                        code,
                        reason: reason.clone(),
                        clean,
                    },
                    None,
                );
                if !self.leaving {
                    self.failure = Some(Failure::Closed { code, reason });
                }
                self.end();
            }
            Input::Left { at } => {
                self.leaving = true;
                if self.via.is_http() || !self.opened {
                    self.push(at, Dir::Event, LineKind::Left, None);
                    self.end();
                }
            }
        }
        out
    }

    fn end(&mut self) {
        self.status = Status::Ended;
        self.members.clear();
    }

    fn fail(&mut self, failure: Failure, at: f64, ends: bool) {
        self.push(at, Dir::Event, LineKind::Failed(failure.clone()), None);
        self.failure = Some(failure);
        if ends {
            self.end();
        }
    }

    fn missed(&mut self, count: u64, at: f64) {
        self.missed += count;
        self.push(at, Dir::Event, LineKind::Missed { count }, None);
    }

    fn empty_poll(&mut self, at: f64) {
        if let Some(Line {
            kind: LineKind::EmptyPolls { count },
            at_ms,
            ..
        }) = Rc::make_mut(&mut self.log).back_mut()
        {
            *count += 1;
            *at_ms = at - self.started_at;
            return;
        }
        self.push(at, Dir::Event, LineKind::EmptyPolls { count: 1 }, None);
    }

    fn welcome(&mut self, w: ChatWelcome, at: f64) {
        self.status = Status::Joined;
        self.failure = None;
        self.last_seq = w.seq;
        self.room = w.room;
        for e in &w.history {
            if let ChatEvent::Message { name, text, .. } = e {
                let kind = LineKind::History {
                    name: name.clone(),
                    text: text.clone(),
                };
                self.push(at, Dir::Event, kind, None);
            }
        }
        let kind = LineKind::Welcome {
            members: w.members.len(),
            history: w.history.len(),
        };
        self.push(at, self.via.inbound(), kind, None);
        self.you = Some(w.you);
        self.members = w.members;
    }

    fn event(
        &mut self,
        event: ChatEvent,
        at: f64,
        unix_us: f64,
        clock: Option<ClockEstimate>,
    ) -> Option<Delivered> {
        let seq = event.seq();
        if seq <= self.last_seq || self.status == Status::Ended {
            return None;
        }
        self.last_seq = seq;
        let delay_ms = clock.map(|c| c.one_way_ms(unix_us, event.at_us() as f64));
        let dir = self.via.inbound();
        match event {
            ChatEvent::Message {
                at_us,
                from,
                name,
                text,
                client_seq,
                ..
            } => {
                let mine = self.you.as_ref().is_some_and(|y| y.id == from);
                let sent_unix_us = client_seq
                    .filter(|_| mine)
                    .and_then(|s| self.said.remove(&s));
                if !mine && let Some(d) = delay_ms {
                    self.delays.push(d);
                }
                let kind = LineKind::Message {
                    seq,
                    name: name.clone(),
                    text: text.clone(),
                    mine,
                };
                self.push(at, dir, kind, delay_ms);
                Some(Delivered {
                    seq,
                    at_us,
                    name,
                    text,
                    delay_ms,
                    sent_unix_us,
                })
            }
            ChatEvent::Joined { member, .. } => {
                let name = member.name.clone();
                if let Err(i) = self.members.binary_search_by_key(&member.id, |m| m.id) {
                    self.members.insert(i, member);
                }
                let kind = LineKind::Presence {
                    seq,
                    name,
                    change: Change::Joined,
                };
                self.push(at, dir, kind, None);
                None
            }
            ChatEvent::Left { member, how, .. } => {
                self.members.retain(|m| m.id != member.id);
                let change = match how {
                    Departure::Left => Change::Left,
                    Departure::Dropped => Change::Dropped,
                };
                let kind = LineKind::Presence {
                    seq,
                    name: member.name,
                    change,
                };
                self.push(at, dir, kind, None);
                None
            }
        }
    }
}
