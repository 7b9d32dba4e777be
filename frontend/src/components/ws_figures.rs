//! The WebSocket lab's figures: state with the time each state was entered, handshake
//! time, round trips (echo and ping), the clock-offset estimate and pushes with their
//! estimated one-way delay — estimates labelled as such.
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state.

use yew::prelude::*;

use super::metric::metric;
use super::state_badge::state_badge;
use crate::format;
use crate::i18n::{Key, Lang, clean_key, closed_by_key};
use crate::model::ws_session::{Phase, SessionView};

/// The session's figures: state, round trips, pushes, clock offset, close.
pub(crate) fn ws_figures(lang: Lang, v: &SessionView) -> Html {
    let shown = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), format::duration_ms);
    let clock = v.clock.map_or_else(
        || "—".to_owned(),
        |c| {
            format!(
                "{:+.3} ms ± {}",
                c.offset_us / 1000.0,
                format::duration_ms(c.uncertainty_us / 1000.0)
            )
        },
    );
    // An estimate below zero is within its uncertainty of zero: shown as 0 with the ±.
    let one_way = match (v.last_one_way_ms, v.clock) {
        (Some(ms), Some(c)) => format!(
            "{} ± {}",
            format::duration_ms(ms.max(0.0)),
            format::duration_ms(c.uncertainty_us / 1000.0)
        ),
        _ => "—".to_owned(),
    };
    let transitions = v.transitions.iter().map(|(phase, at)| {
        let name = match phase {
            Phase::Idle => "IDLE",
            Phase::Connecting => "CONNECTING",
            Phase::Open => "OPEN",
            Phase::Closing => "CLOSING",
            Phase::Closed => "CLOSED",
        };
        html! { <li><span class="num">{ format!("+{}", format::duration_ms(*at)) }</span>{ " " }{ name }</li> }
    });
    let close = v.close.as_ref().map(|c| {
        let by = lang.t(closed_by_key(c.by));
        let clean = lang.t(clean_key(c.clean));
        html! {
            <p class="close-info" data-test="ws-close-info" data-code={c.code.to_string()} data-clean={c.clean.to_string()}>
                { lang.tf(Key::ws_close_summary, &[("code", &c.code.to_string()), ("reason", &c.reason), ("clean", clean), ("by", by)]) }
            </p>
        }
    });
    html! {
        <div class="ws-figures">
            <div class="metrics">
                <div class="metric">
                    <span class="metric-label">{ lang.t(Key::ws_state) }</span>
                    { state_badge(lang, v.phase) }
                </div>
                { metric(lang.t(Key::ws_handshake), shown(v.handshake_ms), "ws-handshake", false) }
                { metric(lang.t(Key::ws_last_rtt), shown(v.last_rtt_ms), "ws-last-rtt", true) }
                { metric(lang.t(Key::ws_ping_rtt), shown(v.ping_rtt_ms), "ws-ping-rtt", false) }
                { metric(lang.t(Key::ws_pushes), v.pushes.to_string(), "ws-pushes", false) }
                { metric(lang.t(Key::ws_one_way_est), one_way, "ws-one-way", false) }
                { metric(lang.t(Key::ws_clock_offset), clock, "ws-clock", false) }
            </div>
            <ol class="transitions" data-test="ws-transitions" aria-label={lang.t(Key::ws_transitions)}>
                { for transitions }
            </ol>
            { for close }
            <p class="hint">{ lang.t(Key::ws_estimate_note) }</p>
        </div>
    }
}
