//! The start page: the HTTP panel beside the WebSocket panel.

use yew::prelude::*;

use crate::components::http_panel::HttpPanel;
use crate::components::ws_panel::WsPanel;
use crate::hooks::use_client_key::use_client_key;
use crate::hooks::use_echo::use_echo;
use crate::hooks::use_websocket::use_websocket;
use crate::model::websocket::{Offer, default_close};

#[function_component(Home)]
pub(crate) fn home() -> Html {
    let echo = use_echo();
    let key = use_client_key();
    let ws = use_websocket(key);
    let on_connect = ws.connect.reform(|()| Offer::Duplex);
    let on_send = ws.send_text.reform(|payload| (payload, 1));
    let on_close = ws.close.reform(|()| default_close());
    html! {
        <main class="panels">
            <HttpPanel state={echo.state} on_send={echo.send} />
            <WsPanel view={ws.view} {on_connect} {on_send} {on_close} />
        </main>
    }
}
