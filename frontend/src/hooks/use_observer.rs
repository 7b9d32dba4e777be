//! `use_observer`: this page's live view of its own TCP connections, over the observer
//! WebSocket (`/ws/observe?client=KEY`), opened on mount and closed on unmount.

use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::use_batched::use_batched;
use crate::model::observer::{Action, ObserverView};
use crate::services::ws::{Connection, observe_path};

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
            let path = observe_path(client);
            let events = batched.clone();
            let conn = Connection::open(
                &path,
                &[],
                Callback::from(move |e| events.update(|v| v.apply(Action::Ws(e)))),
            );
            if conn.is_err() {
                batched.update(|v| v.apply(Action::OpenFailed));
            }
            move || drop(conn)
        });
    }
    let clear = Callback::from(move |()| batched.update(|v| v.apply(Action::Clear)));
    UseObserverHandle { view, clear }
}
