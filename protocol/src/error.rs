//! The JSON error body every refused HTTP request carries, and its machine-readable codes.

use crate::named::named_enum;
use serde::{Deserialize, Serialize};

use crate::lab::LabParam;

named_enum! {
    /// What went wrong, as a closed set: the page picks its translated message by this code,
    /// never by parsing `message`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ErrorCode {
        /// The body was not valid JSON, or JSON of the wrong shape.
        MalformedJson => "malformed_json",
        /// A POST body without `Content-Type: application/json`.
        UnsupportedMediaType => "unsupported_media_type",
        /// The body (or payload) is larger than the documented limit.
        PayloadTooLarge => "payload_too_large",
        /// The body could not be read: a broken chunked encoding, or fewer bytes than its
        /// `Content-Length` before the connection ended.
        BadBody => "bad_body",
        /// The route exists but not with this method.
        MethodNotAllowed => "method_not_allowed",
        /// No such API route or static file.
        NotFound => "not_found",
        /// A query string that does not parse, or names an unknown parameter.
        BadQuery => "bad_query",
        /// A parameter out of its bounds (negative, not a number, too large); `param` says which.
        BadParam => "bad_param",
        /// The client asked for more than its per-minute quota; the `Retry-After` header says
        /// when to try again.
        RateLimited => "rate_limited",
        /// The endpoint serves one page's own runs and feeds: it needs the page's client key
        /// (`x-duplex-client` header or `?client=`).
        MissingClientKey => "missing_client_key",
        /// The client already has as many feeds running (or long polls waiting, or chat rooms
        /// joined) as one client may; end one first.
        TooManyAtOnce => "too_many_at_once",
        /// The chat room has as many members as a room may (`chat::CHAT_MEMBERS_PER_ROOM`).
        RoomFull => "room_full",
        /// The server has as many chat rooms as it keeps (`chat::CHAT_ROOMS`); the
        /// `Retry-After` header says when to try again (an empty room is removed when idle).
        TooManyRooms => "too_many_rooms",
        /// The chat cannot be used for now: this instance cannot reach the store it shares
        /// rooms through (`--chat-redis`); the rest of the server works, and `Retry-After`
        /// says when to try again (503).
        ChatUnavailable => "chat_unavailable",
        /// A chat display name that is empty after trimming, too long, or has a control or
        /// invisible formatting character (`chat::display_name`).
        BadName => "bad_name",
        /// A chat message that is only whitespace.
        EmptyMessage => "empty_message",
        /// `/ws` was requested without a WebSocket upgrade.
        UpgradeRequired => "upgrade_required",
        /// A WebSocket upgrade or a state-changing request from a page on another origin
        /// that this server does not allow (`--allow-origin`).
        ForbiddenOrigin => "forbidden_origin",
        /// The server (or this address) has as many TCP connections open as it allows; the
        /// `Retry-After` header says when to try again.
        TooManyConnections => "too_many_connections",
        /// The server (or this address) has as many WebSocket sessions open as it allows; the
        /// `Retry-After` header says when to try again.
        TooManySessions => "too_many_sessions",
        /// A request head (request line and headers) larger than the server reads, or with
        /// more header lines than it reads (431).
        HeadTooLarge => "head_too_large",
        /// A request target (path and query) longer than the server reads (414).
        UriTooLong => "uri_too_long",
        /// A request head that is not HTTP/1.x: a bad request line, header line, `Content-Length`
        /// or `Transfer-Encoding` (400).
        MalformedRequest => "malformed_request",
        /// The request head, or its body, did not arrive within the server's timeout (408).
        RequestTimeout => "request_timeout",
        /// The front end has not been built (no `dist/`).
        FrontendMissing => "frontend_missing",
        /// A response format the endpoint does not serve (`/oembed?format=xml`: 501).
        UnsupportedFormat => "unsupported_format",
        /// Anything else; details stay in the server log.
        Internal => "internal",
    }
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
