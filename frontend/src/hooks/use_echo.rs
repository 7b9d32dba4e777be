//! `use_echo`: send echo requests and keep the recent results.

use std::rc::Rc;

use protocol::HttpMethod;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::services::echo::{self, EchoResult};

/// How many results the panel keeps (newest first).
const KEEP: usize = 8;

/// The HTTP panel's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct EchoState {
    /// Requests in flight.
    pub(crate) in_flight: u32,
    /// Newest first, at most [`KEEP`]; numbered from 1 in send order.
    pub(crate) results: Rc<Vec<(u32, EchoResult)>>,
    finished: u32,
}

pub(crate) enum Action {
    Started,
    Finished(EchoResult),
}

impl Reducible for EchoState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Started => next.in_flight += 1,
            Action::Finished(result) => {
                next.in_flight = next.in_flight.saturating_sub(1);
                next.finished += 1;
                let mut results = Vec::with_capacity(KEEP);
                results.push((next.finished, result));
                results.extend(self.results.iter().take(KEEP - 1).cloned());
                next.results = Rc::new(results);
            }
        }
        Rc::new(next)
    }
}

/// Handle returned by [`use_echo`].
#[derive(Clone, PartialEq)]
pub(crate) struct UseEchoHandle {
    pub(crate) state: Rc<EchoState>,
    /// Sends one request with this method and payload.
    pub(crate) send: Callback<(HttpMethod, String)>,
}

/// Echo requests against `/api/echo`, e.g.
/// `let echo = use_echo(); echo.send.emit((HttpMethod::Get, "hi".into()));`
#[hook]
pub(crate) fn use_echo() -> UseEchoHandle {
    let state = use_reducer(EchoState::default);
    let dispatcher = state.dispatcher();
    let send = use_callback(dispatcher, |(method, payload): (HttpMethod, String), d| {
        let d = d.clone();
        d.dispatch(Action::Started);
        spawn_local(async move {
            d.dispatch(Action::Finished(echo::send(method, payload).await));
        });
    });
    UseEchoHandle {
        // Cheap: the result list inside is itself shared.
        state: Rc::new((*state).clone()),
        send,
    }
}
