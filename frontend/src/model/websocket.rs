//! A WebSocket as the page's models see it: the events a connection reports (each
//! stamped with `performance.now()` where it arrived), the subprotocols a connect offers,
//! and the `/ws` session's state and reducer around [`SessionView`].

use std::rc::Rc;

use protocol::close_code;
use protocol::ws::SUBPROTOCOL;

use super::ws_session::{Command, SessionView};

/// What a connection reports, each stamped with `performance.now()` when the page's task
/// saw it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum WsEvent {
    Opened {
        at: f64,
    },
    Text {
        text: String,
        bytes: usize,
        at: f64,
    },
    Binary {
        bytes: usize,
        at: f64,
    },
    Closed {
        code: u16,
        reason: String,
        clean: bool,
        at: f64,
    },
}

impl WsEvent {
    /// When the page saw it (`performance.now()`, ms).
    pub(crate) fn at(&self) -> f64 {
        match self {
            WsEvent::Opened { at }
            | WsEvent::Text { at, .. }
            | WsEvent::Binary { at, .. }
            | WsEvent::Closed { at, .. } => *at,
        }
    }
}

/// The subprotocols a connect offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Offer {
    /// The one the server speaks.
    #[default]
    Duplex,
    /// Only one the server does not speak: none is chosen.
    Unsupported,
    /// No `Sec-WebSocket-Protocol` header at all.
    Nothing,
}

impl Offer {
    /// The `Sec-WebSocket-Protocol` values offered.
    pub(crate) fn protocols(self) -> &'static [&'static str] {
        match self {
            Offer::Duplex => &[SUBPROTOCOL],
            Offer::Unsupported => &["chat.v9"],
            Offer::Nothing => &[],
        }
    }
}

/// The close a page makes from its Close button when it has no other choice.
pub(crate) fn default_close() -> (u16, String) {
    (close_code::NORMAL, "closed from the page".to_owned())
}

/// The `/ws` session the page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct WsState {
    pub(crate) view: Rc<SessionView>,
    /// Which connection the view describes; events of older ones are ignored.
    generation: u32,
}

pub(crate) enum Action {
    Connecting {
        generation: u32,
        at: f64,
    },
    OpenFailed {
        detail: String,
        at: f64,
    },
    SentEcho {
        seq: u64,
        bytes: usize,
        at: f64,
    },
    SentBinary {
        bytes: usize,
        at: f64,
    },
    SentClock {
        seq: u64,
        unix_us: f64,
    },
    SentCommand {
        what: Command,
        bytes: usize,
        at: f64,
    },
    Closing {
        code: u16,
        at: f64,
    },
    Reconnecting {
        in_ms: u32,
        at: f64,
    },
    /// An event of connection `generation`; `unix_us` is the page's wall clock at its
    /// arrival (for one-way estimates of pushes).
    Event {
        generation: u32,
        event: WsEvent,
        unix_us: f64,
    },
}

impl WsState {
    /// Applies one action (batched: the session changes per message, so it is mutated in
    /// place and drawn once per frame rather than through `Reducible`).
    pub(crate) fn apply(&mut self, action: Action) {
        let view = Rc::make_mut(&mut self.view);
        match action {
            Action::Connecting { generation, at } => {
                self.view = Rc::new(self.view.connecting(at));
                self.generation = generation;
            }
            Action::OpenFailed { detail, at } => view.open_failed(at, detail),
            Action::SentEcho { seq, bytes, at } => view.sent_echo(seq, bytes, at),
            Action::SentBinary { bytes, at } => view.sent_binary(bytes, at),
            Action::SentClock { seq, unix_us } => view.sent_clock(seq, unix_us),
            Action::SentCommand { what, bytes, at } => view.sent_command(what, bytes, at),
            Action::Closing { code, at } => view.closing(code, at),
            Action::Reconnecting { in_ms, at } => view.reconnecting(in_ms, at),
            Action::Event {
                generation,
                event,
                unix_us,
            } => {
                if generation != self.generation {
                    return;
                }
                match event {
                    WsEvent::Opened { at } => view.opened(at),
                    WsEvent::Text { text, at, .. } => view.text(&text, at, unix_us),
                    WsEvent::Binary { bytes, at } => view.binary(bytes, at),
                    WsEvent::Closed {
                        code,
                        reason,
                        clean,
                        at,
                    } => view.closed(code, reason, clean, at),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Action, WsEvent, WsState};
    use crate::model::ws_session::Phase;

    #[test]
    fn events_of_a_replaced_connection_are_ignored() {
        let mut s = WsState::default();
        s.apply(Action::Connecting {
            generation: 1,
            at: 0.0,
        });
        s.apply(Action::Connecting {
            generation: 2,
            at: 1.0,
        });
        let opened = |generation| Action::Event {
            generation,
            event: WsEvent::Opened { at: 2.0 },
            unix_us: 0.0,
        };
        s.apply(opened(1));
        assert_ne!(s.view.phase, Phase::Open);
        s.apply(opened(2));
        assert_eq!(s.view.phase, Phase::Open);
    }
}
