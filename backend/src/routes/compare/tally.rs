//! `GET /api/tally?run=`: what the connection layer counted for one of the caller's runs
//! (`protocol::compare::Tally`), once the run's connections have settled (waits up to a
//! second for the last flush or the last WebSocket to end).

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use protocol::compare::{Tally, TallyQuery};

use crate::conn::Observatory;
use crate::error::AppError;
use crate::extract::{ClientKey, Params};

/// How long the tally waits for a run's counts to settle.
const SETTLE_WAIT: Duration = Duration::from_secs(1);

pub(crate) async fn tally(
    State(obs): State<Arc<Observatory>>,
    Params(q): Params<TallyQuery>,
    headers: HeaderMap,
) -> Result<Json<Tally>, AppError> {
    let ClientKey(key) = ClientKey::of(&headers, q.client.as_deref())?;
    let tally = obs
        .tallies
        .get(&key, q.run)
        .ok_or_else(|| AppError::NotFound(format!("run {}", q.run)))?;
    Ok(Json(tally.snapshot(SETTLE_WAIT).await))
}
