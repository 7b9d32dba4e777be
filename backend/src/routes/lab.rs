//! `GET|POST /api/lab`: one configurable request for the HTTP lab.
//!
//! Query: `resp` (response padding bytes), `delay` (server processing ms), `close` (`1`:
//! answer with `Connection: close`, so the server ends the connection after the response),
//! and `n`, a free tag the page uses to make each URL unique. A POST body is read and
//! counted. The reply names the connection and the request's number on it, lists the
//! request headers as the server received them, and carries `Server-Timing: app;dur=…`.

use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use protocol::lab::{LabParam, LabReply};

use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::state::AppState;

/// Longest `n` tag accepted.
const MAX_TAG_LEN: usize = 64;

/// The parsed query.
#[derive(Debug, Default, PartialEq, Eq)]
struct LabQuery {
    resp: u64,
    delay_ms: u64,
    close: bool,
}

fn parse_query(query: Option<&str>) -> Result<LabQuery, AppError> {
    let mut q = LabQuery::default();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let param = match name {
            "resp" => LabParam::ResponseBytes,
            "delay" => LabParam::DelayMs,
            "close" => LabParam::Close,
            "n" if value.len() <= MAX_TAG_LEN => continue,
            "n" => {
                return Err(AppError::BadQuery(format!(
                    "`n` is longer than {MAX_TAG_LEN}"
                )));
            }
            other => {
                return Err(AppError::BadQuery(format!(
                    "unknown parameter `{}` (known: resp, delay, close, n)",
                    other.chars().take(32).collect::<String>()
                )));
            }
        };
        let value = param
            .parse(value)
            .map_err(|problem| AppError::BadParam { param, problem })?;
        match param {
            LabParam::ResponseBytes => q.resp = value,
            LabParam::DelayMs => q.delay_ms = value,
            _ => q.close = value == 1,
        }
    }
    Ok(q)
}

pub(crate) async fn lab(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    on_conn: Option<axum::Extension<OnConn>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let started = Instant::now();
    let body = body.map_err(|_| AppError::LabBodyTooLarge)?;
    let q = parse_query(query.as_deref())?;

    // Quotas per client key, else per peer address.
    let who = super::quota_key(crate::conn::tag::key_of(&headers, None), on_conn.as_deref());
    state
        .quotas
        .lab_requests
        .take(&who, 1)
        .map_err(|wait| AppError::RateLimited {
            what: "lab requests",
            limit: protocol::lab::LAB_REQUESTS_PER_MINUTE,
            unit: "requests",
            retry_after_s: wait.as_secs().max(1),
        })?;
    state
        .quotas
        .lab_bytes
        .take(&who, q.resp)
        .map_err(|wait| AppError::RateLimited {
            what: "lab response bytes",
            limit: protocol::lab::LAB_RESPONSE_BYTES_PER_MINUTE,
            unit: "bytes",
            retry_after_s: wait.as_secs().max(1),
        })?;

    if q.delay_ms > 0 {
        // A timer, never a blocked thread: other requests go on meanwhile.
        tokio::time::sleep(std::time::Duration::from_millis(q.delay_ms)).await;
    }

    let (conn, request_on_conn) = on_conn.map_or((None, 0), |axum::Extension(c)| {
        (Some(c.handle.id()), c.request)
    });
    let request_headers = super::header_lines(&headers);
    let reply = LabReply {
        conn,
        request_on_conn,
        close: q.close,
        request_body_bytes: if method == Method::POST {
            body.len() as u64
        } else {
            0
        },
        delay_ms: q.delay_ms,
        request_headers,
        padding: "x".repeat(q.resp as usize),
    };
    let mut response = Json(reply).into_response();
    let h = response.headers_mut();
    let processing_ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={processing_ms:.3}")) {
        h.insert("server-timing", v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if q.close {
        // hyper sees this header and closes the connection once the response is written.
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::lab::ParamProblem;

    #[test]
    fn query_parsing() {
        assert_eq!(parse_query(None).unwrap(), LabQuery::default());
        assert_eq!(
            parse_query(Some("resp=10&delay=5&close=1&n=abc")).unwrap(),
            LabQuery {
                resp: 10,
                delay_ms: 5,
                close: true
            }
        );
        match parse_query(Some("delay=-1")) {
            Err(AppError::BadParam { param, problem }) => {
                assert_eq!(param, LabParam::DelayMs);
                assert_eq!(problem, ParamProblem::TooSmall);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_query(Some("dealy=5")),
            Err(AppError::BadQuery(_))
        ));
    }
}
