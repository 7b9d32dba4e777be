//! The selected lab request in detail: its request headers as the server received them
//! and the response headers as the browser let the page see them.
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state.

use yew::prelude::*;

use crate::i18n::{Key, Lang, header_value};
use crate::model::lab::LabRow;

/// The headers and timings of one finished row (nothing for a pending one).
pub(crate) fn lab_detail(lang: Lang, row: &LabRow) -> Html {
    let Some((measured, answer)) = row.finished() else {
        return html! {};
    };
    let request: Vec<(String, String)> = answer.map_or_else(
        |_| Vec::new(),
        |reply| {
            reply
                .request_headers
                .iter()
                .map(|h| (h.name.clone(), header_value(lang, h)))
                .collect()
        },
    );
    let list = |headers: &[(String, String)], test: &'static str| {
        if headers.is_empty() {
            return html! { <p class="empty small">{ "—" }</p> };
        }
        html! {
            <dl class="headers" data-test={test}>
                { for headers.iter().map(|(k, v)| html! {
                    <><dt>{ k }</dt><dd>{ v }</dd></>
                }) }
            </dl>
        }
    };
    html! {
        <section class="lab-detail" data-test="lab-detail" aria-live="polite">
            <h3>{ lang.tf(Key::lab_detail_title, &[("n", &row.n.to_string())]) }</h3>
            <div class="detail-cols">
                <div>
                    <h4>{ lang.t(Key::lab_request_headers) }</h4>
                    { list(&request, "lab-request-headers") }
                    <p class="hint">{ lang.t(Key::lab_request_headers_hint) }</p>
                </div>
                <div>
                    <h4>{ lang.t(Key::lab_response_headers) }</h4>
                    { list(&measured.response_headers, "lab-response-headers") }
                    <p class="hint">{ lang.t(Key::lab_response_headers_hint) }</p>
                </div>
            </div>
        </section>
    }
}
