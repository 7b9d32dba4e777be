//! `GET|POST /api/echo` over fetch, timed with `performance.now()`; and the page's
//! estimate of the server's clock from echo round trips (the server stamps its receipt).

use gloo_net::http::Request;
use protocol::http::ECHO_PATH;
use protocol::query::target;
use protocol::{EchoReply, EchoRequest, HttpMethod};

use crate::clock::{now_ms, unix_us_at};
use crate::model::clock::ClockEstimate;
use crate::model::echo::EchoResult;
use crate::model::fetch::FetchError;

/// Sends one echo request and times it end to end (request out → body in).
pub(crate) async fn send(method: HttpMethod, payload: String) -> EchoResult {
    let origin = super::origin();
    let started = now_ms();
    let request = match method {
        HttpMethod::Get => {
            let path = target(ECHO_PATH, &EchoRequest { payload });
            Request::get(&format!("{origin}{path}")).build()
        }
        HttpMethod::Post => {
            Request::post(&format!("{origin}{ECHO_PATH}")).json(&EchoRequest { payload })
        }
    };
    let response = match request {
        Ok(request) => request.send().await,
        Err(e) => Err(e),
    };
    let (status, answer) = match response {
        Ok(resp) => (Some(resp.status()), super::read_json(resp).await),
        Err(_) => (None, Err(FetchError::Network)),
    };
    EchoResult {
        method,
        status,
        round_trip_ms: now_ms() - started,
        fetch: answer.into(),
    }
}

/// The server's clock against the page's from five `GET /api/echo` round trips (the
/// tightest wins: [`ClockEstimate`]); `None` when none was answered. Not emulated: the
/// offset belongs to the clocks, not the network.
pub(crate) async fn clock_estimate() -> Option<ClockEstimate> {
    let url = format!("{}{ECHO_PATH}", super::origin());
    let mut clock = ClockEstimate::default();
    for _ in 0..5 {
        let t0 = now_ms();
        let Ok(resp) = Request::get(&url).send().await else {
            continue;
        };
        let reply: Result<EchoReply, _> = super::read_json(resp).await;
        let t3 = now_ms();
        if let Ok(reply) = reply {
            let server = reply.server_received_unix_us as f64;
            clock.add(unix_us_at(t0), server, server, unix_us_at(t3));
        }
    }
    (clock.samples > 0).then_some(clock)
}
