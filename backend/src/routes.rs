//! HTTP and WebSocket handlers, one module per endpoint, plus the JSON 404/405 fallbacks.
//! A handler adapts HTTP to a domain (`feed`, `race`, `quota`, `conn`, `session`,
//! `echo_ws`, `observe`, `chat`, `stats`) and nothing more: its query comes typed from
//! `protocol` through `crate::extract`, its state is the sub-state it needs, and a
//! WebSocket handler ends with `ws.on_upgrade(move |socket| domain::run(socket, …))` — the
//! loop itself lives in the domain (`crate::ws_loop` says how).

pub(crate) mod chat;
pub(crate) mod compare;
pub(crate) mod echo;
pub(crate) mod echo_ws;
pub(crate) mod health;
pub(crate) mod lab;
pub(crate) mod observe;
pub(crate) mod oembed;
pub(crate) mod stats;
pub(crate) mod ws;

use crate::error::AppError;
use axum::http::{HeaderMap, Uri};
use protocol::lab::HeaderLine;

/// Request or response headers as the wire types carry them (names lower-case, values
/// lossily decoded, credentials redacted to their length).
pub(crate) fn header_lines(headers: &HeaderMap) -> Vec<HeaderLine> {
    headers
        .iter()
        .map(|(name, value)| HeaderLine::new(name.as_str(), value.as_bytes()))
        .collect()
}

/// Unknown `/api/...` paths: JSON 404 rather than the page's `index.html`.
pub(crate) async fn not_found(uri: Uri) -> AppError {
    AppError::NotFound(uri.path().to_owned())
}

/// A known path with the wrong method.
pub(crate) async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
