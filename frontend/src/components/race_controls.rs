//! The race's settings (round trips, payload, in flight, contenders), Run and Cancel, and
//! the progress bar.
//!
//! A plain function taking its settings as a struct, not a component: every
//! `#[function_component]` costs ~1 KB of wasm of its own (measured 2026-11-23, issue 14;
//! see `metric.rs`), and this one keeps no state; the form is borrowed, not copied per
//! redraw.

use protocol::compare::Contender;
use protocol::lab::LabParam;
use yew::prelude::*;

use super::number_field::{Refused, form_field};
use crate::i18n::{Key, Lang};
use crate::model::compare::{Edit, Form};

/// A contender's name.
pub(crate) fn contender_key(c: Contender) -> Key {
    match c {
        Contender::NewConnection => Key::cmp_c_new,
        Contender::KeepAlive => Key::cmp_c_keep,
        Contender::WebSocket => Key::cmp_c_ws,
    }
}

/// A contender's colour (the page's palette).
pub(crate) fn contender_color(c: Contender) -> &'static str {
    match c {
        Contender::NewConnection => "var(--c-http-new)",
        Contender::KeepAlive => "var(--c-http)",
        Contender::WebSocket => "var(--c-ws)",
    }
}

/// What [`race_controls`] draws and whom it tells.
pub(crate) struct RaceControlsProps<'a> {
    pub(crate) form: &'a Form,
    pub(crate) on_edit: Callback<Edit>,
    /// A server refusal naming one of these fields, shown beside it.
    pub(crate) refused: Refused,
    pub(crate) running: bool,
    /// Run is possible (every field valid, the network too).
    pub(crate) ready: bool,
    pub(crate) on_run: Callback<()>,
    pub(crate) on_cancel: Callback<()>,
    pub(crate) completed: u64,
    pub(crate) total: u64,
    pub(crate) percent: f64,
}

pub(crate) fn race_controls(lang: Lang, props: &RaceControlsProps<'_>) -> Html {
    let f = props.form;
    let field = |p: LabParam, label: Key, test: &'static str| {
        form_field(
            lang,
            f,
            &props.on_edit,
            (p, label, test),
            props.running,
            &props.refused,
        )
    };
    let chip = |c: Contender| {
        let on_edit = props.on_edit.clone();
        let checked = f.contenders.contains(&c);
        let onchange = Callback::from(move |_| on_edit.emit(Edit::Contender(c, !checked)));
        html! {
            <label class="chip" style={format!("--chip: {}", contender_color(c))}>
                <input type="checkbox" {checked} {onchange} disabled={props.running}
                       data-test={format!("race-c-{}", c.slug())} />
                { lang.t(contender_key(c)) }
            </label>
        }
    };
    let on_run = props.on_run.reform(|_| ());
    let on_cancel = props.on_cancel.reform(|_| ());
    let pct = format!("{:.0}", props.percent);
    html! {
        <div class="compare-controls">
            <div class="fields">
                { field(LabParam::RoundTrips, Key::cmp_n, "race-n") }
                { field(LabParam::PayloadBytes, Key::cmp_size, "race-size") }
                { field(LabParam::InFlight, Key::cmp_k, "race-k") }
            </div>
            <fieldset class="chips">
                <legend>{ lang.t(Key::cmp_contenders) }</legend>
                { for Contender::ALL.into_iter().map(chip) }
                if f.contenders.is_empty() {
                    <span class="field-error" role="alert">{ lang.t(Key::cmp_pick_one) }</span>
                }
            </fieldset>
            <p class="hint">{ lang.t(Key::cmp_k_note) }</p>
            <div class="actions">
                if props.running {
                    <button class="btn" onclick={on_cancel} data-test="race-cancel">{ lang.t(Key::cmp_cancel) }</button>
                } else {
                    <button class="btn btn-primary" onclick={on_run} disabled={!props.ready} data-test="race-run">{ lang.t(Key::cmp_run) }</button>
                }
                <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-labelledby="race-progress-text"
                     aria-valuenow={pct.clone()} data-test="race-progress" data-pct={pct.clone()}>
                    <div class="progress-bar" style={format!("width: {:.1}%", props.percent)} />
                </div>
                <span class="num progress-text" id="race-progress-text">
                    { lang.tf(Key::cmp_progress, &[("done", &props.completed.to_string()), ("total", &props.total.to_string())]) }
                </span>
            </div>
        </div>
    }
}
