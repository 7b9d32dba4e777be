//! The start page: the HTTP panel beside the WebSocket panel.

use yew::prelude::*;

use crate::components::http_panel::HttpPanel;
use crate::components::ws_panel::WsPanel;
use crate::hooks::use_echo::use_echo;
use crate::hooks::use_websocket::use_websocket;

#[function_component(Home)]
pub(crate) fn home() -> Html {
    let echo = use_echo();
    let ws = use_websocket();
    html! {
        <main class="panels">
            <HttpPanel state={echo.state} on_send={echo.send} />
            <WsPanel view={ws.view} on_connect={ws.connect} on_send={ws.send} on_close={ws.close} />
        </main>
    }
}
