//! The page tabs. Links keep the chosen language in the URL (`?lang=`).

use yew::prelude::*;
use yew_router::prelude::*;

use super::use_lang;
use crate::i18n::Key;
use crate::route::Route;

#[function_component(Nav)]
pub(crate) fn nav() -> Html {
    let lang = use_lang();
    let current = use_route::<Route>();
    let navigator = use_navigator();
    let tab = |route: Route, key: Key, test: &'static str| {
        let navigator = navigator.clone();
        let href = format!("{}?lang={}", route.to_path(), lang.tag());
        let onclick = Callback::from(move |e: MouseEvent| {
            // Plain clicks stay in the page; modified clicks open a new tab as usual.
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            e.prevent_default();
            if let Some(n) = &navigator {
                let _ = n.push_with_query(&route, [("lang", lang.tag())]);
            }
        });
        let active = current == Some(route);
        html! {
            <a {href} {onclick} class={classes!("tab", active.then_some("tab-active"))}
               aria-current={active.then_some("page")} data-test={test}>
                { lang.t(key) }
            </a>
        }
    };
    html! {
        <nav class="tabs" aria-label={lang.t(Key::nav_label)}>
            { tab(Route::Home, Key::nav_home, "nav-home") }
            { tab(Route::HttpLab, Key::nav_http_lab, "nav-http-lab") }
            { tab(Route::WsLab, Key::nav_ws_lab, "nav-ws-lab") }
        </nav>
    }
}
