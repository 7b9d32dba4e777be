//! Network code, and only network code: fetch and WebSocket through gloo-net.

pub(crate) mod client_key;
pub(crate) mod compare;
pub(crate) mod echo;
pub(crate) mod lab;
pub(crate) mod sse;
pub(crate) mod timing;
pub(crate) mod ws;

/// The page's own origin (`http://host:port`), from `location`.
fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
