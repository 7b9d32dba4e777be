//! The start page: the HTTP panel beside the WebSocket panel, their forms kept in the
//! address; each alone as an embed.

use yew::prelude::*;

use crate::components::http_panel::HttpPanel;
use crate::components::ws_panel::WsPanel;
use crate::hooks::use_client_key::use_client_key;
use crate::hooks::use_echo::use_echo;
use crate::hooks::use_url_settings::use_url_settings;
use crate::hooks::use_websocket::use_websocket;
use crate::model::basics::{HttpPanelSettings, WsPanelSettings};
use crate::model::websocket::{Offer, default_close};

#[function_component(Home)]
pub(crate) fn home() -> Html {
    html! {
        <main class="panels">
            <HttpBasic />
            <WsBasic />
        </main>
    }
}

/// `/embed/http`: the HTTP panel alone, for a blog post.
#[function_component(HttpEmbed)]
pub(crate) fn http_embed() -> Html {
    html! { <main class="panels panels-one"><HttpBasic /></main> }
}

/// `/embed/ws`: the WebSocket panel alone, for a blog post.
#[function_component(WsEmbed)]
pub(crate) fn ws_embed() -> Html {
    html! { <main class="panels panels-one"><WsBasic /></main> }
}

/// The HTTP panel with its hook.
#[function_component(HttpBasic)]
fn http_basic() -> Html {
    let echo = use_echo();
    let (preset, on_change) = use_url_settings::<HttpPanelSettings>();
    html! { <HttpPanel state={echo.state} on_send={echo.send} preset={Some(preset)} on_change={Some(on_change)} /> }
}

/// The WebSocket panel with its hook.
#[function_component(WsBasic)]
fn ws_basic() -> Html {
    let key = use_client_key();
    let ws = use_websocket(key);
    let on_connect = ws.connect.reform(|()| Offer::Duplex);
    let on_send = ws.send_text.reform(|payload| (payload, 1));
    let on_close = ws.close.reform(|()| default_close());
    let (preset, on_change) = use_url_settings::<WsPanelSettings>();
    html! { <WsPanel view={ws.view} {on_connect} {on_send} {on_close} preset={Some(preset)} on_change={Some(on_change)} /> }
}
