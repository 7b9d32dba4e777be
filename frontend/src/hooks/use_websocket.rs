//! `use_websocket`: one echo session on `/ws`, its lifecycle and a bounded message log.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use protocol::{ClientMsg, ServerMsg};
use yew::prelude::*;

use crate::clock::now_ms;
use crate::services::ws::{Connection, WsEvent};

/// The log keeps this many entries; older ones drop off so the page never grows without bound.
pub(crate) const LOG_CAP: usize = 200;

/// The connection's state as the page shows it: the browser's `readyState`, plus "never
/// connected".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Phase {
    #[default]
    Idle,
    Connecting,
    Open,
    Closing,
    Closed,
}

/// What a log line records.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LogKind {
    Connecting,
    Opened {
        handshake_ms: f64,
    },
    Sent {
        seq: u64,
        bytes: usize,
    },
    Echo {
        seq: u64,
        bytes: usize,
        rtt_ms: Option<f64>,
    },
    Welcome {
        session: u64,
    },
    ServerError,
    Binary {
        bytes: usize,
    },
    Closing {
        code: u16,
    },
    Closed {
        code: u16,
        reason: String,
        clean: bool,
    },
    OpenFailed {
        detail: String,
    },
}

/// One log line; `at_ms` counts from when Connect was pressed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogEntry {
    pub(crate) at_ms: f64,
    pub(crate) kind: LogKind,
}

/// The WebSocket panel's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct WsView {
    pub(crate) phase: Phase,
    pub(crate) handshake_ms: Option<f64>,
    pub(crate) last_rtt_ms: Option<f64>,
    /// Newest last, at most [`LOG_CAP`].
    pub(crate) log: Rc<VecDeque<LogEntry>>,
    /// Which connection the state describes; events from older ones are ignored.
    generation: u32,
    started_at: f64,
    pending: Rc<HashMap<u64, f64>>,
}

pub(crate) enum Action {
    Connecting { generation: u32, at: f64 },
    OpenFailed { detail: String },
    Sent { seq: u64, bytes: usize, at: f64 },
    Closing { code: u16, at: f64 },
    Event { generation: u32, event: WsEvent },
}

impl WsView {
    fn push(&mut self, at: f64, kind: LogKind) {
        let log = Rc::make_mut(&mut self.log);
        if log.len() == LOG_CAP {
            log.pop_front();
        }
        log.push_back(LogEntry {
            at_ms: at - self.started_at,
            kind,
        });
    }

    fn on_event(&mut self, event: WsEvent) {
        match event {
            WsEvent::Opened { at } => {
                let handshake_ms = at - self.started_at;
                self.phase = Phase::Open;
                self.handshake_ms = Some(handshake_ms);
                self.push(at, LogKind::Opened { handshake_ms });
            }
            WsEvent::Text { text, bytes, at } => {
                let kind = match serde_json::from_str::<ServerMsg>(&text) {
                    Ok(ServerMsg::Echo { seq, .. }) => {
                        let rtt_ms = Rc::make_mut(&mut self.pending)
                            .remove(&seq)
                            .map(|sent| at - sent);
                        if rtt_ms.is_some() {
                            self.last_rtt_ms = rtt_ms;
                        }
                        LogKind::Echo { seq, bytes, rtt_ms }
                    }
                    Ok(ServerMsg::Welcome { session, .. }) => LogKind::Welcome { session },
                    Ok(ServerMsg::Error { .. }) | Err(_) => LogKind::ServerError,
                };
                self.push(at, kind);
            }
            WsEvent::Binary { bytes, at } => self.push(at, LogKind::Binary { bytes }),
            WsEvent::Closed {
                code,
                reason,
                clean,
                at,
            } => {
                self.phase = Phase::Closed;
                Rc::make_mut(&mut self.pending).clear();
                self.push(
                    at,
                    LogKind::Closed {
                        code,
                        reason,
                        clean,
                    },
                );
            }
        }
    }
}

