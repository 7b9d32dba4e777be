//! The WebSocket handshake for what it is: an HTTP request with `Upgrade: websocket`, and
//! the server's `101 Switching Protocols` answer — both as the server saw them.
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state.

use yew::prelude::*;

use crate::i18n::{Key, Lang, header_value};
use crate::model::ws_session::Handshake;

/// The upgrade request and its `101` answer, once the session has them.
pub(crate) fn handshake_view(lang: Lang, handshake: Option<&Handshake>) -> Html {
    let Some(h) = handshake else {
        return html! { <p class="empty">{ lang.t(Key::ws_handshake_empty) }</p> };
    };
    let list = |lines: &[protocol::lab::HeaderLine], test: &'static str| {
        html! {
            <dl class="headers" data-test={test}>
                { for lines.iter().map(|l| {
                    // The lines that make it a WebSocket handshake stand out.
                    let key = matches!(l.name.as_str(), "upgrade" | "connection" | "sec-websocket-key"
                        | "sec-websocket-accept" | "sec-websocket-version" | "sec-websocket-protocol");
                    html! { <><dt class={classes!(key.then_some("hl"))}>{ &l.name }</dt><dd class={classes!(key.then_some("hl"))}>{ header_value(lang, l) }</dd></> }
                }) }
            </dl>
        }
    };
    let chosen = h
        .subprotocol
        .clone()
        .unwrap_or_else(|| lang.t(Key::ws_subprotocol_none).to_owned());
    html! {
        <div class="handshake" data-test="ws-handshake-view">
            <div class="detail-cols">
                <div>
                    <h4><span class="hs-step">{ "1" }</span>{ lang.t(Key::ws_hs_request) }</h4>
                    <p class="hs-line num">{ "GET /ws HTTP/1.1" }</p>
                    { list(&h.request_headers, "ws-hs-request") }
                </div>
                <div>
                    <h4><span class="hs-step">{ "2" }</span>{ lang.t(Key::ws_hs_response) }</h4>
                    <p class="hs-line num" data-test="ws-hs-status">{ "HTTP/1.1 101 Switching Protocols" }</p>
                    { list(&h.response_headers, "ws-hs-response") }
                </div>
            </div>
            <p class="hint">
                { lang.tf(Key::ws_hs_after, &[("conn", &h.conn.map_or_else(|| "—".to_owned(), |c| format!("#{c}")))]) }
                { " " }
                <span data-test="ws-subprotocol">{ lang.tf(Key::ws_subprotocol_chosen, &[("name", &chosen)]) }</span>
            </p>
        </div>
    }
}
