//! Components only draw: they get `model` types and callbacks through props, read the
//! language and the router from context, may use the view-only hooks in `ui`, and never
//! touch the network (no `crate::hooks`, no `crate::services`: checked by `cargo xtask
//! test`'s tidy step).

pub(crate) mod chat_client;
pub(crate) mod chat_fanout;
pub(crate) mod chat_join;
pub(crate) mod chat_log;
pub(crate) mod conn_timeline;
pub(crate) mod connections_panel;
pub(crate) mod embed_dialog;
pub(crate) mod embed_frame;
pub(crate) mod feed_controls;
pub(crate) mod feed_table;
pub(crate) mod flow;
pub(crate) mod formula_gauge;
pub(crate) mod handshake_view;
pub(crate) mod header;
pub(crate) mod histogram_plot;
pub(crate) mod http_panel;
pub(crate) mod lab_controls;
pub(crate) mod lab_detail;
pub(crate) mod lab_table;
pub(crate) mod lesson_list;
pub(crate) mod lesson_view;
pub(crate) mod message_log;
pub(crate) mod method_select;
pub(crate) mod metric;
pub(crate) mod nav;
pub(crate) mod net_controls;
pub(crate) mod number_field;
pub(crate) mod observer_status;
pub(crate) mod race_controls;
pub(crate) mod race_table;
pub(crate) mod rich_text;
pub(crate) mod sessions_panel;
pub(crate) mod state_badge;
pub(crate) mod time_plot;
pub(crate) mod ws_figures;
pub(crate) mod ws_lab_controls;
pub(crate) mod ws_panel;

use crate::i18n::Lang;

/// An `oninput` callback that keeps `state` equal to the input's text.
pub(crate) fn bind_text(state: &yew::UseStateHandle<String>) -> yew::Callback<yew::InputEvent> {
    use yew::TargetCast;
    let state = state.clone();
    yew::Callback::from(move |e: yew::InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        state.set(input.value());
    })
}

/// An `oninput` callback that keeps one text of a form held whole in `state` (the one
/// `field` picks) equal to the input's text. A form in one state rather than a state per
/// field: each `use_state` is a hook of its own in the wasm (issue 14).
pub(crate) fn bind_field<T: Clone + 'static>(
    state: &yew::UseStateHandle<T>,
    field: fn(&mut T) -> &mut String,
) -> yew::Callback<yew::InputEvent> {
    use yew::TargetCast;
    let state = state.clone();
    yew::Callback::from(move |e: yew::InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let mut next = (*state).clone();
        *field(&mut next) = input.value();
        state.set(next);
    })
}

/// The language from the app's context (English if there is none).
#[yew::hook]
pub(crate) fn use_lang() -> Lang {
    yew::use_context::<Lang>().unwrap_or(Lang::En)
}
