//! `GET|POST /api/echo` over fetch, timed with `performance.now()`.

use gloo_net::http::Request;
use protocol::http::ECHO_PATH;
use protocol::query::target;
use protocol::{EchoRequest, HttpMethod};

use crate::clock::now_ms;
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
