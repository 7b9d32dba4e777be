//! The top bar: name, one-line promise, language picker.
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state.

use yew::prelude::*;

use crate::i18n::{Key, Lang};

/// The page's title bar, with the language picker (`on_lang` gets the reader's choice).
pub(crate) fn header(lang: Lang, on_lang: &Callback<Lang>) -> Html {
    let onchange = {
        let on_lang = on_lang.clone();
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
