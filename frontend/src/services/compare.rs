//! The Compare page's network calls: one race round trip over fetch (timed where the whole
//! answer has arrived, before any rendering), the run tally, starting, stopping and
//! polling a feed, and a clock-offset estimate against the server.

use gloo_net::http::{Request, Response};
use protocol::compare::{FEED_PATH, FeedBatch, FeedStarted, RACE_HTTP_PATH, TALLY_PATH, Tally};
use protocol::emulate::{EMU_PARAM, NetModel};
use protocol::observe::CLIENT_HEADER;
use protocol::{EchoReply, ErrorBody};

use crate::clock::{now_ms, unix_us_at};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CallError {
    /// The server refused, with its reason.
    Refused(ErrorBody),
    /// No answer, or one this page does not understand.
    Network,
}

impl From<CallError> for crate::compare::Failure {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Refused(body) => crate::compare::Failure::Refused {
                code: body.code,
                message: body.message,
            },
            CallError::Network => crate::compare::Failure::Network,
        }
    }
}

/// `…&emu=…` for a model that emulates something, else nothing.
pub(crate) fn emu_param(net: NetModel) -> String {
    if net.is_none() {
        String::new()
    } else {
        format!("&{EMU_PARAM}={}", net.to_param())
    }
}

/// The race URL of a run (`close`: the server closes after each answer).
pub(crate) fn race_url(run: u64, close: bool, net: NetModel) -> String {
    format!(
        "{}{RACE_HTTP_PATH}?run={run}{}{}",
        super::origin(),
        if close { "&close=1" } else { "" },
        emu_param(net)
    )
}

async fn refusal(resp: Response) -> CallError {
    match resp.json::<ErrorBody>().await {
        Ok(body) => CallError::Refused(body),
        Err(_) => CallError::Network,
    }
}

/// One race round trip: posts `body` to `url` and reads the whole answer. Returns the
/// `performance.now()` at which the answer was complete.
pub(crate) async fn round_trip(
    url: &str,
    key: &str,
    body: &js_sys::Uint8Array,
) -> Result<f64, CallError> {
    let request = Request::post(url)
        .header(CLIENT_HEADER, key)
        .header("content-type", "application/octet-stream")
        .body(body.clone())
        .map_err(|_| CallError::Network)?;
    let resp = request.send().await.map_err(|_| CallError::Network)?;
    if !resp.ok() {
        return Err(refusal(resp).await);
    }
    resp.binary().await.map_err(|_| CallError::Network)?;
    Ok(now_ms())
}

async fn get_json<T: serde::de::DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, CallError> {
    let resp = request
        .map_err(|_| CallError::Network)?
        .send()
        .await
        .map_err(|_| CallError::Network)?;
    if !resp.ok() {
        return Err(refusal(resp).await);
    }
    resp.json::<T>().await.map_err(|_| CallError::Network)
}

/// What the server counted for `run`.
pub(crate) async fn tally(key: &str, run: u64) -> Result<Tally, CallError> {
    let url = format!("{}{TALLY_PATH}?run={run}", super::origin());
    get_json(Request::get(&url).header(CLIENT_HEADER, key).build()).await
}

/// Starts a feed.
pub(crate) async fn start_feed(key: &str, rate: u64, secs: u64) -> Result<FeedStarted, CallError> {
    let url = format!("{}{FEED_PATH}?rate={rate}&secs={secs}", super::origin());
    get_json(Request::post(&url).header(CLIENT_HEADER, key).build()).await
}

/// Ends a feed early (every reader gets its end).
pub(crate) async fn stop_feed(key: &str, feed: u64) {
    let url = format!("{}{FEED_PATH}?feed={feed}", super::origin());
    if let Ok(r) = Request::delete(&url).header(CLIENT_HEADER, key).build() {
        let _ = r.send().await;
    }
}

/// One poll (`path` is the short- or long-poll path), answered with a batch.
pub(crate) async fn poll(
    path: &str,
    key: &str,
    feed: u64,
    after: u64,
    run: u64,
    net: NetModel,
) -> Result<FeedBatch, CallError> {
    let url = format!(
        "{}{path}?feed={feed}&after={after}&run={run}{}",
        super::origin(),
        emu_param(net)
    );
    get_json(Request::get(&url).header(CLIENT_HEADER, key).build()).await
}

/// The server's clock minus the page's, in µs, from the best of five echo round trips
/// (the one with the shortest round trip; its uncertainty is half that round trip).
/// Not emulated: the offset belongs to the clocks, not the network.
pub(crate) async fn clock_offset_us() -> Option<f64> {
    let url = format!("{}/api/echo", super::origin());
    let mut best: Option<(f64, f64)> = None;
    for _ in 0..5 {
        let t0 = now_ms();
        let reply: Result<EchoReply, _> = get_json(Request::get(&url).build()).await;
        let t1 = now_ms();
        let Ok(reply) = reply else { continue };
        let mid = unix_us_at((t0 + t1) / 2.0);
        let offset = reply.server_received_unix_us as f64 - mid;
        if best.is_none_or(|(rtt, _)| t1 - t0 < rtt) {
            best = Some((t1 - t0, offset));
        }
    }
    best.map(|(_, offset)| offset)
}

/// Whether the page is cross-origin isolated (then `performance.now()` has 5 µs
/// resolution rather than 100 µs).
pub(crate) fn isolated() -> bool {
    // web-sys has no binding for `crossOriginIsolated`; read the property.
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"crossOriginIsolated".into()).ok())
        .is_some_and(|v| v.as_bool() == Some(true))
}

/// Offers `text` as a file download named `name`.
pub(crate) fn download(name: &str, mime: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = anchor {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
