//! The top bar: name, one-line promise, language picker.

use yew::prelude::*;

use super::use_lang;
use crate::i18n::{Key, Lang};

#[derive(Properties, PartialEq)]
pub(crate) struct HeaderProps {
    pub(crate) on_lang: Callback<Lang>,
}

#[function_component(Header)]
pub(crate) fn header(props: &HeaderProps) -> Html {
    let lang = use_lang();
    let onchange = {
        let on_lang = props.on_lang.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(l) = Lang::from_tag(&select.value()) {
                on_lang.emit(l);
            }
        })
    };
    html! {
        <header class="top">
            <div class="brand">
                <span class="logo" aria-hidden="true">{ "⇄" }</span>
                <h1>{ "Duplex" }</h1>
            </div>
            <p class="tagline">{ lang.t(Key::app_tagline) }</p>
            <label class="lang">
                <span>{ lang.t(Key::language) }</span>
                <select data-test="lang-select" {onchange}>
                    { for Lang::ALL.iter().map(|l| html! {
                        <option value={l.tag()} selected={*l == lang}>{ l.native_name() }</option>
                    }) }
                </select>
            </label>
        </header>
    }
}
