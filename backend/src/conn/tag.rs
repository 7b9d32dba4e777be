//! Middleware: ties each request to its connection record. Reads the page's client key
//! (`x-duplex-client` header, or `?client=` on WebSocket handshakes), tags the connection
//! with it, reports the request and its response, and notes upgrades. Handlers find the
//! connection and request number in the [`OnConn`] extension.
//!
//! Without the connection layer (in-process `oneshot` tests) there is no `ConnectInfo`
//! and the middleware steps aside.

use axum::extract::{ConnectInfo, Request};
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use protocol::observe::{CLIENT_HEADER, CLIENT_PARAM, ConnEvent, OBSERVE_PATH, valid_client_key};

use protocol::compare::{RUN_PARAM, TALLY_PATH};

use super::listener::ConnHandle;
use super::tally::RunTally;

/// The connection a request came in on, its number there (from 1), and the run it named
/// (`?run=<id>` with a client key), whose counters the connection layer keeps.
#[derive(Debug, Clone)]
pub(crate) struct OnConn {
    pub(crate) handle: ConnHandle,
    pub(crate) request: u32,
    pub(crate) tally: Option<Arc<RunTally>>,
}

pub(crate) async fn observe(mut req: Request, next: Next) -> Response {
    let Some(ConnectInfo(handle)) = req.extensions().get::<ConnectInfo<ConnHandle>>().cloned()
    else {
        return next.run(req).await;
    };
    let record = &handle.0;
    let key = client_key(&req);
    if let Some(key) = &key {
        record.tag(key, req.uri().path() == OBSERVE_PATH);
    }
    let request = record.requests();
    // The tally endpoint names a run to read it, not to be counted in it.
    let counted = req.uri().path() != TALLY_PATH;
    let tally = key.zip(run_of(&req).filter(|_| counted)).map(|(key, run)| {
        let tally = record.observatory().tallies.run(&Arc::from(key), run);
        tally.attach(request == 1);
        record.attach(Arc::clone(&tally));
        tally
    });
    record.emit(|| ConnEvent::Request {
        conn: record.id,
        request,
        method: req.method().as_str().to_owned(),
        path: req.uri().path().to_owned(),
        at_us: record.now_us(),
    });
    req.extensions_mut().insert(OnConn {
        handle: handle.clone(),
        request,
        tally,
    });
    let response = next.run(req).await;
    let record = &handle.0;
    let status = response.status().as_u16();
    record.emit(|| ConnEvent::Response {
        conn: record.id,
        request,
        status,
        at_us: record.now_us(),
    });
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        record.mark_upgraded();
    }
    response
}

/// The client key from the header, else from the query string; `None` when absent or
/// malformed.
pub(crate) fn client_key(req: &Request) -> Option<String> {
    key_of(req.headers(), req.uri().query())
}

/// [`client_key`] from a request's parts.
pub(crate) fn key_of(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    let from_header = headers
        .get(CLIENT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let key = from_header.or_else(|| query_value(query, CLIENT_PARAM).map(str::to_owned))?;
    valid_client_key(&key).then_some(key)
}

/// The first value of `name` in a query string.
pub(crate) fn query_value<'q>(query: Option<&'q str>, name: &str) -> Option<&'q str> {
    query?.split('&').find_map(|pair| {
        let (n, value) = pair.split_once('=')?;
        (n == name).then_some(value)
    })
}

/// The run a request names (`?run=<id>`); a malformed one names none (the handler refuses
/// it).
fn run_of(req: &Request) -> Option<u64> {
    query_value(req.uri().query(), RUN_PARAM)?.parse().ok()
}
