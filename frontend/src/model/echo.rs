//! The home page's HTTP panel: echo requests sent, in flight, and the recent answers.

use std::rc::Rc;

use protocol::{EchoReply, HttpMethod};
use yew::Reducible;

use super::fetch::FetchState;

/// How many results the panel keeps (newest first).
const KEEP: usize = 8;

/// One finished echo request: its method, what the page measured, and the answer
/// (`Success` or `Failed`; requests in flight are only counted, in
/// [`EchoState::in_flight`]).
#[derive(Debug, Clone, PartialEq)]
pub struct EchoResult {
    pub method: HttpMethod,
    pub status: Option<u16>,
    /// From just before `fetch` to the whole body read, in ms.
    pub round_trip_ms: f64,
    pub fetch: FetchState<EchoReply>,
}

/// The HTTP panel's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EchoState {
    /// Requests in flight.
    pub in_flight: u32,
    /// Newest first, at most [`KEEP`]; numbered from 1 in send order.
    pub results: Rc<Vec<(u32, EchoResult)>>,
    finished: u32,
}

pub enum Action {
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

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use protocol::HttpMethod;
    use yew::Reducible;

    use super::{Action, EchoResult, EchoState, KEEP};
    use crate::model::fetch::{FetchError, FetchState};

    #[test]
    fn keeps_the_newest_results_numbered_in_send_order() {
        let mut s = Rc::new(EchoState::default());
        for _ in 0..KEEP + 2 {
            s = s.reduce(Action::Started);
            s = s.reduce(Action::Finished(EchoResult {
                method: HttpMethod::Get,
                status: None,
                round_trip_ms: 1.0,
                fetch: FetchState::Failed(FetchError::Network),
            }));
        }
        assert_eq!(s.in_flight, 0);
        assert_eq!(s.results.len(), KEEP);
        assert_eq!(s.results[0].0, KEEP as u32 + 2);
    }
}
