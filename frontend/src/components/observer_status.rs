//! A small badge saying whether the page's live view of its connections is connected,
//! and a warning when the server had to drop events for it.

use yew::prelude::*;

use super::use_lang;
use crate::i18n::Key;
use crate::model::observer::Link;

#[derive(Properties, PartialEq)]
pub(crate) struct ObserverStatusProps {
    pub(crate) link: Link,
    pub(crate) missed: u64,
}

#[function_component(ObserverStatus)]
pub(crate) fn observer_status(props: &ObserverStatusProps) -> Html {
    let lang = use_lang();
    let (class, glyph, key, name) = match props.link {
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
            if props.missed > 0 {
                <span class="error small" role="alert">
                    { lang.plural(Key::obs_missed, props.missed, &[]) }
                </span>
            }
        </div>
    }
}
