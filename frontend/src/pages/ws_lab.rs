//! The WebSocket lab: one persistent, two-way session with its whole lifecycle visible —
//! the handshake that starts as HTTP, echoes with round trips, pushes nobody asked for,
//! pings, every kind of close, and its TCP connection as one long bar.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::connections_panel::ConnectionsPanel;
use crate::components::handshake_view::handshake_view;
use crate::components::message_log::MessageLog;
use crate::components::use_lang;
use crate::components::ws_figures::ws_figures;
use crate::components::ws_lab_controls::WsLabControls;
use crate::dom;
use crate::hooks::use_client_key::use_client_key;
use crate::hooks::use_observer::{UseObserverHandle, use_observer};
use crate::hooks::use_url_settings::use_url_settings;
use crate::hooks::use_websocket::{UseWebSocketHandle, use_websocket};
use crate::i18n::{Key, Lang};
use crate::model::ws_log;
use crate::model::ws_session::Dir;
use crate::model::ws_settings::WsSettings;

#[function_component(WsLab)]
pub(crate) fn ws_lab() -> Html {
    let lang = use_lang();
    let key = use_client_key();
    let observer = use_observer(key.clone());
    let ws = use_websocket(key);
    let filter = use_state(|| None::<Dir>);
    let (preset, on_change) = use_url_settings::<WsSettings>();
    view(lang, &ws, &observer, &filter, preset, Some(on_change))
}

/// The lab itself, for the lab's page (its settings from and to the address:
/// `on_change`) and for a lesson that needs it (its own preset, kept nowhere).
pub(crate) fn view(
    lang: Lang,
    ws: &UseWebSocketHandle,
    observer: &UseObserverHandle,
    filter: &UseStateHandle<Option<Dir>>,
    preset: WsSettings,
    on_change: Option<Callback<WsSettings>>,
) -> Html {
    let preset = Some(preset);
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            filter.set(match select.value().as_str() {
                "sent" => Some(Dir::Sent),
                "reply" => Some(Dir::Reply),
                "push" => Some(Dir::Push),
                "event" => Some(Dir::Event),
                _ => None,
            });
        })
    };
    let v = &ws.view;
    // The whole log (not just the filter's lines) as a file, like Compare's runs.
    let download = |json: bool| {
        let log = Rc::clone(&v.log);
        Callback::from(move |_: MouseEvent| {
            let rows = ws_log::records(log.iter());
            if json {
                dom::download(
                    "duplex-ws-lab.json",
                    "application/json",
                    &ws_log::to_json(&rows),
                );
            } else {
                dom::download("duplex-ws-lab.csv", "text/csv", &ws_log::to_csv(&rows));
            }
        })
    };

    html! {
        <main class="lab">
            <section class="panel panel-ws" aria-labelledby="wsl-title">
                <h2 id="wsl-title"><span class="swatch swatch-ws" aria-hidden="true" />{ lang.t(Key::ws_lab_title) }</h2>
                <p class="lead">{ lang.t(Key::ws_lab_lead) }</p>
                { ws_figures(lang, v) }
                <WsLabControls phase={v.phase} ticker_running={v.ticker_running} {preset} {on_change}
                    auto_reconnect={ws.auto_reconnect}
                    on_connect={ws.connect.clone()} on_auto_reconnect={ws.set_auto_reconnect.clone()}
                    on_send_text={ws.send_text.clone()} on_send_binary={ws.send_binary.clone()}
                    on_command={ws.command.clone()} on_close={ws.close.clone()} />
                <p class="hint">{ lang.t(Key::ws_limits) }</p>
            </section>
            <section class="panel panel-neutral" aria-labelledby="wsl-hs">
                <h2 id="wsl-hs">{ lang.t(Key::ws_hs_title) }</h2>
                { handshake_view(lang, v.handshake.as_ref()) }
            </section>
            <ConnectionsPanel view={Rc::clone(&observer.view)} lead={Key::ws_tl_lead} />
            <section class="panel panel-neutral" aria-labelledby="wsl-log">
                <div class="panel-head">
                    <h2 id="wsl-log">{ lang.t(Key::ws_messages) }</h2>
                    <label class="field field-inline">
                        <span>{ lang.t(Key::ws_filter) }</span>
                        <select data-test="ws-filter" onchange={on_filter}>
                            <option value="all" selected={filter.is_none()}>{ lang.t(Key::ws_filter_all) }</option>
                            <option value="sent" selected={**filter == Some(Dir::Sent)}>{ lang.t(Key::ws_dir_sent) }</option>
                            <option value="reply" selected={**filter == Some(Dir::Reply)}>{ lang.t(Key::ws_dir_received) }</option>
                            <option value="push" selected={**filter == Some(Dir::Push)}>{ lang.t(Key::ws_dir_push) }</option>
                            <option value="event" selected={**filter == Some(Dir::Event)}>{ lang.t(Key::ws_dir_event) }</option>
                        </select>
                    </label>
                </div>
                <MessageLog log={Rc::clone(&v.log)} only={**filter} />
                <div class="actions">
                    <button class="btn btn-small" type="button" onclick={download(true)} data-test="ws-download-json"
                            disabled={v.log.is_empty()}>{ lang.t(Key::cmp_download_json) }</button>
                    <button class="btn btn-small" type="button" onclick={download(false)} data-test="ws-download-csv"
                            disabled={v.log.is_empty()}>{ lang.t(Key::cmp_download_csv) }</button>
                </div>
            </section>
        </main>
    }
}
