//! `GET /api/stats` (`protocol::stats::STATS_PATH`): the server's aggregate counts
//! ([`crate::stats`]), never cached.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::conn::Observatory;
use crate::ws_loop::WsLife;

pub(crate) async fn stats(
    State(life): State<WsLife>,
    State(obs): State<Arc<Observatory>>,
) -> Response {
    let mut response = Json(crate::stats::now(&life.places, &obs)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
