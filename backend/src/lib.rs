//! The Duplex server as a library: [`app`] builds the whole router from an [`AppState`],
//! so tests can drive it in-process; [`serve`] runs it on a bound `TcpListener` through
//! the connection layer ([`conn`]); `main.rs` only parses flags, binds and waits for
//! Ctrl-C.

mod chat;
mod clock;
pub mod conn;
mod echo_ws;
mod edge;
mod error;
mod extract;
mod feed;
#[doc(hidden)]
pub mod fuzzing;
mod observe;
pub mod origin;
mod quota;
mod race;
mod routes;
mod session;
mod site;
mod state;
mod stats;
mod ws_loop;

pub use chat::ChatLimits;
#[cfg(feature = "chat-redis")]
pub use chat::redis::ChatRedisError;
pub use quota::DEFAULT_CLIENTS_PER_ADDRESS;
pub use state::{AppState, DEFAULT_SHUTDOWN_GRACE};
pub use ws_loop::SessionLimits;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::FromRef;
use axum::routing::{any, get, post};
use protocol::chat::{
    CHAT_LONG_PATH, CHAT_MAX_FRAME_BYTES, CHAT_PATH, CHAT_POLL_PATH, CHAT_SEND_PATH, CHAT_WS_PATH,
};
use protocol::compare::{
    FEED_LONG_PATH, FEED_PATH, FEED_POLL_PATH, FEED_SSE_PATH, FEED_WS_PATH, RACE_HTTP_PATH,
    RACE_MAX_PAYLOAD_BYTES, RACE_WS_PATH, TALLY_PATH,
};
use protocol::http::{ECHO_PATH, HEALTH_PATH};
use protocol::lab::{LAB_MAX_REQUEST_BYTES, LAB_PATH};
use protocol::observe::OBSERVE_PATH;
use protocol::stats::STATS_PATH;
use protocol::ws::{WS_ECHO_PATH, WS_PATH};
use tower_http::trace::TraceLayer;

use conn::ObservedListener;
use routes::compare;

/// Every route Duplex serves. No socket is bound here.
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .route(HEALTH_PATH, get(routes::health::health))
        .route(STATS_PATH, get(routes::stats::stats))
        .route(protocol::oembed::OEMBED_PATH, get(routes::oembed::oembed))
        .route(
            ECHO_PATH,
            get(routes::echo::echo_get).post(routes::echo::echo_post),
        )
        .route(
            LAB_PATH,
            get(routes::lab::lab)
                .post(routes::lab::lab)
                .layer(DefaultBodyLimit::max(LAB_MAX_REQUEST_BYTES as usize)),
        )
        .route(
            RACE_HTTP_PATH,
            post(compare::race::http)
                .layer(DefaultBodyLimit::max(RACE_MAX_PAYLOAD_BYTES as usize + 1)),
        )
        .route(RACE_WS_PATH, get(compare::race::ws))
        .route(TALLY_PATH, get(compare::tally::tally))
        .route(
            FEED_PATH,
            post(compare::feed_http::start).delete(compare::feed_http::stop),
        )
        .route(FEED_POLL_PATH, get(compare::feed_http::poll))
        .route(FEED_LONG_PATH, get(compare::feed_http::long))
        .route(FEED_SSE_PATH, get(compare::feed_http::sse))
        .route(FEED_WS_PATH, get(compare::feed_ws::upgrade))
        .route(
            CHAT_PATH,
            post(routes::chat::join).delete(routes::chat::leave),
        )
        .route(
            CHAT_SEND_PATH,
            post(routes::chat::send).layer(DefaultBodyLimit::max(CHAT_MAX_FRAME_BYTES)),
        )
        .route(CHAT_POLL_PATH, get(routes::chat::poll))
        .route(CHAT_LONG_PATH, get(routes::chat::long))
        .route(CHAT_WS_PATH, get(routes::chat::upgrade))
        .route("/api/{*rest}", any(routes::not_found))
        .route(WS_PATH, get(routes::ws::upgrade))
        .route(WS_ECHO_PATH, get(routes::echo_ws::upgrade))
        .route(OBSERVE_PATH, get(routes::observe::upgrade))
        .method_not_allowed_fallback(routes::method_not_allowed)
        .fallback(site::serve);
    // One `Router::layer` for the three (outermost first): axum boxes each call's layers
    // into a `Route` cloned per request, so one call costs one (`edge.rs`).
    let layers = tower::ServiceBuilder::new()
        .layer(DefaultBodyLimit::max(protocol::limits::HTTP_MAX_BODY_BYTES))
        .layer(edge::EdgeLayer::new(origin::Origins::from_ref(&state)));
    let routes = if request_trace_shows() {
        routes.layer(
            tower::ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                .layer(layers),
        )
    } else {
        routes.layer(layers)
    };
    routes.with_state(state)
}

