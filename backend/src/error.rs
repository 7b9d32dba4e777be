//! One error type for every refused HTTP request, rendered as status + JSON `{code, message}`.

use axum::Json;
use axum::extract::rejection::BytesRejection;
use axum::extract::rejection::JsonRejection;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use protocol::lab::{LabParam, ParamProblem};
use protocol::query::QueryError;
use protocol::{ErrorBody, ErrorCode};

use crate::chat::ChatError;
use crate::feed::FeedError;
use crate::quota::RateLimited;
use crate::race::RaceError;

/// Why a request was refused. `Display` is the English message sent to the client; it never
/// includes internals (those go to the log).
#[derive(Debug, thiserror::Error)]
pub(crate) enum AppError {
    #[error("malformed JSON body: {0}")]
    MalformedJson(String),
    #[error("expected a request with `Content-Type: application/json`")]
    UnsupportedMediaType,
    #[error("{what} is larger than the {limit}-byte limit")]
    PayloadTooLarge { what: &'static str, limit: usize },
    #[error("the request body could not be read: {0}")]
    BadBody(String),
    #[error("the request body did not arrive in time (the server's --body-timeout-secs)")]
    BodyTimeout,
    #[error(
        "the lab request body is larger than the {}-byte limit",
        protocol::lab::LAB_MAX_REQUEST_BYTES
    )]
    LabBodyTooLarge,
    #[error("{}", param.message(*problem))]
    BadParam {
        param: LabParam,
        problem: ParamProblem,
    },
    #[error(transparent)]
    RateLimited(#[from] RateLimited),
    #[error("this endpoint needs the page's client key (`x-duplex-client` header or `?client=`)")]
    NeedsClientKey,
    #[error(
        "this {scope} already runs as many feeds as one {scope} may run at once ({n} per client)",
        scope = if *.0 { "address" } else { "client" },
        n = protocol::compare::FEEDS_PER_CLIENT
    )]
    TooManyFeeds(bool),
    #[error(
        "this {scope} already has as many long polls waiting as one {scope} may ({n} per client)",
        scope = if *.0 { "address" } else { "client" },
        n = protocol::compare::LONG_POLLS_PER_CLIENT
    )]
    TooManyLongPolls(bool),
    #[error("method not allowed on this path")]
    MethodNotAllowed,
    #[error("no such resource: {0}")]
    NotFound(String),
    #[error("bad query string: {0}")]
    BadQuery(String),
    #[error("this endpoint only speaks WebSocket: send an HTTP/1.1 Upgrade request")]
    UpgradeRequired,
    #[error("requests from the origin {0} are not allowed here (the server's --allow-origin)")]
    ForbiddenOrigin(String),
    #[error("{}", if *.0 {
        "the server has as many WebSocket sessions open as it allows"
    } else {
        "this address has as many WebSocket sessions open as one address may"
    })]
    TooManySessions(bool),
    #[error(transparent)]
    Chat(#[from] ChatError),
    #[error(transparent)]
    OEmbed(#[from] crate::site::oembed::OEmbedError),
    #[error("the front end has not been built; run `cargo xtask serve`")]
    FrontendMissing,
    #[error("internal error")]
    Internal,
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            Self::MalformedJson(_) => (StatusCode::BAD_REQUEST, ErrorCode::MalformedJson),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
            ),
            Self::PayloadTooLarge { .. } | Self::LabBodyTooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
            }
            Self::BadParam { .. } => (StatusCode::BAD_REQUEST, ErrorCode::BadParam),
            Self::BadBody(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadBody),
            Self::BodyTimeout => (StatusCode::REQUEST_TIMEOUT, ErrorCode::RequestTimeout),
            Self::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            Self::NeedsClientKey => (StatusCode::BAD_REQUEST, ErrorCode::MissingClientKey),
            Self::TooManyFeeds(_) | Self::TooManyLongPolls(_) => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAtOnce)
            }
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Self::BadQuery(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadQuery),
            Self::UpgradeRequired => (StatusCode::UPGRADE_REQUIRED, ErrorCode::UpgradeRequired),
            Self::ForbiddenOrigin(_) => (StatusCode::FORBIDDEN, ErrorCode::ForbiddenOrigin),
            Self::FrontendMissing => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::FrontendMissing),
            Self::TooManySessions(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::TooManySessions)
            }
            Self::Internal => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
            Self::OEmbed(e) => {
                use crate::site::oembed::OEmbedError as E;
                match e {
                    E::MissingUrl | E::NotANumber(_) => {
                        (StatusCode::BAD_REQUEST, ErrorCode::BadQuery)
                    }
                    // The spec's answer for a URL the provider has no embed for.
                    E::NotThisSite(_) | E::NoEmbed | E::TooSmall => {
                        (StatusCode::NOT_FOUND, ErrorCode::NotFound)
                    }
                    E::Format(_) => (StatusCode::NOT_IMPLEMENTED, ErrorCode::UnsupportedFormat),
                }
            }
            Self::Chat(e) => match e {
                ChatError::BadName(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadName),
                ChatError::TooLong => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
                ChatError::Empty => (StatusCode::BAD_REQUEST, ErrorCode::EmptyMessage),
                ChatError::RoomFull(_) => (StatusCode::CONFLICT, ErrorCode::RoomFull),
                ChatError::TooManyRooms(_) => {
                    (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::TooManyRooms)
                }
                ChatError::TooManyRoomsForClient { .. } | ChatError::TooManyLongPolls(_) => {
                    (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAtOnce)
                }
                ChatError::TooFast { .. } | ChatError::RateLimited(_) => {
                    (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
                }
                ChatError::NotMember(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
                // No code of its own yet (the page would need its words): 503 says "later".
                ChatError::Unavailable => {
                    (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::ChatUnavailable)
                }
            },
        }
    }
}

