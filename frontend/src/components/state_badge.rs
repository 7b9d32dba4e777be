//! The WebSocket connection state as a coloured pill with a shape, so colour is never the
//! only signal.

use yew::prelude::*;

use super::use_lang;
use crate::i18n::Key;
use crate::model::ws_session::Phase;

#[derive(Properties, PartialEq)]
pub(crate) struct StateBadgeProps {
    pub(crate) phase: Phase,
}

#[function_component(StateBadge)]
pub(crate) fn state_badge(props: &StateBadgeProps) -> Html {
    let lang = use_lang();
    let (key, class, shape, name) = match props.phase {
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
