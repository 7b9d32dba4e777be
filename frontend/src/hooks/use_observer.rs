//! `use_observer`: this page's live view of its own TCP connections, over the observer
//! WebSocket (`/ws/observe?client=KEY`), opened on mount and closed on unmount.

use std::rc::Rc;

use protocol::observe::{CLIENT_PARAM, OBSERVE_PATH, ObserveMsg};
use yew::prelude::*;

use crate::hooks::use_batched::use_batched;
use crate::observed::Observed;
use crate::services::ws::{Connection, WsEvent};

/// Whether the live view is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Link {
    #[default]
    Connecting,
    Live,
    /// The observer closed (server restarted, network gone): figures stop updating.
    Lost,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ObserverView {
    pub(crate) link: Link,
    pub(crate) observed: Rc<Observed>,
}

pub(crate) enum Action {
    Ws(WsEvent),
    Clear,
}

impl ObserverView {
    fn apply(&mut self, action: Action) {
        match action {
            Action::Clear => Rc::make_mut(&mut self.observed).clear_closed(),
            Action::Ws(WsEvent::Opened { .. }) => self.link = Link::Live,
            Action::Ws(WsEvent::Closed { .. }) => self.link = Link::Lost,
            Action::Ws(WsEvent::Text { text, at, .. }) => {
                if let Ok(msg) = serde_json::from_str::<ObserveMsg>(&text) {
                    Rc::make_mut(&mut self.observed).apply(msg, at);
                }
            }
            Action::Ws(WsEvent::Binary { .. }) => {}
        }
    }
}

/// Handle returned by [`use_observer`].
#[derive(Clone, PartialEq)]
pub(crate) struct UseObserverHandle {
    pub(crate) view: Rc<ObserverView>,
    /// Forgets closed connections (the lab's "Clear").
    pub(crate) clear: Callback<()>,
}

/// `let obs = use_observer(key); obs.view.observed.conns` — the connections tagged with
/// `key`, live. Events are applied as they arrive and drawn once per animation frame, so
/// a burst of them never stands between the page's own requests and their timestamps.
#[hook]
pub(crate) fn use_observer(client: AttrValue) -> UseObserverHandle {
    let batched = use_batched(ObserverView::default);
    let view = Rc::new(batched.read(Clone::clone));
    {
        let batched = batched.clone();
        use_effect_with(client, move |client| {
            let path = format!("{OBSERVE_PATH}?{CLIENT_PARAM}={client}");
            let events = batched.clone();
            let conn = Connection::open(
                &path,
                &[],
                Callback::from(move |e| events.update(|v| v.apply(Action::Ws(e)))),
            );
            if conn.is_err() {
                batched.update(|v| v.link = Link::Lost);
            }
            move || drop(conn)
        });
    }
    let clear = Callback::from(move |()| batched.update(|v| v.apply(Action::Clear)));
    UseObserverHandle { view, clear }
}
