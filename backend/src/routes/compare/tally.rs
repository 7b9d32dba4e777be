//! `GET /api/tally?run=`: what the connection layer counted for one of the caller's runs
//! (`protocol::compare::Tally`), once the run's connections have settled (waits up to a
//! second for the last flush or the last WebSocket to end).

use std::time::Duration;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use protocol::compare::Tally;

use super::query::Query;
use crate::conn::tag::key_of;
use crate::error::AppError;
use crate::state::AppState;

/// How long the tally waits for a run's counts to settle.
const SETTLE_WAIT: Duration = Duration::from_secs(1);

pub(crate) async fn tally(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Tally>, AppError> {
    let q = Query::parse(raw.as_deref(), &["run", "client"])?;
    let run = q.need_id("run")?;
    let key = key_of(&headers, raw.as_deref()).ok_or(AppError::NeedsClientKey)?;
    let tally = state
        .obs
        .tallies
        .get(&key, run)
        .ok_or_else(|| AppError::NotFound(format!("run {run}")))?;
    Ok(Json(tally.snapshot(SETTLE_WAIT).await))
}
