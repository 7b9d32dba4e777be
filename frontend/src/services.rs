//! Network code, and only network code: fetch, `EventSource` and WebSocket through
//! gloo-net, and every wire address the page uses (paths, query strings, the client key).
//! Services fill the `model` types; hooks call them, pages and components never do.

use gloo_net::http::Response;
use protocol::ErrorBody;

use crate::model::fetch::FetchError;

pub(crate) mod chat;
pub(crate) mod client_key;
pub(crate) mod compare;
pub(crate) mod echo;
pub(crate) mod lab;
pub(crate) mod lessons;
pub(crate) mod locale;
pub(crate) mod sse;
pub(crate) mod stats;
pub(crate) mod timing;
pub(crate) mod ws;

/// The page's own origin (`http://host:port`), from `location`.
fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// A 2xx answer's JSON body, or why there is none.
async fn read_json<T: serde::de::DeserializeOwned>(resp: Response) -> Result<T, FetchError> {
    if resp.ok() {
        body(&resp).await.ok_or(FetchError::Unexpected)
    } else {
        Err(refusal(resp).await)
    }
}

/// A 4xx/5xx answer: the server's error body, if it sent one this page understands.
async fn refusal(resp: Response) -> FetchError {
    match body::<ErrorBody>(&resp).await {
        Some(body) => FetchError::Refused(body),
        None => FetchError::Unexpected,
    }
}

/// The body as JSON, parsed by the browser and read by serde (`wire`).
async fn body<T: serde::de::DeserializeOwned>(resp: &Response) -> Option<T> {
    crate::wire::decode(&resp.text().await.ok()?)
}
