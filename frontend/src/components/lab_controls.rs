//! The HTTP lab's controls: method, sizes, server delay, keep-alive or close after the
//! response, how many requests and in which order. Each number is checked as it is typed
//! (the same bounds the server enforces) and a refusal is shown next to its field.

use protocol::HttpMethod;
use protocol::lab::{LabParam, ParamProblem};
use yew::prelude::*;

use super::method_select::method_select;
use super::number_field::number_field;
use super::{bind_field, use_lang};
use crate::i18n::Key;
use crate::model::lab::{LabRun, LabSpec};

#[derive(Properties, PartialEq)]
pub(crate) struct LabControlsProps {
    pub(crate) running: bool,
    pub(crate) on_run: Callback<LabRun>,
    pub(crate) on_clear: Callback<()>,
    /// The settings the form opens with (a lesson's, the address's); the lab's defaults
    /// without.
    #[prop_or_default]
    pub(crate) preset: Option<LabRun>,
    /// Told the settings whenever the form holds valid ones (the lab's page keeps them in
    /// its address).
    #[prop_or_default]
    pub(crate) on_change: Option<Callback<LabRun>>,
}

/// The text in each numeric field, as typed.
#[derive(Clone, PartialEq)]
struct Fields {
    request_bytes: String,
    response_bytes: String,
    delay_ms: String,
    count: String,
}

#[function_component(LabControls)]
pub(crate) fn lab_controls(props: &LabControlsProps) -> Html {
    let lang = use_lang();
    let preset = props.preset.clone().unwrap_or(LabRun::DEFAULT);
    let method = use_state(|| preset.spec.method);
    let close = use_state(|| preset.spec.close);
    let parallel = use_state(|| preset.parallel);
    let fields = use_state(|| Fields {
        request_bytes: preset.spec.request_bytes.to_string(),
        response_bytes: preset.spec.response_bytes.to_string(),
        delay_ms: preset.spec.delay_ms.to_string(),
        count: preset.count.to_string(),
    });

    let parsed = |param: LabParam, text: &str| param.parse(text);
    let post = *method == HttpMethod::Post;
    let req = if post {
        parsed(LabParam::RequestBytes, &fields.request_bytes)
    } else {
        Ok(0)
    };
    let resp = parsed(LabParam::ResponseBytes, &fields.response_bytes);
    let delay = parsed(LabParam::DelayMs, &fields.delay_ms);
    let count = parsed(LabParam::Count, &fields.count);
    let valid = req.is_ok() && resp.is_ok() && delay.is_ok() && count.is_ok();
    let current = match (req, resp, delay, count) {
        (Ok(req), Ok(resp), Ok(delay), Ok(count)) => Some(LabRun {
            spec: LabSpec {
                method: *method,
                request_bytes: req,
                response_bytes: resp,
                delay_ms: delay,
                close: *close,
            },
            count: count as u32,
            parallel: *parallel,
        }),
        _ => None,
    };
    {
        let on_change = props.on_change.clone();
        use_effect_with(current.clone(), move |current| {
            if let (Some(on_change), Some(run)) = (on_change, current) {
                on_change.emit(run.clone());
            }
        });
    }

    let on_submit = {
        let on_run = props.on_run.clone();
        let current = current.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(run) = current.clone() {
                on_run.emit(run);
            }
        })
    };
    let set_field = |f: fn(&mut Fields) -> &mut String| bind_field(&fields, f);
    let on_method = {
        let method = method.clone();
        Callback::from(move |m| method.set(m))
    };
    let problem = |param: LabParam, parsed: Result<u64, ParamProblem>| {
        parsed
            .err()
            .map(|p| AttrValue::from(crate::i18n::param_problem(lang, param, p)))
    };
    let radio = |state: &UseStateHandle<bool>, value: bool| {
        let state = state.clone();
        Callback::from(move |_: Event| state.set(value))
    };
    let on_clear = props.on_clear.reform(|_: MouseEvent| ());

    html! {
        <form class="lab-controls" onsubmit={on_submit} novalidate=true>
            <div class="lab-grid">
                { method_select(lang, *method, &on_method, "lab-method", "") }
                { number_field(lang.t(Key::lab_request_bytes), "lab-req", fields.request_bytes.clone(), set_field(|f| &mut f.request_bytes), problem(LabParam::RequestBytes, req), !post) }
                { number_field(lang.t(Key::lab_response_bytes), "lab-resp", fields.response_bytes.clone(), set_field(|f| &mut f.response_bytes), problem(LabParam::ResponseBytes, resp), false) }
                { number_field(lang.t(Key::lab_delay), "lab-delay", fields.delay_ms.clone(), set_field(|f| &mut f.delay_ms), problem(LabParam::DelayMs, delay), false) }
                { number_field(lang.t(Key::lab_count), "lab-count", fields.count.clone(), set_field(|f| &mut f.count), problem(LabParam::Count, count), false) }
            </div>
            <fieldset class="choice">
                <legend>{ lang.t(Key::lab_connection) }</legend>
                <label><input type="radio" name="conn" data-test="lab-keepalive" checked={!*close} onchange={radio(&close, false)} />{ lang.t(Key::lab_keepalive) }</label>
                <label><input type="radio" name="conn" data-test="lab-close" checked={*close} onchange={radio(&close, true)} />{ lang.t(Key::lab_close) }</label>
                <p class="hint">{ lang.t(Key::lab_connection_hint) }</p>
            </fieldset>
            <fieldset class="choice">
                <legend>{ lang.t(Key::lab_order) }</legend>
                <label><input type="radio" name="order" data-test="lab-sequential" checked={!*parallel} onchange={radio(&parallel, false)} />{ lang.t(Key::lab_sequential) }</label>
                <label><input type="radio" name="order" data-test="lab-parallel" checked={*parallel} onchange={radio(&parallel, true)} />{ lang.t(Key::lab_parallel) }</label>
                <p class="hint">{ lang.t(Key::lab_parallel_hint) }</p>
            </fieldset>
            <div class="lab-actions">
                <button class="btn btn-primary" type="submit" data-test="lab-run" disabled={!valid || props.running}>
                    { if props.running { lang.t(Key::lab_running) } else { lang.t(Key::lab_run) } }
                </button>
                <button class="btn" type="button" data-test="lab-clear" onclick={on_clear}>{ lang.t(Key::lab_clear) }</button>
            </div>
        </form>
    }
}
