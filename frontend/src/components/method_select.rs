//! The GET / POST picker with its label, shared by the basics page and the HTTP lab.
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state.

use protocol::HttpMethod;
use yew::prelude::*;

use crate::i18n::{Key, Lang};

/// The GET/POST picker; `test` is its `data-test` hook, `class` extra classes for the field.
pub(crate) fn method_select(
    lang: Lang,
    value: HttpMethod,
    on_change: &Callback<HttpMethod>,
    test: &'static str,
    class: &'static str,
) -> Html {
    let onchange = on_change.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        if select.value() == "POST" {
            HttpMethod::Post
        } else {
            HttpMethod::Get
        }
    });
    html! {
        <label class={classes!("field", class)}>
            <span>{ lang.t(Key::http_method) }</span>
            <select data-test={test} {onchange}>
                <option value="GET" selected={value == HttpMethod::Get}>{ "GET" }</option>
                <option value="POST" selected={value == HttpMethod::Post}>{ "POST" }</option>
            </select>
        </label>
    }
}
