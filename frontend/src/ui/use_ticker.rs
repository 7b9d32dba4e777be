//! `use_ticker`: re-renders the component every `ms` milliseconds while it is mounted, for
//! pictures that move with time (open connections growing on a timeline). View-only: no
//! network.

use gloo_timers::callback::Interval;
use yew::prelude::*;

/// `use_ticker(250);` — the caller re-renders four times a second.
#[hook]
pub(crate) fn use_ticker(ms: u32) {
    let tick = use_force_update();
    use_effect_with(ms, move |ms| {
        let interval = Interval::new(*ms, move || tick.force_update());
        move || drop(interval)
    });
}
