//! A small badge saying whether the page's live view of its connections is connected,
//! and a warning when the server had to drop events for it.
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state.

use yew::prelude::*;

use crate::i18n::{Key, Lang};
use crate::model::observer::Link;

/// The observer link's state, and how many events it missed.
pub(crate) fn observer_status(lang: Lang, link: Link, missed: u64) -> Html {
    let (class, glyph, key, name) = match link {
        Link::Connecting => ("st-connecting", "◔", Key::obs_connecting, "connecting"),
        Link::Live => ("st-open", "●", Key::obs_live, "live"),
        Link::Lost => ("st-closed", "■", Key::obs_lost, "lost"),
    };
    html! {
        <div class="obs-status">
            <span class={classes!("state", "state-small", class)} data-test="observer-link" data-link={name} role="status"
                  title={lang.t(Key::obs_explain)}>
                <span aria-hidden="true">{ glyph }</span>{ lang.t(key) }
            </span>
            if missed > 0 {
                <span class="error small" role="alert">
                    { lang.plural(Key::obs_missed, missed, &[]) }
                </span>
            }
        </div>
    }
}
