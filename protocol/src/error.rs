//! The JSON error body every refused HTTP request carries, and its machine-readable codes.

use serde::{Deserialize, Serialize};

use crate::lab::LabParam;

/// What went wrong, as a closed set: the page picks its translated message by this code,
/// never by parsing `message`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body was not valid JSON, or JSON of the wrong shape.
    MalformedJson,
    /// A POST body without `Content-Type: application/json`.
    UnsupportedMediaType,
    /// The body (or payload) is larger than the documented limit.
    PayloadTooLarge,
    /// The body could not be read: a broken chunked encoding, or fewer bytes than its
    /// `Content-Length` before the connection ended.
    BadBody,
    /// The route exists but not with this method.
    MethodNotAllowed,
    /// No such API route or static file.
    NotFound,
    /// A query string that does not parse, or names an unknown parameter.
    BadQuery,
    /// A parameter out of its bounds (negative, not a number, too large); `param` says which.
    BadParam,
    /// The client asked for more than its per-minute quota; the `Retry-After` header says
    /// when to try again.
    RateLimited,
    /// The endpoint serves one page's own runs and feeds: it needs the page's client key
    /// (`x-duplex-client` header or `?client=`).
    MissingClientKey,
    /// The client already has as many feeds running (or long polls waiting, or chat rooms
    /// joined) as one client may; end one first.
    TooManyAtOnce,
    /// The chat room has as many members as a room may (`chat::CHAT_MEMBERS_PER_ROOM`).
    RoomFull,
    /// The server has as many chat rooms as it keeps (`chat::CHAT_ROOMS`); the
    /// `Retry-After` header says when to try again (an empty room is removed when idle).
    TooManyRooms,
    /// The chat cannot be used for now: this instance cannot reach the store it shares
    /// rooms through (`--chat-redis`); the rest of the server works, and `Retry-After`
    /// says when to try again (503).
    ChatUnavailable,
    /// A chat display name that is empty after trimming, too long, or has a control or
    /// invisible formatting character (`chat::display_name`).
    BadName,
    /// A chat message that is only whitespace.
    EmptyMessage,
    /// `/ws` was requested without a WebSocket upgrade.
    UpgradeRequired,
    /// A WebSocket upgrade or a state-changing request from a page on another origin
    /// that this server does not allow (`--allow-origin`).
    ForbiddenOrigin,
    /// The server (or this address) has as many TCP connections open as it allows; the
    /// `Retry-After` header says when to try again.
    TooManyConnections,
    /// The server (or this address) has as many WebSocket sessions open as it allows; the
    /// `Retry-After` header says when to try again.
    TooManySessions,
    /// A request head (request line and headers) larger than the server reads, or with
    /// more header lines than it reads (431).
    HeadTooLarge,
    /// A request target (path and query) longer than the server reads (414).
    UriTooLong,
    /// A request head that is not HTTP/1.x: a bad request line, header line, `Content-Length`
    /// or `Transfer-Encoding` (400).
    MalformedRequest,
    /// The request head, or its body, did not arrive within the server's timeout (408).
    RequestTimeout,
    /// The front end has not been built (no `dist/`).
    FrontendMissing,
    /// A response format the endpoint does not serve (`/oembed?format=xml`: 501).
    UnsupportedFormat,
    /// Anything else; details stay in the server log.
    Internal,
}

/// `{ "code": ..., "message": ... }`: the body of every 4xx/5xx the API sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// English, for people reading logs or curl output; the page translates by `code`.
    pub message: String,
    /// The parameter at fault, when there is one (the page shows the error beside it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<LabParam>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_on_the_wire() {
        let body = ErrorBody {
            code: ErrorCode::PayloadTooLarge,
            message: "too big".into(),
            param: None,
        };
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(json, r#"{"code":"payload_too_large","message":"too big"}"#);
        let back: ErrorBody = serde_json::from_str(&json).unwrap();
        assert_eq!(back, body);
    }
}
