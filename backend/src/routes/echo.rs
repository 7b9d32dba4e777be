//! `GET|POST /api/echo`: the payload back, with the server's receive time and its size.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use protocol::limits::ECHO_MAX_PAYLOAD_BYTES;
use protocol::{EchoReply, EchoRequest, HttpMethod};

use crate::clock::unix_us;
use crate::error::AppError;
use crate::extract::Params;

/// `GET /api/echo?payload=...` (`payload` optional, empty by default).
pub(crate) async fn echo_get(
    query: Result<Params<EchoRequest>, AppError>,
) -> Result<Json<EchoReply>, AppError> {
    let received = unix_us();
    let Params(req) = query?;
    reply(HttpMethod::Get, req, received)
}

/// `POST /api/echo` with a JSON [`EchoRequest`] body.
pub(crate) async fn echo_post(
    body: Result<Json<EchoRequest>, JsonRejection>,
) -> Result<Json<EchoReply>, AppError> {
    let Json(req) = body?;
    // The extractor has read the whole body: this is when the server "has" the request.
    let received = unix_us();
    reply(HttpMethod::Post, req, received)
}

fn reply(method: HttpMethod, req: EchoRequest, received: u64) -> Result<Json<EchoReply>, AppError> {
    if req.payload.len() > ECHO_MAX_PAYLOAD_BYTES {
        return Err(AppError::PayloadTooLarge {
            what: "the payload",
            limit: ECHO_MAX_PAYLOAD_BYTES,
        });
    }
    Ok(Json(EchoReply {
        method,
        payload_bytes: req.payload.len() as u64,
        payload: req.payload,
        server_received_unix_us: received,
    }))
}
