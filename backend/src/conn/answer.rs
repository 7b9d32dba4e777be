//! A whole HTTP/1.1 error response as bytes, for the connection layer's own refusals —
//! the ones made before hyper has a request to answer (a connection past a cap, a request
//! head too large, malformed or too slow). They carry the same JSON `{code, message}` body
//! as every refusal a handler makes, and `connection: close`.

use axum::http::StatusCode;
use protocol::{ErrorBody, ErrorCode};

/// A refusal the connection layer writes itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub code: ErrorCode,
    /// English, as in every `ErrorBody`.
    pub message: String,
    /// Seconds for `Retry-After`, when trying again later may work.
    pub retry_after_s: Option<u64>,
}

impl Refusal {
    pub(crate) fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after_s: None,
        }
    }

    /// The response's bytes: status line, headers, JSON body.
    pub fn to_http(&self) -> Vec<u8> {
        let body = serde_json::to_string(&ErrorBody {
            code: self.code,
            message: self.message.clone(),
            param: None,
        })
        .unwrap_or_default();
        let retry = self
            .retry_after_s
            .map_or_else(String::new, |s| format!("retry-after: {s}\r\n"));
        format!(
            "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\n{retry}connection: close\r\n\
             content-length: {}\r\n\r\n{body}",
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or(""),
            body.len()
        )
        .into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_a_whole_response_with_the_json_body() {
        let mut r = Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::TooManyConnections,
            "full",
        );
        r.retry_after_s = Some(5);
        let text = String::from_utf8(r.to_http()).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
            "{head}"
        );
        assert!(head.contains("\r\nretry-after: 5\r\n"), "{head}");
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let parsed: ErrorBody = serde_json::from_str(body).unwrap();
        assert_eq!(parsed.code, ErrorCode::TooManyConnections);
        assert_eq!(parsed.message, "full");
    }
}
