//! The Duplex server as a library: [`app`] builds the whole router from an [`AppState`],
//! so tests can drive it in-process or serve it on `127.0.0.1:0`; `main.rs` only parses
//! flags, binds and waits for Ctrl-C.

mod clock;
mod error;
mod routes;
mod site;
mod state;

pub use state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get};
use tower_http::trace::TraceLayer;

/// Every route Duplex serves. No socket is bound here.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(routes::health::health))
        .route(
            "/api/echo",
            get(routes::echo::echo_get).post(routes::echo::echo_post),
        )
        .route("/api/{*rest}", any(routes::not_found))
        .route("/ws", get(routes::ws::upgrade))
        .method_not_allowed_fallback(routes::method_not_allowed)
        .fallback(site::serve)
        .layer(DefaultBodyLimit::max(protocol::limits::HTTP_MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
