//! The WebSocket connection state as a coloured pill with a shape, so colour is never the
//! only signal.
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state.

use yew::prelude::*;

use crate::i18n::{Key, Lang};
use crate::model::ws_session::Phase;

/// The session's phase as a badge.
pub(crate) fn state_badge(lang: Lang, phase: Phase) -> Html {
    let (key, class, shape, name) = match phase {
        Phase::Idle => (Key::ws_state_idle, "st-idle", "○", "IDLE"),
        Phase::Connecting => (Key::ws_state_connecting, "st-connecting", "◔", "CONNECTING"),
        Phase::Open => (Key::ws_state_open, "st-open", "●", "OPEN"),
        Phase::Closing => (Key::ws_state_closing, "st-closing", "◑", "CLOSING"),
        Phase::Closed => (Key::ws_state_closed, "st-closed", "■", "CLOSED"),
    };
    html! {
        <span class={classes!("state", class)} data-test="ws-state" data-phase={name} role="status">
            <span aria-hidden="true">{ shape }</span>
            { lang.t(key) }
        </span>
    }
}