impl AppError {
    fn param(&self) -> Option<LabParam> {
        match self {
            Self::BadParam { param, .. } => Some(*param),
            Self::LabBodyTooLarge => Some(LabParam::RequestBytes),
            _ => None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let retry_after = match &self {
            Self::RateLimited(r) => Some(r.retry_after_s),
            Self::TooManySessions(_) => Some(5),
            Self::Chat(ChatError::RateLimited(r)) => Some(r.retry_after_s),
            Self::Chat(ChatError::TooFast { retry_after, .. }) => {
                Some(retry_after.as_secs_f64().ceil().max(1.0) as u64)
            }
            // An empty room goes after minutes of quiet; a minute is a fair first retry.
            Self::Chat(ChatError::TooManyRooms(_)) => Some(60),
            Self::Chat(ChatError::Unavailable) => Some(5),
            _ => None,
        };
        let body = ErrorBody {
            code,
            message: self.to_string(),
            param: self.param(),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(s) = retry_after {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(s));
        }
        response
    }
}

impl AppError {
    /// A body that could not be read: `too_large` when it went over its limit (413), else
    /// [`AppError::BadBody`] — a broken chunked encoding or a body cut short is not "too
    /// large", whatever the buffering error says.
    pub(crate) fn from_body(rejection: &BytesRejection, too_large: AppError) -> AppError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large
        } else if timed_out(rejection) {
            // The connection layer's body deadline (`conn/guard.rs`) ended the read.
            AppError::BodyTimeout
        } else {
            AppError::BadBody(rejection.body_text())
        }
    }
}

/// Whether an `io::Error` of kind `TimedOut` is somewhere in `error`'s sources.
fn timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut at = Some(error);
    while let Some(e) = at {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        at = e.source();
    }
    false
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::UnsupportedMediaType,
            JsonRejection::BytesRejection(r) => Self::from_body(
                &r,
                Self::PayloadTooLarge {
                    what: "the request body",
                    limit: protocol::limits::HTTP_MAX_BODY_BYTES,
                },
            ),
            // Syntax and data errors: serde's message names the line/column or field,
            // which is useful to the sender and reveals nothing about the server.
            other => Self::MalformedJson(other.body_text()),
        }
    }
}

impl From<QueryError> for AppError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::Param { param, problem } => Self::BadParam { param, problem },
            other => Self::BadQuery(other.to_string()),
        }
    }
}

impl From<FeedError> for AppError {
    fn from(e: FeedError) -> Self {
        match e {
            FeedError::TooManyFeeds(a) => Self::TooManyFeeds(a),
            FeedError::TooManyLongPolls(a) => Self::TooManyLongPolls(a),
            FeedError::NotFound(id) => Self::NotFound(format!("feed {id}")),
            FeedError::RateLimited(r) => Self::RateLimited(r),
        }
    }
}

impl From<RaceError> for AppError {
    fn from(e: RaceError) -> Self {
        match e {
            RaceError::PayloadTooLarge => Self::BadParam {
                param: LabParam::PayloadBytes,
                problem: ParamProblem::TooLarge,
            },
            RaceError::RateLimited(r) => Self::RateLimited(r),
        }
    }
}
