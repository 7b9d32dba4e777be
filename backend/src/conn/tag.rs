//! Ties each request to its connection record ([`arrive`], [`depart`], called by the
//! connection's service, `super::service::ConnService`). Reads the page's client key
//! (`x-duplex-client` header, or `?client=` on WebSocket handshakes) and the run
//! (`?run=`) with `protocol`'s pure functions (`observe::client_key`, `compare::run_id`:
//! the rule the handlers' own decoders follow), tags the connection with the key, reports
//! the request and its response, and notes upgrades. Handlers find the connection and
//! request number in the [`OnConn`] extension.
//!
//! Without the connection layer (in-process `oneshot` tests) nothing calls them and
//! nothing is tagged.

use axum::extract::Request;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use protocol::compare::{TALLY_PATH, run_id};
use protocol::observe::{CLIENT_HEADER, ConnEvent, OBSERVE_PATH, client_key};

use super::listener::ConnHandle;
use super::tally::{HoldGuard, RunTally};

/// The connection a request came in on, its number there (from 1), and the run it named
/// (`?run=<id>` with a client key), whose counters the connection layer keeps.
#[derive(Debug, Clone)]
pub(crate) struct OnConn {
    pub(crate) handle: ConnHandle,
    pub(crate) request: u32,
    pub(crate) tally: Option<Arc<RunTally>>,
}

impl OnConn {
    /// Counts the request as held open in its run's tally while the guard lives (a long
    /// poll, a stream, a WebSocket).
    pub(crate) fn hold(&self) -> Option<HoldGuard> {
        self.tally.as_ref().map(|t| t.hold())
    }
}

/// A request's place on its connection, from [`arrive`] to [`depart`].
#[derive(Debug)]
pub(crate) struct Arrival {
    handle: ConnHandle,
    request: u32,
}

/// The request comes in: tags its connection with the page's client key, counts it (and
/// in its run's tally), reports it, and leaves [`OnConn`] for the handler.
pub(crate) fn arrive(handle: &ConnHandle, req: &mut Request) -> Arrival {
    let record = &handle.0;
    let raw_query = req.uri().query().unwrap_or("");
    // The key and run as the handler's own decoder sees them (`protocol`'s one rule):
    // a query it refuses names neither.
    let header = req
        .headers()
        .get(CLIENT_HEADER)
        .and_then(|v| v.to_str().ok());
    let key = client_key(header, raw_query);
    if let Some(key) = &key {
        record.tag(key, req.uri().path() == OBSERVE_PATH);
    }
    let request = record.requests();
    // The tally endpoint names a run to read it, not to be counted in it.
    let counted = req.uri().path() != TALLY_PATH;
    let run = run_id(raw_query);
    let tally = key.zip(run.filter(|_| counted)).map(|(key, run)| {
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
    Arrival {
        handle: handle.clone(),
        request,
    }
}

/// The response goes out: reports it, and notes an upgrade.
pub(crate) fn depart(arrival: Arrival, response: &Response) {
    let record = &arrival.handle.0;
    let status = response.status().as_u16();
    record.emit(|| ConnEvent::Response {
        conn: record.id,
        request: arrival.request,
        status,
        at_us: record.now_us(),
    });
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        record.mark_upgraded();
    }
}
