//! `use_websocket`: one session on `/ws` — connect (offering a subprotocol), send text or
//! binary echoes, drive the server's ticker, pings and closes, close from the page, and
//! reconnect with backoff when asked. The session's state is a
//! [`crate::model::websocket::WsState`]; this hook owns the connection and the timers.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use protocol::ClientMsg;
use yew::prelude::*;

use crate::clock::{now_ms, unix_us_at};
use crate::hooks::use_batched::{Batched, use_batched};
use crate::model::websocket::{Action, Offer, WsState};
use crate::model::ws_session::{Command, Initiator, Phase, SessionView};
use crate::services::ws::{Connection, session_path};

/// Clock probes sent when a session opens, for the offset estimate, spaced so that one
/// busy moment of the page does not spoil them all.
const CLOCK_PROBES: u32 = 5;
const CLOCK_PROBE_GAP_MS: u32 = 120;
/// Reconnect delays double from this, up to [`BACKOFF_MAX_MS`].
const BACKOFF_FIRST_MS: u32 = 500;
const BACKOFF_MAX_MS: u32 = 30_000;

/// Applies actions to the batched session model.
#[derive(Clone)]
struct Dispatch(Batched<WsState>);

impl Dispatch {
    fn dispatch(&self, action: Action) {
        self.0.update(|s| s.apply(action));
    }
}

/// Handle returned by [`use_websocket`].
#[derive(Clone, PartialEq)]
pub(crate) struct UseWebSocketHandle {
    pub(crate) view: Rc<SessionView>,
    pub(crate) connect: Callback<Offer>,
    /// Sends `(payload, repeat)` text echoes.
    pub(crate) send_text: Callback<(String, u32)>,
    /// Sends `(size, repeat)` binary echoes.
    pub(crate) send_binary: Callback<(usize, u32)>,
    /// The page closes with `(code, reason)`.
    pub(crate) close: Callback<(u16, String)>,
    /// Ticker, ping and server-side close commands.
    pub(crate) command: Callback<ClientMsg>,
    pub(crate) auto_reconnect: bool,
    pub(crate) set_auto_reconnect: Callback<bool>,
}

/// Counters that live across renders.
#[derive(Default)]
struct Counters {
    generation: u32,
    seq: u64,
    /// Reconnect attempts since the last successful open.
    attempts: u32,
    offer: Offer,
}

