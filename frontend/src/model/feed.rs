//! The live feed as the Compare page shows it, and how a reader's end is judged: a
//! reader that fails after the page itself stopped the feed ends quietly.

use protocol::emulate::NetModel;

use super::compare::{Failure, FeedSettings, StrategyResult};

/// The feed as the page shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedModel {
    pub running: bool,
    pub results: Vec<StrategyResult>,
    /// Server clock minus page clock, µs (`None`: could not be measured; 0 assumed).
    pub offset_us: Option<f64>,
    pub settings: Option<FeedSettings>,
    pub net: NetModel,
    /// Events the feed emits in all.
    pub total: u64,
    /// Starting the feed failed. Not a `FetchState`: `running` spans the whole feed (clock
    /// probes, the start, every reader, the tallies), not one request, and a feed's
    /// failures are `Failure`s (a WebSocket reader also ends by a close code).
    pub error: Option<Failure>,
}

/// What a strategy's row shows as its error when its reader ended with `outcome`.
///
/// Once the page has stopped the feed (`stopped_by_page`), the server forgets it: a poll
/// sent or in flight then is answered 404 (`not_found`) or aborted by the page, and a
/// stream may drop. None of that is the strategy's failure, so it ends quietly.
pub fn reader_error(stopped_by_page: bool, outcome: Result<(), Failure>) -> Option<Failure> {
    match outcome {
        Ok(()) => None,
        Err(_) if stopped_by_page => None,
        Err(f) => Some(f),
    }
}

#[cfg(test)]
mod tests {
    use protocol::{ErrorBody, ErrorCode};

    use super::reader_error;
    use crate::model::compare::Failure;

    fn not_found() -> Failure {
        Failure::Refused(ErrorBody {
            code: ErrorCode::NotFound,
            message: "no such feed".into(),
            param: None,
        })
    }

    #[test]
    fn after_the_pages_own_stop_a_reader_ends_quietly() {
        // The bug: Stop mid-run showed "The server has no such resource." on short polling.
        assert_eq!(reader_error(true, Err(not_found())), None);
        // An aborted request in flight, or a stream dropped on the way out.
        assert_eq!(reader_error(true, Err(Failure::Network)), None);
        let closed = Failure::Closed {
            code: 1006,
            reason: String::new(),
        };
        assert_eq!(reader_error(true, Err(closed)), None);
        assert_eq!(reader_error(true, Ok(())), None);
    }

    #[test]
    fn without_a_stop_a_failure_is_shown() {
        assert_eq!(reader_error(false, Err(not_found())), Some(not_found()));
        assert_eq!(
            reader_error(false, Err(Failure::Network)),
            Some(Failure::Network)
        );
        assert_eq!(reader_error(false, Ok(())), None);
    }
}
