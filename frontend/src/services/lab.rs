//! One HTTP lab request to `/api/lab`: sent with the page's client key, timed with
//! `performance.now()`, then matched to its Resource Timing entry by its unique URL.

use gloo_net::http::Request;
use protocol::HttpMethod;
use protocol::lab::{LAB_PATH, LabQuery};
use protocol::observe::CLIENT_HEADER;
use protocol::query::target;

use super::timing;
use crate::clock::now_ms;
use crate::model::fetch::FetchError;
use crate::model::lab::{LabResult, LabSpec, Measured};

/// Sends request `n` of run `run` and waits for all of it.
pub(crate) async fn send(spec: &LabSpec, client: &str, run: u32, n: u32) -> LabResult {
    let query = LabQuery {
        resp: spec.response_bytes,
        delay_ms: spec.delay_ms,
        close: spec.close,
        // Unique per request, so its Resource Timing entry can be found by URL.
        tag: Some(format!("{run}-{n}")),
    };
    let url = format!("{}{}", super::origin(), target(LAB_PATH, &query));
    let started = now_ms();
    let builder = match spec.method {
        HttpMethod::Get => Request::get(&url),
        HttpMethod::Post => Request::post(&url),
    }
    .header(CLIENT_HEADER, client);
    let request = match spec.method {
        HttpMethod::Get => builder.build(),
        HttpMethod::Post => builder
            .header("content-type", "application/octet-stream")
            .body("x".repeat(spec.request_bytes as usize)),
    };
    let response = match request {
        Ok(r) => r.send().await,
        Err(e) => Err(e),
    };
    let Ok(response) = response else {
        return LabResult {
            measured: Measured {
                status: None,
                total_ms: now_ms() - started,
                server_ms: None,
                phases: None,
                response_headers: Vec::new(),
            },
            answer: Err(FetchError::Network),
        };
    };
    let status = response.status();
    let response_headers: Vec<(String, String)> = response.headers().entries().collect();
    let server_ms = response
        .headers()
        .get("server-timing")
        .and_then(|h| server_timing(&h));
    let answer = super::read_json(response).await.map(Box::new);
    let total_ms = now_ms() - started;
    LabResult {
        measured: Measured {
            status: Some(status),
            total_ms,
            server_ms,
            phases: timing::phases_of(&url),
            response_headers,
        },
        answer,
    }
}

/// The `dur` of the `app` metric in a `Server-Timing` header (`app;dur=12.345`).
pub(crate) fn server_timing(header: &str) -> Option<f64> {
    header.split(',').find_map(|metric| {
        let mut parts = metric.split(';').map(str::trim);
        (parts.next()? == "app").then_some(())?;
        parts.find_map(|p| parse_number(p.strip_prefix("dur=")?))
    })
}

/// A decimal number. In the browser this is JavaScript's `parseFloat`: Rust's own float
/// parser brings a 10 KB lookup table into the wasm (15 KB of the gzip), for one header.
#[cfg(target_arch = "wasm32")]
fn parse_number(text: &str) -> Option<f64> {
    let n = js_sys::parse_float(text);
    n.is_finite().then_some(n)
}

/// Natively (tests) Rust's parser, which agrees on every `dur=` value a server sends.
#[cfg(not(target_arch = "wasm32"))]
fn parse_number(text: &str) -> Option<f64> {
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::server_timing;

    #[test]
    fn reads_server_timing() {
        assert_eq!(server_timing("app;dur=12.5"), Some(12.5));
        assert_eq!(
            server_timing("db;dur=3, app;desc=\"x\";dur=0.250"),
            Some(0.25)
        );
        assert_eq!(server_timing("db;dur=3"), None);
        assert_eq!(server_timing("app"), None);
    }
}
