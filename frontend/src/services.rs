//! Network code, and only network code: fetch and WebSocket through gloo-net.

pub(crate) mod echo;
pub(crate) mod ws;

/// The page's own origin (`http://host:port`), from `location`.
fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