/// A session on `/ws` tagged with the page's client key, e.g.
/// `let ws = use_websocket(key); ws.connect.emit(Offer::Duplex);`.
/// The socket closes when the component using the hook unmounts.
#[hook]
pub(crate) fn use_websocket(client: AttrValue) -> UseWebSocketHandle {
    let batched = use_batched(WsState::default);
    let state = batched.read(Clone::clone);
    let dispatcher = Dispatch(batched);
    let conn: Rc<RefCell<Option<Connection>>> = use_mut_ref(|| None);
    let counters: Rc<RefCell<Counters>> = use_mut_ref(Counters::default);
    let retry: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let auto = use_state(|| false);

    {
        let (conn, retry) = (Rc::clone(&conn), Rc::clone(&retry));
        use_effect_with((), move |_| {
            move || {
                drop(retry.borrow_mut().take());
                drop(conn.borrow_mut().take());
            }
        });
    }

    let connect = {
        let (d, conn, counters, retry) = (
            dispatcher.clone(),
            Rc::clone(&conn),
            Rc::clone(&counters),
            Rc::clone(&retry),
        );
        Callback::from(move |offer: Offer| {
            drop(retry.borrow_mut().take());
            let generation = {
                let mut c = counters.borrow_mut();
                c.generation += 1;
                c.offer = offer;
                c.generation
            };
            d.dispatch(Action::Connecting {
                generation,
                at: now_ms(),
            });
            let events = {
                let d = d.clone();
                Callback::from(move |event: crate::model::websocket::WsEvent| {
                    let unix_us = unix_us_at(event.at());
                    d.dispatch(Action::Event {
                        generation,
                        event,
                        unix_us,
                    });
                })
            };
            // Replacing an older connection drops (and so closes) it.
            match Connection::open(&session_path(&client), offer.protocols(), events) {
                Ok(c) => *conn.borrow_mut() = Some(c),
                Err(detail) => d.dispatch(Action::OpenFailed {
                    detail,
                    at: now_ms(),
                }),
            }
        })
    };

    // Sends a message, logging it through `log` with its size; false if not connected.
    let sender = {
        let conn = Rc::clone(&conn);
        move |msg: &ClientMsg| -> Option<usize> {
            let text = serde_json::to_string(msg).unwrap_or_default();
            let bytes = text.len();
            conn.borrow().as_ref()?.send_text(text);
            Some(bytes)
        }
    };

    // On open: clock probes; reset the backoff.
    {
        let (d, counters, sender) = (dispatcher.clone(), Rc::clone(&counters), sender.clone());
        let probes: Rc<RefCell<Vec<Timeout>>> = use_mut_ref(Vec::new);
        use_effect_with(state.view.phase, move |phase| {
            if *phase == Phase::Open {
                counters.borrow_mut().attempts = 0;
                let timers = (0..CLOCK_PROBES).map(|i| {
                    let (d, counters, sender) = (d.clone(), Rc::clone(&counters), sender.clone());
                    Timeout::new(i * CLOCK_PROBE_GAP_MS, move || {
                        let seq = next_seq(&counters);
                        let unix_us = unix_us_at(now_ms());
                        if sender(&ClientMsg::Clock { seq }).is_some() {
                            d.dispatch(Action::SentClock { seq, unix_us });
                        }
                    })
                });
                *probes.borrow_mut() = timers.collect();
            }
        });
    }

    // On a close the page did not ask for: reconnect with backoff, when turned on.
    {
        let (d, counters, retry, connect) = (
            dispatcher.clone(),
            Rc::clone(&counters),
            Rc::clone(&retry),
            connect.clone(),
        );
        let closed_by = state.view.close.as_ref().map(|c| c.by);
        let phase = state.view.phase;
        use_effect_with((phase, closed_by, *auto), move |(phase, by, auto)| {
            if *phase == Phase::Closed && *auto && *by != Some(Initiator::Page) && by.is_some() {
                let (in_ms, offer) = {
                    let mut c = counters.borrow_mut();
                    let in_ms = BACKOFF_FIRST_MS
                        .saturating_mul(1 << c.attempts.min(10))
                        .min(BACKOFF_MAX_MS);
                    c.attempts += 1;
                    (in_ms, c.offer)
                };
                d.dispatch(Action::Reconnecting {
                    in_ms,
                    at: now_ms(),
                });
                *retry.borrow_mut() = Some(Timeout::new(in_ms, move || connect.emit(offer)));
            }
        });
    }

    let send_text = {
        let (d, counters, sender) = (dispatcher.clone(), Rc::clone(&counters), sender.clone());
        Callback::from(move |(payload, repeat): (String, u32)| {
            for _ in 0..repeat {
                let seq = next_seq(&counters);
                let msg = ClientMsg::Echo {
                    seq,
                    payload: payload.clone(),
                };
                let at = now_ms();
                if let Some(bytes) = sender(&msg) {
                    d.dispatch(Action::SentEcho { seq, bytes, at });
                }
            }
        })
    };
    let send_binary = {
        let (d, conn) = (dispatcher.clone(), Rc::clone(&conn));
        Callback::from(move |(size, repeat): (usize, u32)| {
            let Some(c) = &*conn.borrow() else { return };
            for _ in 0..repeat {
                let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
                d.dispatch(Action::SentBinary {
                    bytes: size,
                    at: now_ms(),
                });
                c.send_bytes(bytes);
            }
        })
    };
    let close = {
        let (d, conn) = (dispatcher.clone(), Rc::clone(&conn));
        Callback::from(move |(code, reason): (u16, String)| {
            let Some(c) = &*conn.borrow() else { return };
            if c.close(code, &reason).is_ok() {
                d.dispatch(Action::Closing { code, at: now_ms() });
            }
        })
    };
    let command = {
        let d = dispatcher.clone();
        Callback::from(move |msg: ClientMsg| {
            let what = match &msg {
                ClientMsg::StartTicker { .. } => Command::StartTicker,
                ClientMsg::StopTicker => Command::StopTicker,
                ClientMsg::SetPing { interval_ms } => Command::SetPing(*interval_ms),
                ClientMsg::CloseMe { code, .. } => Command::AskServerClose(*code),
                ClientMsg::Drop => Command::AskServerDrop,
                // Echo and clock probes have their own callbacks.
                ClientMsg::Echo { .. } | ClientMsg::Clock { .. } => return,
            };
            let at = now_ms();
            if let Some(bytes) = sender(&msg) {
                d.dispatch(Action::SentCommand { what, bytes, at });
            }
        })
    };
    let set_auto_reconnect = {
        let auto = auto.clone();
        Callback::from(move |on| auto.set(on))
    };
    UseWebSocketHandle {
        view: Rc::clone(&state.view),
        connect,
        send_text,
        send_binary,
        close,
        command,
        auto_reconnect: *auto,
        set_auto_reconnect,
    }
}

fn next_seq(counters: &RefCell<Counters>) -> u64 {
    let mut c = counters.borrow_mut();
    c.seq += 1;
    c.seq
}
