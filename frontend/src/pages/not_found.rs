//! Any address the page does not know: say so, and link back.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::use_lang;
use crate::i18n::Key;
use crate::route::Route;

#[function_component(NotFound)]
pub(crate) fn not_found() -> Html {
    let lang = use_lang();
    html! {
        <main class="panel panel-neutral not-found" data-test="not-found">
            <h2>{ lang.t(Key::nf_title) }</h2>
            <Link<Route> to={Route::Home}>{ lang.t(Key::nf_back) }</Link<Route>>
        </main>
    }
}
