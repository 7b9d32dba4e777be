//! Any address the page does not know: say so, and link back.

use yew::prelude::*;

use crate::components::use_lang;
use crate::i18n::Key;
use crate::route::{Route, Router};

#[function_component(NotFound)]
pub(crate) fn not_found() -> Html {
    let lang = use_lang();
    let router = use_context::<Router>();
    let back = Callback::from(move |e: MouseEvent| {
        if let Some(r) = &router {
            e.prevent_default();
            r.go.emit(Route::Home);
        }
    });
    html! {
        <main class="panel panel-neutral not-found" data-test="not-found">
            <h2>{ lang.t(Key::nf_title) }</h2>
            <a href={format!("/?lang={}", lang.tag())} onclick={back}>{ lang.t(Key::nf_back) }</a>
        </main>
    }
}
