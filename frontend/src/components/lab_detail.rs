//! The selected lab request in detail: its request headers as the server received them
//! and the response headers as the browser let the page see them.

use yew::prelude::*;

use super::use_lang;
use crate::i18n::{Key, header_value};
use crate::model::lab::LabRow;

#[derive(Properties, PartialEq)]
pub(crate) struct LabDetailProps {
    pub(crate) row: LabRow,
}

#[function_component(LabDetail)]
pub(crate) fn lab_detail(props: &LabDetailProps) -> Html {
    let lang = use_lang();
    let Some((measured, answer)) = props.row.finished() else {
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
            <h3>{ lang.tf(Key::lab_detail_title, &[("n", &props.row.n.to_string())]) }</h3>
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
