//! `use_echo`: send echo requests and keep the recent results ([`EchoState`]).

use std::rc::Rc;

use protocol::HttpMethod;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::model::echo::{Action, EchoState};
use crate::services::echo;

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
