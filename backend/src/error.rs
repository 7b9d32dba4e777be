//! One error type for every refused HTTP request, rendered as status + JSON `{code, message}`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use protocol::{ErrorBody, ErrorCode};

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
    #[error("method not allowed on this path")]
    MethodNotAllowed,
    #[error("no such resource: {0}")]
    NotFound(String),
    #[error("bad query string: {0}")]
    BadQuery(String),
    #[error("this endpoint only speaks WebSocket: send an HTTP/1.1 Upgrade request")]
    UpgradeRequired,
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
            Self::PayloadTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
            }
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Self::BadQuery(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadQuery),
            Self::UpgradeRequired => (StatusCode::UPGRADE_REQUIRED, ErrorCode::UpgradeRequired),
            Self::FrontendMissing => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::FrontendMissing),
            Self::Internal => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let body = ErrorBody {
            code,
            message: self.to_string(),
        };
        (status, Json(body)).into_response()
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::UnsupportedMediaType,
            JsonRejection::BytesRejection(_) => Self::PayloadTooLarge {
                what: "the request body",
                limit: protocol::limits::HTTP_MAX_BODY_BYTES,
            },
            // Syntax and data errors: serde's message names the line/column or field,
            // which is useful to the sender and reveals nothing about the server.
            other => Self::MalformedJson(other.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        Self::BadQuery(rejection.body_text())
    }
}
