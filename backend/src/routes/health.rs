//! `GET /healthz`: liveness for xtask, CI and load balancers.

use axum::Json;
use protocol::Health;

pub(crate) async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}
