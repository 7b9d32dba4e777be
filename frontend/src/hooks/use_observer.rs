//! `use_observer`: this page's live view of its own TCP connections, over the observer
//! WebSocket (`/ws/observe?client=KEY`), opened on mount and closed on unmount.

use std::rc::Rc;

use protocol::observe::{CLIENT_PARAM, OBSERVE_PATH, ObserveMsg};
use yew::prelude::*;

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

impl Reducible for ObserverView {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Clear => Rc::make_mut(&mut next.observed).clear_closed(),
            Action::Ws(WsEvent::Opened { .. }) => next.link = Link::Live,
            Action::Ws(WsEvent::Closed { .. }) => next.link = Link::Lost,
            Action::Ws(WsEvent::Text { text, at, .. }) => {
                let Ok(msg) = serde_json::from_str::<ObserveMsg>(&text) else {
                    return self;
                };
                Rc::make_mut(&mut next.observed).apply(msg, at);
            }
            Action::Ws(WsEvent::Binary { .. }) => return self,
        }
        Rc::new(next)
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
/// `key`, live.
#[hook]
pub(crate) fn use_observer(client: AttrValue) -> UseObserverHandle {
    let view = use_reducer(ObserverView::default);
    {
        let d = view.dispatcher();
        use_effect_with(client, move |client| {
            let path = format!("{OBSERVE_PATH}?{CLIENT_PARAM}={client}");
            let conn = Connection::open(
                &path,
                &[],
                Callback::from(move |e| d.dispatch(Action::Ws(e))),
            );
            move || drop(conn)
        });
    }
    let clear = {
        let d = view.dispatcher();
        Callback::from(move |()| d.dispatch(Action::Clear))
    };
    UseObserverHandle {
        view: Rc::new((*view).clone()),
        clear,
    }
}
