//! The picture at the top of each panel: who may talk, in which direction.
//! HTTP: one request arrow out, one response arrow back. WebSocket: one open pipe with
//! arrows both ways.
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state.

use yew::prelude::*;

use crate::i18n::{Key, Lang};

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum FlowKind {
    Http,
    WebSocket,
}

/// The client–server figure for `kind`.
pub(crate) fn flow(lang: Lang, kind: FlowKind) -> Html {
    let body = match kind {
        FlowKind::Http => html! {
            <>
                <div class="flow-arrow flow-right">
                    <span class="flow-label">{ lang.t(Key::http_arrow_request) }</span>
                </div>
                <div class="flow-arrow flow-left">
                    <span class="flow-label">{ lang.t(Key::http_arrow_response) }</span>
                </div>
            </>
        },
        FlowKind::WebSocket => html! {
            <div class="flow-pipe">
                <div class="flow-arrow flow-right flow-thin" />
                <span class="flow-label">{ lang.t(Key::ws_arrow_both) }</span>
                <div class="flow-arrow flow-left flow-thin" />
            </div>
        },
    };
    html! {
        <div class="flow" aria-hidden="true">
            <span class="flow-end">{ lang.t(Key::flow_client) }</span>
            <div class="flow-mid">{ body }</div>
            <span class="flow-end">{ lang.t(Key::flow_server) }</span>
        </div>
    }
}
