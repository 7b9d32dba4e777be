//! What can go wrong in one scenario, typed. A refusal the server may give under load
//! (429 over a quota, 503 over a connection cap) is told apart from a failure (anything
//! else: a wrong answer, a broken close handshake, a timeout), because a soak counts the
//! first and fails on the second.

use std::time::Duration;

use tokio_tungstenite::tungstenite;

/// One scenario's failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LoadError {
    /// 429 or 503: the server said "not now", as it may.
    #[error("refused with {status}")]
    Refused { status: u16 },
    /// Any other status where the scenario expected success.
    #[error("status {status}: {body}")]
    Status { status: u16, body: String },
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    /// Boxed: tungstenite's error is large, and this one travels in every `Result`.
    #[error("WebSocket: {0}")]
    Ws(Box<tungstenite::Error>),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("not the expected JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The server answered, but not what the protocol says it should.
    #[error("{0}")]
    Unexpected(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
}

impl LoadError {
    /// Whether this is a refusal (counted apart, not a failure).
    pub(crate) fn is_refusal(&self) -> bool {
        matches!(self, LoadError::Refused { .. })
    }

    /// The error for an HTTP status the scenario did not expect.
    pub(crate) fn status(status: u16, body: &[u8]) -> Self {
        if is_refusal(status) {
            LoadError::Refused { status }
        } else {
            let body = String::from_utf8_lossy(body).chars().take(200).collect();
            LoadError::Status { status, body }
        }
    }
}

/// 429 (a quota) and 503 (a connection cap, or shutting down).
pub(crate) fn is_refusal(status: u16) -> bool {
    status == 429 || status == 503
}

impl From<tungstenite::Error> for LoadError {
    fn from(e: tungstenite::Error) -> Self {
        match e {
            // The handshake got an HTTP answer other than 101.
            tungstenite::Error::Http(resp) => LoadError::status(
                resp.status().as_u16(),
                resp.body().as_deref().unwrap_or_default(),
            ),
            e => LoadError::Ws(Box::new(e)),
        }
    }
}

/// `Unexpected` from anything printable.
pub(crate) fn unexpected(what: impl std::fmt::Display) -> LoadError {
    LoadError::Unexpected(what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_told_apart() {
        assert!(LoadError::status(429, b"").is_refusal());
        assert!(LoadError::status(503, b"").is_refusal());
        assert!(!LoadError::status(500, b"oops").is_refusal());
        assert!(!unexpected("x").is_refusal());
    }
}
