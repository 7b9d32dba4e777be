//! The WebSocket lab's controls: connect (with a subprotocol offer, auto-reconnect), send
//! text or binary echoes, the server's ticker and pings, and every way to close. Numbers
//! are checked as typed, against the same caps the server enforces.

use protocol::ClientMsg;
use protocol::lab::parse_bounded;
use protocol::limits::WS_MAX_MESSAGE_BYTES;
use protocol::ws::{
    CLOSE_REASON_MAX_BYTES, PING_MAX_INTERVAL_MS, PING_MIN_INTERVAL_MS, TICKER_MAX_COUNT,
    TICKER_MAX_PAYLOAD_BYTES, TICKER_MAX_RATE_HZ, close_code,
};
use yew::prelude::*;

use super::number_field::number_field;
use super::{bind_field, use_lang};
use crate::i18n::{Key, Lang, bounds_problem};
use crate::model::websocket::Offer;
use crate::model::ws_session::Phase;
use crate::model::ws_settings::WsSettings;

/// Largest text payload: the echo's JSON around it must stay under the message cap.
const TEXT_MAX: u64 = WS_MAX_MESSAGE_BYTES as u64 - 1024;
const REPEAT_MAX: u64 = 100;

#[derive(Properties, PartialEq)]
pub(crate) struct WsLabControlsProps {
    pub(crate) phase: Phase,
    pub(crate) ticker_running: bool,
    pub(crate) auto_reconnect: bool,
    pub(crate) on_connect: Callback<Offer>,
    pub(crate) on_auto_reconnect: Callback<bool>,
    pub(crate) on_send_text: Callback<(String, u32)>,
    pub(crate) on_send_binary: Callback<(usize, u32)>,
    pub(crate) on_command: Callback<ClientMsg>,
    pub(crate) on_close: Callback<(u16, String)>,
    /// The settings the form opens with (the address's); the lab's defaults without.
    #[prop_or_default]
    pub(crate) preset: Option<WsSettings>,
    /// Told the settings as they change (the lab's page keeps them in its address).
    #[prop_or_default]
    pub(crate) on_change: Option<Callback<WsSettings>>,
}

fn checked(lang: Lang, text: &str, min: u64, max: u64) -> (Option<u64>, Option<AttrValue>) {
    match parse_bounded(text, min, max) {
        Ok(v) => (Some(v), None),
        Err(p) => (None, Some(bounds_problem(lang, min, max, p).into())),
    }
}

