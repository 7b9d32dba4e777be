//! The HTTP panel: method, payload, "Send request", the latest answer and recent history.

use std::rc::Rc;

use protocol::HttpMethod;
use yew::prelude::*;

use super::flow::{FlowKind, flow};
use super::method_select::method_select;
use super::metric::metric;
use super::{bind_text, use_lang};
use crate::format;
use crate::i18n::{Key, Lang, error_key};
use crate::model::basics::HttpPanelSettings;
use crate::model::echo::{EchoResult, EchoState};
use crate::model::fetch::FetchError;

#[derive(Properties, PartialEq)]
pub(crate) struct HttpPanelProps {
    pub(crate) state: Rc<EchoState>,
    pub(crate) on_send: Callback<(HttpMethod, String)>,
    /// The form's first method and payload (the address's); "GET hello" without.
    #[prop_or_default]
    pub(crate) preset: Option<HttpPanelSettings>,
    /// Told the form's settings as they change (the page keeps them in its address).
    #[prop_or_default]
    pub(crate) on_change: Option<Callback<HttpPanelSettings>>,
}

#[function_component(HttpPanel)]
pub(crate) fn http_panel(props: &HttpPanelProps) -> Html {
    let lang = use_lang();
    let init = use_memo((), |_| props.preset.clone().unwrap_or_default());
    let method = use_state(|| init.method);
    let payload = use_state(|| init.payload.clone());
    {
        let on_change = props.on_change.clone();
        let current = HttpPanelSettings {
            method: *method,
            payload: (*payload).clone(),
        };
        use_effect_with(current, move |current| {
            if let Some(on_change) = on_change {
                on_change.emit(current.clone());
            }
        });
    }

    let on_method = {
        let method = method.clone();
        Callback::from(move |m| method.set(m))
    };
    let on_payload = bind_text(&payload);
    let on_submit = {
        let (method, payload, on_send) = (method.clone(), payload.clone(), props.on_send.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_send.emit((*method, (*payload).clone()));
        })
    };
    let busy = props.state.in_flight > 0;

    html! {
        <section class="panel panel-http" aria-labelledby="http-title">
            <h2 id="http-title"><span class="swatch swatch-http" aria-hidden="true" />{ lang.t(Key::http_title) }</h2>
            <p class="lead">{ lang.t(Key::http_lead) }</p>
            { flow(lang, FlowKind::Http) }
            <form class="controls" onsubmit={on_submit}>
                { method_select(lang, *method, &on_method, "http-method", "field-narrow") }
                <label class="field">
                    <span>{ lang.t(Key::http_payload) }</span>
                    <input data-test="http-payload" value={(*payload).clone()} oninput={on_payload} />
                </label>
                <button class="btn btn-primary btn-http" type="submit" data-test="http-send">
                    { if busy { lang.t(Key::http_sending) } else { lang.t(Key::http_send) } }
                </button>
            </form>
            { latest(lang, props.state.results.first().map(|(_, r)| r)) }
            <h3>{ lang.t(Key::http_history) }</h3>
            { history(lang, &props.state.results) }
        </section>
    }
}

fn latest(lang: Lang, result: Option<&EchoResult>) -> Html {
    let Some(result) = result else {
        return html! { <p class="empty">{ lang.t(Key::http_empty) }</p> };
    };
    let status = result
        .status
        .map_or_else(|| "—".to_owned(), |s| s.to_string());
    // A finished result: always `Some` (see `EchoResult`).
    let Some(answer) = result.fetch.finished() else {
        return html! {};
    };
    let ok = answer.is_ok();
    let detail = match answer {
        Ok(reply) => html! {
            <div class="metrics">
                { metric(lang.t(Key::http_server_bytes), format::bytes(reply.payload_bytes), "http-bytes", false) }
                <div class="metric metric-wide">
                    <span class="metric-label">{ lang.t(Key::http_echoed) }</span>
                    <code class="echoed" data-test="http-echoed">{ &reply.payload }</code>
                </div>
            </div>
        },
        Err(FetchError::Refused(body)) => error(lang.t(error_key(body.code)).to_owned()),
        Err(FetchError::Unexpected) => error(lang.tf(Key::err_unexpected, &[("status", &status)])),
        Err(FetchError::Network) => error(lang.t(Key::err_network).to_owned()),
    };
    html! {
        <div class="result" aria-live="polite">
            <div class="metrics">
                <div class="metric">
                    <span class="metric-label">{ lang.t(Key::http_status) }</span>
                    <span class={classes!("status", if ok { "status-ok" } else { "status-bad" })} data-test="http-status">{ status }</span>
                </div>
                { metric(lang.t(Key::http_round_trip), format::duration_ms(result.round_trip_ms), "http-rtt", true) }
            </div>
            { detail }
        </div>
    }
}

fn error(text: String) -> Html {
    html! { <p class="error" role="alert" data-test="http-error">{ text }</p> }
}

fn history(lang: Lang, results: &[(u32, EchoResult)]) -> Html {
    if results.is_empty() {
        return html! { <p class="empty small">{ lang.t(Key::http_history_empty) }</p> };
    }
    html! {
        <table class="history" data-test="http-history">
            <thead><tr>
                <th>{ "#" }</th>
                <th>{ lang.t(Key::http_method) }</th>
                <th>{ lang.t(Key::http_status) }</th>
                <th class="right">{ lang.t(Key::http_round_trip) }</th>
            </tr></thead>
            <tbody>
                { for results.iter().map(|(n, r)| html! {
                    <tr>
                        <td class="num">{ n }</td>
                        <td>{ if r.method == HttpMethod::Get { "GET" } else { "POST" } }</td>
                        <td class="num">{ r.status.map_or_else(|| "—".to_owned(), |s| s.to_string()) }</td>
                        <td class="num right">{ format::duration_ms(r.round_trip_ms) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
