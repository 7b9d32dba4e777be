//! The labs' live view of the page's own connections: whether the observer socket is
//! connected, and the [`Observed`] model its messages build.

use std::rc::Rc;

use protocol::observe::ObserveMsg;

use super::observed::Observed;
use super::websocket::WsEvent;

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
    /// The socket could not even be opened.
    OpenFailed,
    Clear,
}

impl ObserverView {
    /// Applies one action (batched: mutated in place, drawn once per frame).
    pub(crate) fn apply(&mut self, action: Action) {
        match action {
            Action::Clear => Rc::make_mut(&mut self.observed).clear_closed(),
            Action::OpenFailed => self.link = Link::Lost,
            Action::Ws(WsEvent::Opened { .. }) => self.link = Link::Live,
            Action::Ws(WsEvent::Closed { .. }) => self.link = Link::Lost,
            Action::Ws(WsEvent::Text { text, at, .. }) => {
                if let Some(msg) = crate::wire::decode::<ObserveMsg>(&text) {
                    Rc::make_mut(&mut self.observed).apply(msg, at);
                }
            }
            Action::Ws(WsEvent::Binary { .. }) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Action, Link, ObserverView};
    use crate::model::websocket::WsEvent;

    #[test]
    fn the_link_follows_the_socket() {
        let mut v = ObserverView::default();
        assert_eq!(v.link, Link::Connecting);
        v.apply(Action::Ws(WsEvent::Opened { at: 1.0 }));
        assert_eq!(v.link, Link::Live);
        v.apply(Action::Ws(WsEvent::Text {
            text: "not json".into(),
            bytes: 8,
            at: 2.0,
        }));
        assert_eq!(v.link, Link::Live);
        v.apply(Action::OpenFailed);
        assert_eq!(v.link, Link::Lost);
    }
}
