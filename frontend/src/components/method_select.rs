//! The GET / POST picker with its label, shared by the basics page and the HTTP lab.

use protocol::HttpMethod;
use yew::prelude::*;

use super::use_lang;
use crate::i18n::Key;

#[derive(Properties, PartialEq)]
pub(crate) struct MethodSelectProps {
    pub(crate) value: HttpMethod,
    pub(crate) on_change: Callback<HttpMethod>,
    /// `data-test` hook for the browser tests.
    pub(crate) test: AttrValue,
    /// Extra classes for the surrounding field.
    #[prop_or_default]
    pub(crate) class: Classes,
}

#[function_component(MethodSelect)]
pub(crate) fn method_select(props: &MethodSelectProps) -> Html {
    let lang = use_lang();
    let onchange = props.on_change.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        if select.value() == "POST" {
            HttpMethod::Post
        } else {
            HttpMethod::Get
        }
    });
    html! {
        <label class={classes!("field", props.class.clone())}>
            <span>{ lang.t(Key::http_method) }</span>
            <select data-test={props.test.clone()} {onchange}>
                <option value="GET" selected={props.value == HttpMethod::Get}>{ "GET" }</option>
                <option value="POST" selected={props.value == HttpMethod::Post}>{ "POST" }</option>
            </select>
        </label>
    }
}
