//! Middleware: ties each request to its connection record. Reads the page's client key
//! (`x-duplex-client` header, or `?client=` on WebSocket handshakes), tags the connection
//! with it, reports the request and its response, and notes upgrades. Handlers find the
//! connection and request number in the [`OnConn`] extension.
//!
//! Without the connection layer (in-process `oneshot` tests) there is no `ConnectInfo`
//! and the middleware steps aside.

use axum::extract::{ConnectInfo, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use protocol::observe::{CLIENT_HEADER, CLIENT_PARAM, ConnEvent, OBSERVE_PATH, valid_client_key};

use super::listener::ConnHandle;

/// The connection a request came in on and its number there (from 1).
#[derive(Debug, Clone)]
pub(crate) struct OnConn {
    pub(crate) handle: ConnHandle,
    pub(crate) request: u32,
}

pub(crate) async fn observe(mut req: Request, next: Next) -> Response {
    let Some(ConnectInfo(handle)) = req.extensions().get::<ConnectInfo<ConnHandle>>().cloned()
    else {
        return next.run(req).await;
    };
    let record = &handle.0;
    if let Some(key) = client_key(&req) {
        record.tag(&key, req.uri().path() == OBSERVE_PATH);
    }
    let request = record.requests();
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
fn client_key(req: &Request) -> Option<String> {
    let from_header = req
        .headers()
        .get(CLIENT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let key = from_header.or_else(|| {
        req.uri().query()?.split('&').find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            (name == CLIENT_PARAM).then(|| value.to_owned())
        })
    })?;
    valid_client_key(&key).then_some(key)
}
