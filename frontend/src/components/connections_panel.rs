//! The "TCP connections, as the server saw them" panel both labs show: the observer's
//! status and the connection timeline. It redraws itself a few times a second so open
//! connections grow — only this panel, not the page around it.

use std::rc::Rc;

use yew::prelude::*;

use super::conn_timeline::ConnTimeline;
use super::observer_status::observer_status;
use super::use_lang;
use crate::clock::now_ms;
use crate::i18n::Key;
use crate::model::observer::ObserverView;
use crate::ui::use_ticker::use_ticker;
use crate::ui::use_viewport_width::use_viewport_width;

#[derive(Properties, PartialEq)]
pub(crate) struct ConnectionsPanelProps {
    pub(crate) view: Rc<ObserverView>,
    /// The sentence under the title (each lab tells its own story).
    pub(crate) lead: Key,
}

#[function_component(ConnectionsPanel)]
pub(crate) fn connections_panel(props: &ConnectionsPanelProps) -> Html {
    let lang = use_lang();
    use_ticker(250);
    // Re-read on every (ticking) render, so turning a phone around redraws to fit.
    let narrow = use_viewport_width().is_some_and(|w| w < 600.0);
    let observed = Rc::clone(&props.view.observed);
    let now_us = observed.server_now_us(now_ms());
    html! {
        <section class="panel panel-neutral" aria-labelledby="tl-title">
            <div class="panel-head">
                <h2 id="tl-title">{ lang.t(Key::tl_title) }</h2>
                { observer_status(lang, props.view.link, observed.missed) }
            </div>
            <p class="lead">{ lang.t(props.lead) }</p>
            <ConnTimeline {observed} {now_us} {narrow} />
        </section>
    }
}
