//! One WebSocket connection to `/ws`: gloo-net's stream and sink, plus the raw
//! `web_sys::WebSocket` handle for what gloo-net does not expose without consuming the
//! socket (closing with a code while still reading the close event, `readyState`).

use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};
use protocol::observe::{OBSERVE_PATH, ObserveQuery, WsQuery};
use protocol::query::target;
use protocol::ws::WS_PATH;
use wasm_bindgen_futures::spawn_local;
use yew::Callback;

use crate::clock::now_ms;
use crate::model::websocket::WsEvent;

/// The address of the page's `/ws` session, tagged with its client key (a WebSocket
/// handshake cannot carry the key's header, so it goes in the query).
pub(crate) fn session_path(client: &str) -> String {
    let query = WsQuery {
        client: Some(client.to_owned()),
    };
    target(WS_PATH, &query)
}

/// The address of the page's observer socket (its own connections, live).
pub(crate) fn observe_path(client: &str) -> String {
    let query = ObserveQuery {
        client: client.to_owned(),
    };
    target(OBSERVE_PATH, &query)
}

/// A live connection. Dropping it closes the socket with 1000.
pub(crate) struct Connection {
    raw: web_sys::WebSocket,
    tx: mpsc::UnboundedSender<Message>,
}

impl Connection {
    /// Starts connecting to `path` on the page's own origin (`/ws`, `/ws/observe?…`),
    /// offering `protocols` as subprotocols; events arrive on `on_event`.
    pub(crate) fn open(
        path: &str,
        protocols: &[&str],
        on_event: Callback<WsEvent>,
    ) -> Result<Self, String> {
        let url = super::origin().replacen("http", "ws", 1) + path;
        let offer: js_sys::Array = protocols
            .iter()
            .map(|p| wasm_bindgen::JsValue::from_str(p))
            .collect();
        let raw = web_sys::WebSocket::new_with_str_sequence(&url, &offer).map_err(describe)?;
        let mut ws = WebSocket::try_from(raw.clone()).map_err(|e| e.to_string())?;
        let (tx, mut rx) = mpsc::unbounded::<Message>();

        let state = raw.clone();
        spawn_local(async move {
            // The unsplit socket's sink becomes ready on the `open` event (or on failure);
            // a split sink would report ready at once, so wait before splitting.
            let ready = futures::future::poll_fn(|cx| ws.poll_ready_unpin(cx)).await;
            if ready.is_ok() && state.ready_state() == web_sys::WebSocket::OPEN {
                on_event.emit(WsEvent::Opened { at: now_ms() });
            }
            let (mut sink, mut stream) = ws.split();
            spawn_local(async move {
                while let Some(msg) = rx.next().await {
                    if sink.send(msg).await.is_err() {
                        break;
                    }
                }
            });
            while let Some(item) = stream.next().await {
                let at = now_ms();
                let event = match item {
                    Ok(Message::Text(text)) => WsEvent::Text {
                        bytes: text.len(),
                        text,
                        at,
                    },
                    Ok(Message::Bytes(b)) => WsEvent::Binary { bytes: b.len(), at },
                    Err(WebSocketError::ConnectionClose(e)) => WsEvent::Closed {
                        code: e.code,
                        reason: e.reason,
                        clean: e.was_clean,
                        at,
                    },
                    // The `error` event carries no detail; the close event follows it.
                    Err(_) => continue,
                };
                on_event.emit(event);
            }
        });
        Ok(Self { raw, tx })
    }

    /// Sends a text frame: handed to the browser at once when the socket is open (so a
    /// send time taken just before is the real one, not delayed by a render), else
    /// queued until it opens.
    pub(crate) fn send_text(&self, text: String) {
        if self.raw.ready_state() == web_sys::WebSocket::OPEN {
            let _ = self.raw.send_with_str(&text);
        } else {
            let _ = self.tx.unbounded_send(Message::Text(text));
        }
    }

    /// Sends a binary frame, like [`Connection::send_text`].
    pub(crate) fn send_bytes(&self, bytes: Vec<u8>) {
        if self.raw.ready_state() == web_sys::WebSocket::OPEN {
            let _ = self.raw.send_with_u8_array(&bytes);
        } else {
            let _ = self.tx.unbounded_send(Message::Bytes(bytes));
        }
    }

    /// Starts the closing handshake with `code` (1000 or 3000–4999) and `reason`.
    pub(crate) fn close(&self, code: u16, reason: &str) -> Result<(), String> {
        self.raw
            .close_with_code_and_reason(code, reason)
            .map_err(describe)
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.raw.ready_state() < web_sys::WebSocket::CLOSING {
            let _ = self
                .raw
                .close_with_code_and_reason(1000, "page closed the session");
        }
    }
}

fn describe(err: wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    err.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}