#[function_component(WsLabControls)]
pub(crate) fn ws_lab_controls(props: &WsLabControlsProps) -> Html {
    let lang = use_lang();
    // One state for the whole form (each `use_state` is a hook of its own in the wasm:
    // ten of them cost ~1 KB gzip more than this one, issue 14).
    let form = use_state(|| props.preset.clone().unwrap_or_default());
    {
        let on_change = props.on_change.clone();
        use_effect_with((*form).clone(), move |current| {
            if let Some(on_change) = on_change {
                on_change.emit(current.clone());
            }
        });
    }
    let f: &WsSettings = &form;
    let text_input = |field: fn(&mut WsSettings) -> &mut String| bind_field(&form, field);

    let open = props.phase == Phase::Open;
    let can_connect = matches!(props.phase, Phase::Idle | Phase::Closed);

    let max_size = if f.binary {
        WS_MAX_MESSAGE_BYTES as u64
    } else {
        TEXT_MAX
    };
    let (size_v, size_e) = checked(lang, &f.size, 0, max_size);
    let (repeat_v, repeat_e) = checked(lang, &f.repeat, 1, REPEAT_MAX);
    let (rate_v, rate_e) = checked(lang, &f.rate, 1, TICKER_MAX_RATE_HZ.into());
    let (count_v, count_e) = checked(lang, &f.count, 1, TICKER_MAX_COUNT.into());
    let (push_v, push_e) = checked(lang, &f.push_bytes, 0, TICKER_MAX_PAYLOAD_BYTES.into());
    let (ping_v, ping_e) = checked(
        lang,
        &f.ping,
        PING_MIN_INTERVAL_MS.into(),
        PING_MAX_INTERVAL_MS.into(),
    );
    let (code_v, code_e) = match parse_bounded(&f.code, 1000, 4999) {
        Ok(c) if close_code::allowed_from_page(c as u16) => (Some(c as u16), None),
        _ => (None, Some(AttrValue::from(lang.t(Key::ws_err_close_code)))),
    };
    let reason_e = (f.reason.len() > CLOSE_REASON_MAX_BYTES).then(|| {
        AttrValue::from(lang.tf(
            Key::ws_err_reason_long,
            &[("max", &CLOSE_REASON_MAX_BYTES.to_string())],
        ))
    });
    let close_ok = code_v.is_some() && reason_e.is_none();

    let on_offer = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            next.offer = match select.value().as_str() {
                "unsupported" => Offer::Unsupported,
                "none" => Offer::Nothing,
                _ => Offer::Duplex,
            };
            form.set(next);
        })
    };
    let on_kind = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            next.binary = select.value() == "binary";
            form.set(next);
        })
    };
    let on_auto = props.on_auto_reconnect.reform(|e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.checked()
    });
    let connect = {
        let (cb, offer) = (props.on_connect.clone(), f.offer);
        Callback::from(move |_: MouseEvent| cb.emit(offer))
    };
    let send = {
        let (text_cb, bin_cb, binary) = (
            props.on_send_text.clone(),
            props.on_send_binary.clone(),
            f.binary,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(size), Some(repeat)) = (size_v, repeat_v) else {
                return;
            };
            if binary {
                bin_cb.emit((size as usize, repeat as u32));
            } else {
                text_cb.emit(("x".repeat(size as usize), repeat as u32));
            }
        })
    };
    let command = |msg: Option<ClientMsg>| {
        let cb = props.on_command.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(m) = msg.clone() {
                cb.emit(m);
            }
        })
    };
    let ticker_msg = match (rate_v, count_v, push_v) {
        (Some(r), Some(c), Some(p)) => Some(ClientMsg::StartTicker {
            rate_hz: r as u32,
            count: c as u32,
            payload_bytes: p as u32,
        }),
        _ => None,
    };
    let ping_msg = ping_v.map(|i| ClientMsg::SetPing {
        interval_ms: i as u32,
    });
    let server_close = code_v.filter(|_| close_ok).map(|code| ClientMsg::CloseMe {
        code,
        reason: f.reason.clone(),
    });
    let page_close = {
        let (cb, reason) = (props.on_close.clone(), f.reason.clone());
        Callback::from(move |_: MouseEvent| {
            if let (Some(code), true) = (code_v, close_ok) {
                cb.emit((code, reason.clone()));
            }
        })
    };

    html! {
        <div class="ws-controls">
            <fieldset class="group">
                <legend>{ lang.t(Key::ws_group_connect) }</legend>
                <label class="field">
                    <span>{ lang.t(Key::ws_offer) }</span>
                    <select data-test="ws-offer" onchange={on_offer}>
                        <option value="duplex" selected={f.offer == Offer::Duplex}>{ protocol::ws::SUBPROTOCOL }</option>
                        <option value="unsupported" selected={f.offer == Offer::Unsupported}>{ lang.t(Key::ws_offer_unsupported) }</option>
                        <option value="none" selected={f.offer == Offer::Nothing}>{ lang.t(Key::ws_offer_none) }</option>
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" data-test="ws-auto" checked={props.auto_reconnect} onchange={on_auto} />
                    { lang.t(Key::ws_auto_reconnect) }
                </label>
                <button class="btn btn-ws-solid btn-primary" type="button" data-test="ws-connect" disabled={!can_connect} onclick={connect}>
                    { lang.t(Key::ws_connect) }
                </button>
            </fieldset>

            <form class="group" onsubmit={send}>
                <fieldset class="group-inner">
                    <legend>{ lang.t(Key::ws_group_send) }</legend>
                    <label class="field">
                        <span>{ lang.t(Key::ws_kind) }</span>
                        <select data-test="ws-kind" onchange={on_kind}>
                            <option value="text" selected={!f.binary}>{ lang.t(Key::ws_kind_text) }</option>
                            <option value="binary" selected={f.binary}>{ lang.t(Key::ws_kind_binary) }</option>
                        </select>
                    </label>
                    { number_field(lang.t(Key::ws_size), "ws-size", f.size.clone(), text_input(|f| &mut f.size), size_e, false) }
                    { number_field(lang.t(Key::ws_repeat), "ws-repeat", f.repeat.clone(), text_input(|f| &mut f.repeat), repeat_e, false) }
                    <button class="btn btn-primary btn-ws-solid" type="submit" data-test="ws-send" disabled={!open || size_v.is_none() || repeat_v.is_none()}>
                        { lang.t(Key::ws_send) }
                    </button>
                </fieldset>
            </form>

            <fieldset class="group">
                <legend>{ lang.t(Key::ws_group_ticker) }</legend>
                { number_field(lang.t(Key::ws_ticker_rate), "ws-rate", f.rate.clone(), text_input(|f| &mut f.rate), rate_e, false) }
                { number_field(lang.t(Key::ws_ticker_count), "ws-count", f.count.clone(), text_input(|f| &mut f.count), count_e, false) }
                { number_field(lang.t(Key::ws_ticker_bytes), "ws-push-bytes", f.push_bytes.clone(), text_input(|f| &mut f.push_bytes), push_e, false) }
                <button class="btn" type="button" data-test="ws-ticker-start" disabled={!open || ticker_msg.is_none()} onclick={command(ticker_msg.clone())}>
                    { lang.t(Key::ws_ticker_start) }
                </button>
                <button class="btn" type="button" data-test="ws-ticker-stop" disabled={!open || !props.ticker_running} onclick={command(Some(ClientMsg::StopTicker))}>
                    { lang.t(Key::ws_ticker_stop) }
                </button>
            </fieldset>

            <fieldset class="group">
                <legend>{ lang.t(Key::ws_group_ping) }</legend>
                { number_field(lang.t(Key::ws_ping_interval), "ws-ping", f.ping.clone(), text_input(|f| &mut f.ping), ping_e, false) }
                <button class="btn" type="button" data-test="ws-ping-set" disabled={!open || ping_msg.is_none()} onclick={command(ping_msg.clone())}>
                    { lang.t(Key::ws_ping_set) }
                </button>
                <button class="btn" type="button" data-test="ws-ping-off" disabled={!open} onclick={command(Some(ClientMsg::SetPing { interval_ms: 0 }))}>
                    { lang.t(Key::ws_ping_off) }
                </button>
                <p class="hint">{ lang.t(Key::ws_ping_hint) }</p>
            </fieldset>

            <fieldset class="group">
                <legend>{ lang.t(Key::ws_group_close) }</legend>
                { number_field(lang.t(Key::ws_close_code), "ws-code", f.code.clone(), text_input(|f| &mut f.code), code_e, false) }
                <label class={classes!("field", reason_e.is_some().then_some("field-bad"))}>
                    <span>{ lang.t(Key::ws_close_reason) }</span>
                    <input data-test="ws-reason" value={f.reason.clone()} oninput={text_input(|f| &mut f.reason)} />
                    <span class="field-error" data-test="ws-reason-error" role="alert">{ reason_e.clone().unwrap_or_default() }</span>
                </label>
                <div class="lab-actions">
                    <button class="btn" type="button" data-test="ws-close" disabled={!open || !close_ok} onclick={page_close}>
                        { lang.t(Key::ws_close_page) }
                    </button>
                    <button class="btn" type="button" data-test="ws-server-close" disabled={!open || server_close.is_none()} onclick={command(server_close.clone())}>
                        { lang.t(Key::ws_close_server) }
                    </button>
                    <button class="btn btn-danger" type="button" data-test="ws-drop" disabled={!open} onclick={command(Some(ClientMsg::Drop))}>
                        { lang.t(Key::ws_drop) }
                    </button>
                </div>
            </fieldset>
        </div>
    }
}
