//! The live feed's settings (rate, duration, polling period, strategies), Start and Stop.
//!
//! A plain function taking its settings as a struct, not a component: every
//! `#[function_component]` costs ~1 KB of wasm of its own (measured 2026-11-23, issue 14;
//! see `metric.rs`), and this one keeps no state; the form is borrowed, not copied per
//! redraw.

use protocol::compare::Strategy;
use protocol::lab::LabParam;
use yew::prelude::*;

use super::number_field::{Refused, form_field};
use crate::i18n::{Key, Lang};
use crate::model::compare::{Edit, Form};

/// A strategy's name.
pub(crate) fn strategy_key(s: Strategy) -> Key {
    match s {
        Strategy::ShortPoll => Key::cmp_s_short,
        Strategy::LongPoll => Key::cmp_s_long,
        Strategy::Sse => Key::cmp_s_sse,
        Strategy::WebSocket => Key::cmp_s_ws,
    }
}

/// A strategy's colour.
pub(crate) fn strategy_color(s: Strategy) -> &'static str {
    match s {
        Strategy::ShortPoll => "var(--c-poll)",
        Strategy::LongPoll => "var(--c-http)",
        Strategy::Sse => "var(--c-sse)",
        Strategy::WebSocket => "var(--c-ws)",
    }
}

/// What [`feed_controls`] draws and whom it tells.
pub(crate) struct FeedControlsProps<'a> {
    pub(crate) form: &'a Form,
    pub(crate) on_edit: Callback<Edit>,
    /// A server refusal naming one of these fields, shown beside it.
    pub(crate) refused: Refused,
    pub(crate) running: bool,
    pub(crate) ready: bool,
    pub(crate) on_start: Callback<()>,
    pub(crate) on_stop: Callback<()>,
}

pub(crate) fn feed_controls(lang: Lang, props: &FeedControlsProps<'_>) -> Html {
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
    let chip = |s: Strategy| {
        let on_edit = props.on_edit.clone();
        let checked = f.strategies.contains(&s);
        let onchange = Callback::from(move |_| on_edit.emit(Edit::Strategy(s, !checked)));
        html! {
            <label class="chip" style={format!("--chip: {}", strategy_color(s))}>
                <input type="checkbox" {checked} {onchange} disabled={props.running}
                       data-test={format!("feed-s-{}", s.slug())} />
                { lang.t(strategy_key(s)) }
            </label>
        }
    };
    let on_start = props.on_start.reform(|_| ());
    let on_stop = props.on_stop.reform(|_| ());
    html! {
        <div class="compare-controls">
            <div class="fields">
                { field(LabParam::FeedRateHz, Key::cmp_rate, "feed-rate") }
                { field(LabParam::FeedSeconds, Key::cmp_secs, "feed-secs") }
                { field(LabParam::PollMs, Key::cmp_poll, "feed-poll") }
            </div>
            <fieldset class="chips">
                <legend>{ lang.t(Key::cmp_strategies) }</legend>
                { for Strategy::ALL.into_iter().map(chip) }
                if f.strategies.is_empty() {
                    <span class="field-error" role="alert">{ lang.t(Key::cmp_pick_one) }</span>
                }
            </fieldset>
            <div class="actions">
                if props.running {
                    <button class="btn" onclick={on_stop} data-test="feed-stop">{ lang.t(Key::cmp_stop) }</button>
                } else {
                    <button class="btn btn-primary" onclick={on_start} disabled={!props.ready} data-test="feed-start">{ lang.t(Key::cmp_start) }</button>
                }
            </div>
        </div>
    }
}
