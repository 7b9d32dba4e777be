//! `GET /api/stats`: the server's own aggregate counts (sessions open, OS threads, runtime
//! workers), read by the "many sessions" widget while its sessions open and close.

use gloo_net::http::Request;
use protocol::stats::{STATS_PATH, ServerStats};

use crate::model::fetch::FetchError;

/// One reading of the server's counts.
pub(crate) async fn fetch() -> Result<ServerStats, FetchError> {
    let url = format!("{}{STATS_PATH}", super::origin());
    match Request::get(&url).send().await {
        Ok(resp) => super::read_json(resp).await,
        Err(_) => Err(FetchError::Network),
    }
}
