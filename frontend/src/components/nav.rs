//! The page tabs. Links keep the chosen language in the URL (`?lang=`).

use yew::prelude::*;

use super::use_lang;
use crate::dom;
use crate::i18n::Key;
use crate::route::{Route, Router};

#[function_component(Nav)]
pub(crate) fn nav() -> Html {
    let lang = use_lang();
    let router = use_context::<Router>();
    let tab = |route: Route, key: Key, test: &'static str| {
        let go = router.as_ref().map(|r| r.go.clone());
        let href = format!("{}?lang={}", route.path(), lang.tag());
        // A lesson sits under the lessons' tab.
        let active = router.as_ref().is_some_and(|r| {
            r.route == route || (route == Route::Learn && matches!(r.route, Route::Lesson { .. }))
        });
        let onclick = Callback::from(move |e: MouseEvent| {
            // Plain clicks stay in the page; modified clicks open a new tab as usual.
            if !dom::plain_click(&e) {
                return;
            }
            e.prevent_default();
            if let Some(go) = &go {
                go.emit(route.clone());
            }
        });
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
            { tab(Route::Compare, Key::nav_compare, "nav-compare") }
            { tab(Route::Chat, Key::nav_chat, "nav-chat") }
            { tab(Route::Learn, Key::nav_learn, "nav-learn") }
        </nav>
    }
}
