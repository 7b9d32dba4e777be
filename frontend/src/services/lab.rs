//! One HTTP lab request to `/api/lab`: sent with the page's client key, timed with
//! `performance.now()`, then matched to its Resource Timing entry by its unique URL.

use gloo_net::http::{Request, Response};
use protocol::lab::{LAB_PATH, LabReply};
use protocol::observe::CLIENT_HEADER;
use protocol::{ErrorBody, ErrorCode, HttpMethod};

use super::timing::{self, Phases};
use crate::clock::now_ms;

/// What one lab request asks for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LabSpec {
    pub(crate) method: HttpMethod,
    pub(crate) request_bytes: u64,
    pub(crate) response_bytes: u64,
    pub(crate) delay_ms: u64,
    pub(crate) close: bool,
}

/// What came back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LabOutcome {
    Reply(Box<LabReply>),
    Refused(ErrorBody),
    Unexpected,
    Network,
}

/// One finished lab request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LabResult {
    pub(crate) status: Option<u16>,
    /// `fetch` called → whole body read, in ms.
    pub(crate) total_ms: f64,
    /// The server's own processing time from `Server-Timing: app;dur=…`.
    pub(crate) server_ms: Option<f64>,
    pub(crate) phases: Option<Phases>,
    pub(crate) response_headers: Vec<(String, String)>,
    pub(crate) outcome: LabOutcome,
}

/// Sends request `n` of run `run` and waits for all of it.
pub(crate) async fn send(spec: &LabSpec, client: &str, run: u32, n: u32) -> LabResult {
    let url = format!(
        "{}{LAB_PATH}?resp={}&delay={}&close={}&n={run}-{n}",
        super::origin(),
        spec.response_bytes,
        spec.delay_ms,
        u8::from(spec.close),
    );
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
            status: None,
            total_ms: now_ms() - started,
            server_ms: None,
            phases: None,
            response_headers: Vec::new(),
            outcome: LabOutcome::Network,
        };
    };
    let status = response.status();
    let response_headers: Vec<(String, String)> = response.headers().entries().collect();
    let server_ms = response
        .headers()
        .get("server-timing")
        .and_then(|h| server_timing(&h));
    let outcome = read(response).await;
    let total_ms = now_ms() - started;
    LabResult {
        status: Some(status),
        total_ms,
        server_ms,
        phases: timing::phases_of(&url),
        response_headers,
        outcome,
    }
}

async fn read(resp: Response) -> LabOutcome {
    if resp.ok() {
        match resp.json::<LabReply>().await {
            Ok(reply) => LabOutcome::Reply(Box::new(reply)),
            Err(_) => LabOutcome::Unexpected,
        }
    } else {
        match resp.json::<ErrorBody>().await {
            Ok(body) => LabOutcome::Refused(body),
            Err(_) => LabOutcome::Unexpected,
        }
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

/// Whether a refusal is the server's quota (so the run stops instead of hammering on).
pub(crate) fn is_rate_limited(outcome: &LabOutcome) -> bool {
    matches!(outcome, LabOutcome::Refused(b) if b.code == ErrorCode::RateLimited)
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
