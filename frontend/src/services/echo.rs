//! `GET|POST /api/echo` over fetch, timed with `performance.now()`.

use gloo_net::http::{Request, Response};
use protocol::{EchoReply, EchoRequest, ErrorBody, ErrorCode, HttpMethod};

use crate::clock::now_ms;

/// What came back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EchoOutcome {
    Reply(EchoReply),
    /// The server refused with its JSON error body.
    Refused(ErrorCode),
    /// A status or body this page does not understand.
    Unexpected,
    /// No HTTP response at all (server down, connection refused…).
    Network,
}

/// One finished request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EchoResult {
    pub(crate) method: HttpMethod,
    pub(crate) status: Option<u16>,
    /// From just before `fetch` to the whole body read, in ms.
    pub(crate) round_trip_ms: f64,
    pub(crate) outcome: EchoOutcome,
}

/// Sends one echo request and times it end to end (request out → body in).
pub(crate) async fn send(method: HttpMethod, payload: String) -> EchoResult {
    let url = format!("{}/api/echo", super::origin());
    let started = now_ms();
    let request = match method {
        HttpMethod::Get => {
            let q = js_sys::encode_uri_component(&payload);
            Request::get(&format!("{url}?payload={q}")).build()
        }
        HttpMethod::Post => Request::post(&url).json(&EchoRequest { payload }),
    };
    let response = match request {
        Ok(request) => request.send().await,
        Err(e) => Err(e),
    };
    let (status, outcome) = match response {
        Ok(resp) => (Some(resp.status()), read(resp).await),
        Err(_) => (None, EchoOutcome::Network),
    };
    EchoResult {
        method,
        status,
        round_trip_ms: now_ms() - started,
        outcome,
    }
}

async fn read(resp: Response) -> EchoOutcome {
    if resp.ok() {
        match resp.json::<EchoReply>().await {
            Ok(reply) => EchoOutcome::Reply(reply),
            Err(_) => EchoOutcome::Unexpected,
        }
    } else {
        match resp.json::<ErrorBody>().await {
            Ok(body) => EchoOutcome::Refused(body.code),
            Err(_) => EchoOutcome::Unexpected,
        }
    }
}
