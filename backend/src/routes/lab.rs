//! `GET|POST /api/lab`: one configurable request for the HTTP lab.
//!
//! Query (`protocol::lab::LabQuery`): `resp` (response padding bytes), `delay` (server
//! processing ms), `close` (`1`: answer with `Connection: close`, so the server ends the
//! connection after the response), and `n`, a free tag the page uses to make each URL
//! unique. A POST body is read and
//! counted. The reply names the connection and the request's number on it, lists the
//! request headers as the server received them, and carries `Server-Timing: app;dur=…`.

use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use protocol::lab::{LabQuery, LabReply};

use crate::conn::tag::OnConn;
use crate::error::AppError;
use crate::extract::{Params, Who};
use crate::quota::LabQuotas;

pub(crate) async fn lab(
    State(quotas): State<LabQuotas>,
    method: Method,
    headers: HeaderMap,
    query: Result<Params<LabQuery>, AppError>,
    on_conn: Option<axum::Extension<OnConn>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let started = Instant::now();
    // A body over the limit is refused before a bad query, as it always was.
    let body = body.map_err(|r| AppError::from_body(&r, AppError::LabBodyTooLarge))?;
    let Params(q) = query?;
    // `LabQuery` takes no `client`: the header, else the peer.
    let who = Who::of(&headers, None, on_conn.as_deref());

    // Quotas per client key (else per peer address), under the address's ceiling.
    quotas.requests.take(&who, 1)?;
    quotas.response_bytes.take(&who, q.resp)?;

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
