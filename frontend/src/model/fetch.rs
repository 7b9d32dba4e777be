//! One request's life, the same shape for every fetch the page makes (yew's
//! `examples/futures`): not sent, in flight, answered, or failed; and the one reason a
//! fetch fails, whichever endpoint it called.

use protocol::ErrorBody;

/// Where one request is.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum FetchState<T, E = FetchError> {
    /// Not asked for (yet).
    #[default]
    NotFetching,
    /// Sent; the whole answer is not in yet.
    Fetching,
    /// Answered, and the answer understood.
    Success(T),
    /// No usable answer.
    Failed(E),
}

impl<T, E> FetchState<T, E> {
    /// Sent and not finished.
    pub fn is_fetching(&self) -> bool {
        matches!(self, FetchState::Fetching)
    }

    /// How it ended: the answer or the error; `None` while not finished.
    pub fn finished(&self) -> Option<Result<&T, &E>> {
        match self {
            FetchState::Success(t) => Some(Ok(t)),
            FetchState::Failed(e) => Some(Err(e)),
            FetchState::NotFetching | FetchState::Fetching => None,
        }
    }
}

impl<T, E> From<Result<T, E>> for FetchState<T, E> {
    fn from(r: Result<T, E>) -> Self {
        match r {
            Ok(t) => FetchState::Success(t),
            Err(e) => FetchState::Failed(e),
        }
    }
}

/// Why a fetch gave no usable answer.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// The server refused with its JSON error body (translated by its code).
    Refused(ErrorBody),
    /// A status or body this page does not understand.
    Unexpected,
    /// No HTTP response at all (server down, connection refused, aborted…).
    Network,
}

impl FetchError {
    /// Whether the server refused with this code.
    pub fn is(&self, code: protocol::ErrorCode) -> bool {
        matches!(self, FetchError::Refused(b) if b.code == code)
    }
}

#[cfg(test)]
mod tests {
    use protocol::{ErrorBody, ErrorCode};

    use super::{FetchError, FetchState};

    #[test]
    fn a_result_becomes_the_finished_states() {
        let ok: FetchState<u8> = Ok(3).into();
        let refused = FetchError::Refused(ErrorBody {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
            param: None,
        });
        let failed: FetchState<u8> = Err(refused.clone()).into();
        assert_eq!(failed, FetchState::Failed(refused.clone()));
        assert!(refused.is(ErrorCode::RateLimited));
        assert!(!FetchError::Network.is(ErrorCode::RateLimited));
        assert_eq!(ok.finished(), Some(Ok(&3)));
        assert_eq!(failed.finished(), Some(Err(&refused)));
        assert_eq!(FetchState::<u8>::Fetching.finished(), None);
        assert!(FetchState::<u8>::Fetching.is_fetching());
        assert!(!FetchState::<u8>::default().is_fetching());
    }
}