/// Whether the per-request trace (`tower_http::trace`) would show: its events are DEBUG
/// (`RUST_LOG=tower_http=debug`). Under the default `info` filter it recorded nothing and
/// still cost every request a span, a response classifier and a body wrapper, so `app`
/// leaves it out (ARCHITECTURE.md, "Against bare servers").
fn request_trace_shows() -> bool {
    tracing::enabled!(target: "tower_http::trace", tracing::Level::DEBUG)
}

/// Serves [`app`] on `listener` through the connection layer until `shutdown` resolves,
/// then stops cleanly: cancels `state`'s shutdown token (every WebSocket loop closes with
/// 1001 "server shutting down"), lets axum finish its HTTP connections, and — since axum
/// does not await upgraded sockets (axum#3003) — waits until every WebSocket loop has sent
/// its close frame and finished its bounded drain. Both waits together last at most the
/// shutdown grace period (`AppState::with_shutdown_grace`), counted from the cancel; past
/// it, returns anyway and logs what it cut off.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let token = state.shutdown_token();
    let tasks = state.life.tasks.clone();
    let grace = state.shutdown_grace;
    let listener = ObservedListener::with_limits(
        listener,
        state.observatory(),
        state.conn_limits,
        state.http_timeouts,
    );
    let cancel = token.clone();
    let signal = async move {
        shutdown.await;
        cancel.cancel();
    };
    let mut serving = std::pin::pin!(
        axum::serve(listener, conn::service::MakeConnService::new(app(state)),)
            .with_graceful_shutdown(signal)
            .into_future()
    );
    // The grace period starts when the token is cancelled (by `shutdown` or by anyone).
    let cut_at = tokio::select! {
        served = &mut serving => {
            served?;
            tokio::time::Instant::now() + grace
        }
        () = token.cancelled() => {
            let cut_at = tokio::time::Instant::now() + grace;
            // A client can hold an HTTP connection open (a request head never finished).
            if tokio::time::timeout_at(cut_at, serving).await.is_err() {
                tracing::warn!(
                    "HTTP connections cut off after the {} s shutdown grace period",
                    grace.as_secs_f64()
                );
            }
            cut_at
        }
    };
    tasks.close();
    if !tasks.is_empty() {
        tracing::info!(
            "waiting for {} WebSocket session(s) to close (at most {} s)",
            tasks.len(),
            grace.as_secs_f64()
        );
    }
    if tokio::time::timeout_at(cut_at, tasks.wait()).await.is_err() {
        tracing::warn!(
            "{} WebSocket session(s) cut off after the {} s shutdown grace period",
            tasks.len(),
            grace.as_secs_f64()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use tracing_subscriber::EnvFilter;

    /// The request trace follows the filter it would log through.
    #[test]
    fn the_request_trace_is_installed_only_when_its_events_show() {
        let on = |filter: &str| {
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(EnvFilter::new(filter))
                .with_writer(std::io::sink)
                .finish();
            tracing::subscriber::with_default(subscriber, super::request_trace_shows)
        };
        assert!(!on("info"));
        assert!(!on("warn,tower_http=info"));
        assert!(on("info,tower_http=debug"));
        assert!(on("debug"));
    }
}
