//! The picture at the top of each panel: who may talk, in which direction.
//! HTTP: one request arrow out, one response arrow back. WebSocket: one open pipe with
//! arrows both ways.

use yew::prelude::*;

use super::use_lang;
use crate::i18n::Key;

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum FlowKind {
    Http,
    WebSocket,
}

#[derive(Properties, PartialEq)]
pub(crate) struct FlowProps {
    pub(crate) kind: FlowKind,
}

#[function_component(Flow)]
pub(crate) fn flow(props: &FlowProps) -> Html {
    let lang = use_lang();
    let body = match props.kind {
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
