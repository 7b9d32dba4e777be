//! The WebSocket panel: state, handshake and round-trip figures, Connect / Send / Close,
//! and the message log.

use std::rc::Rc;

use yew::prelude::*;

use super::flow::{FlowKind, flow};
use super::message_log::MessageLog;
use super::metric::metric;
use super::state_badge::state_badge;
use super::{bind_text, use_lang};
use crate::format;
use crate::i18n::Key;
use crate::model::basics::WsPanelSettings;
use crate::model::ws_session::{Phase, SessionView};

#[derive(Properties, PartialEq)]
pub(crate) struct WsPanelProps {
    pub(crate) view: Rc<SessionView>,
    pub(crate) on_connect: Callback<()>,
    pub(crate) on_send: Callback<String>,
    pub(crate) on_close: Callback<()>,
    /// The form's first message (the address's); "hello" without.
    #[prop_or_default]
    pub(crate) preset: Option<WsPanelSettings>,
    /// Told the message as it changes (the page keeps it in its address).
    #[prop_or_default]
    pub(crate) on_change: Option<Callback<WsPanelSettings>>,
}

#[function_component(WsPanel)]
pub(crate) fn ws_panel(props: &WsPanelProps) -> Html {
    let lang = use_lang();
    let init = use_memo((), |_| props.preset.clone().unwrap_or_default());
    let payload = use_state(|| init.message.clone());
    {
        let on_change = props.on_change.clone();
        use_effect_with((*payload).clone(), move |message| {
            if let Some(on_change) = on_change {
                on_change.emit(WsPanelSettings {
                    message: message.clone(),
                });
            }
        });
    }
    let phase = props.view.phase;
    let can_connect = matches!(phase, Phase::Idle | Phase::Closed);
    let open = phase == Phase::Open;

    let on_payload = bind_text(&payload);
    let on_submit = {
        let (payload, on_send) = (payload.clone(), props.on_send.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_send.emit((*payload).clone());
        })
    };
    let on_connect = props.on_connect.reform(|_: MouseEvent| ());
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    let shown = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), format::duration_ms);

    html! {
        <section class="panel panel-ws" aria-labelledby="ws-title">
            <h2 id="ws-title"><span class="swatch swatch-ws" aria-hidden="true" />{ lang.t(Key::ws_title) }</h2>
            <p class="lead">{ lang.t(Key::ws_lead) }</p>
            { flow(lang, FlowKind::WebSocket) }
            <div class="metrics">
                <div class="metric">
                    <span class="metric-label">{ lang.t(Key::ws_state) }</span>
                    { state_badge(lang, phase) }
                </div>
                { metric(lang.t(Key::ws_handshake), shown(props.view.handshake_ms), "ws-handshake", false) }
                { metric(lang.t(Key::ws_last_rtt), shown(props.view.last_rtt_ms), "ws-last-rtt", true) }
            </div>
            <form class="controls" onsubmit={on_submit}>
                <button class="btn btn-ws" type="button" data-test="ws-connect" disabled={!can_connect} onclick={on_connect}>
                    { lang.t(Key::ws_connect) }
                </button>
                <label class="field">
                    <span>{ lang.t(Key::ws_payload) }</span>
                    <input data-test="ws-payload" value={(*payload).clone()} oninput={on_payload} />
                </label>
                <button class="btn btn-primary btn-ws-solid" type="submit" data-test="ws-send" disabled={!open}>
                    { lang.t(Key::ws_send) }
                </button>
                <button class="btn" type="button" data-test="ws-close" disabled={!open} onclick={on_close}>
                    { lang.t(Key::ws_close) }
                </button>
            </form>
            <h3>{ lang.t(Key::ws_messages) }</h3>
            <MessageLog log={Rc::clone(&props.view.log)} />
        </section>
    }
}