impl Reducible for WsView {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Connecting { generation, at } => {
                next = WsView {
                    phase: Phase::Connecting,
                    generation,
                    started_at: at,
                    log: next.log,
                    ..WsView::default()
                };
                next.push(at, LogKind::Connecting);
            }
            Action::OpenFailed { detail } => {
                next.phase = Phase::Closed;
                next.push(now_ms(), LogKind::OpenFailed { detail });
            }
            Action::Sent { seq, bytes, at } => {
                Rc::make_mut(&mut next.pending).insert(seq, at);
                next.push(at, LogKind::Sent { seq, bytes });
            }
            Action::Closing { code, at } => {
                if next.phase == Phase::Open || next.phase == Phase::Connecting {
                    next.phase = Phase::Closing;
                    next.push(at, LogKind::Closing { code });
                }
            }
            Action::Event { generation, event } => {
                if generation != next.generation {
                    return self;
                }
                next.on_event(event);
            }
        }
        Rc::new(next)
    }
}

/// Handle returned by [`use_websocket`].
#[derive(Clone, PartialEq)]
pub(crate) struct UseWebSocketHandle {
    pub(crate) view: Rc<WsView>,
    pub(crate) connect: Callback<()>,
    /// Sends an echo request with this payload.
    pub(crate) send: Callback<String>,
    /// Closes with code 1000.
    pub(crate) close: Callback<()>,
}

/// An echo session on `/ws`, e.g. `let ws = use_websocket(); ws.connect.emit(());`.
/// The socket closes when the component using the hook unmounts.
#[hook]
pub(crate) fn use_websocket() -> UseWebSocketHandle {
    let view = use_reducer(WsView::default);
    let conn: Rc<RefCell<Option<Connection>>> = use_mut_ref(|| None);
    let counters = use_mut_ref(|| (0u32, 0u64)); // (generation, seq)

    {
        let conn = Rc::clone(&conn);
        use_effect_with((), move |_| move || drop(conn.borrow_mut().take()));
    }

    let connect = {
        let (d, conn, counters) = (view.dispatcher(), Rc::clone(&conn), Rc::clone(&counters));
        Callback::from(move |()| {
            let generation = {
                let mut c = counters.borrow_mut();
                c.0 += 1;
                c.0
            };
            d.dispatch(Action::Connecting {
                generation,
                at: now_ms(),
            });
            let events = {
                let d = d.clone();
                Callback::from(move |event| d.dispatch(Action::Event { generation, event }))
            };
            // Replacing an older connection drops (and so closes) it.
            match Connection::open("/ws", events) {
                Ok(c) => *conn.borrow_mut() = Some(c),
                Err(detail) => d.dispatch(Action::OpenFailed { detail }),
            }
        })
    };
    let send = {
        let (d, conn, counters) = (view.dispatcher(), Rc::clone(&conn), Rc::clone(&counters));
        Callback::from(move |payload: String| {
            let Some(c) = &*conn.borrow() else { return };
            let seq = {
                let mut cs = counters.borrow_mut();
                cs.1 += 1;
                cs.1
            };
            let text = serde_json::to_string(&ClientMsg::Echo { seq, payload }).unwrap_or_default();
            d.dispatch(Action::Sent {
                seq,
                bytes: text.len(),
                at: now_ms(),
            });
            c.send_text(text);
        })
    };
    let close = {
        let (d, conn) = (view.dispatcher(), Rc::clone(&conn));
        Callback::from(move |()| {
            let Some(c) = &*conn.borrow() else { return };
            if c.close(1000, "closed from the page").is_ok() {
                d.dispatch(Action::Closing {
                    code: 1000,
                    at: now_ms(),
                });
            }
        })
    };
    UseWebSocketHandle {
        view: Rc::new((*view).clone()),
        connect,
        send,
        close,
    }
}
