//! HTTP pieces the scenarios share (the client key header, this site's `Origin` on
//! state-changing requests, a status check that tells a refusal from a failure, JSON
//! bodies read as `protocol` types) and the HTTP lab scenario: two requests on one
//! keep-alive connection, or one answered with `Connection: close`.

use protocol::lab::{LAB_PATH, LabQuery, LabReply};
use protocol::observe::CLIENT_HEADER;
use protocol::query::target;
use reqwest::{RequestBuilder, Response};
use serde::de::DeserializeOwned;

use crate::churn::Ctx;
use crate::error::{LoadError, unexpected};

/// Padding asked of each lab answer, in bytes.
const LAB_RESPONSE_BYTES: u64 = 512;

/// `GET` of `path_and_query`, with the client's key.
pub(crate) fn get(ctx: &Ctx, path_and_query: &str) -> RequestBuilder {
    ctx.http
        .get(ctx.target.http(path_and_query))
        .header(CLIENT_HEADER, &ctx.key)
}

/// A state-changing request, with the client's key and this site's `Origin` (the
/// server's Origin guard checks both kinds of request a page makes); `fresh`: on a new
/// connection, never a pooled one.
pub(crate) fn changing(
    ctx: &Ctx,
    fresh: bool,
    method: reqwest::Method,
    path_and_query: &str,
) -> RequestBuilder {
    let client = if fresh { &ctx.fresh } else { &ctx.http };
    client
        .request(method, ctx.target.http(path_and_query))
        .header(CLIENT_HEADER, &ctx.key)
        .header("origin", &ctx.target.origin)
}

/// The response if its status is a success; else the refusal or failure it is.
pub(crate) async fn ok(resp: Response) -> Result<Response, LoadError> {
    let status = resp.status();
    if status.is_success() {
        Ok(resp)
    } else {
        let body = resp.bytes().await.unwrap_or_default();
        Err(LoadError::status(status.as_u16(), &body))
    }
}

/// Sends `req` and reads a successful answer's body as `T`.
pub(crate) async fn json<T: DeserializeOwned>(req: RequestBuilder) -> Result<T, LoadError> {
    let body = ok(req.send().await?).await?.bytes().await?;
    Ok(serde_json::from_slice(&body)?)
}

async fn lab_request(ctx: &Ctx, close: bool) -> Result<LabReply, LoadError> {
    let query = LabQuery {
        resp: LAB_RESPONSE_BYTES,
        delay_ms: 0,
        close,
        tag: Some(ctx.next_id().to_string()),
    };
    let reply: LabReply = json(get(ctx, &target(LAB_PATH, &query))).await?;
    if reply.padding.len() as u64 != LAB_RESPONSE_BYTES || reply.close != close {
        return Err(unexpected(format!(
            "lab answered {} bytes of padding, close {}",
            reply.padding.len(),
            reply.close
        )));
    }
    Ok(reply)
}

/// Keep-alive: two requests, the second on the first's connection. `Connection: close`:
/// one request, answered as such (the server then closes that connection).
pub(crate) async fn lab(ctx: &Ctx, close: bool) -> Result<(), LoadError> {
    let first = lab_request(ctx, close).await?;
    if close {
        return Ok(());
    }
    let second = lab_request(ctx, close).await?;
    if second.conn != first.conn || second.request_on_conn != first.request_on_conn + 1 {
        return Err(unexpected(format!(
            "keep-alive: request {} on connection {:?}, then request {} on {:?}",
            first.request_on_conn, first.conn, second.request_on_conn, second.conn
        )));
    }
    Ok(())
}
