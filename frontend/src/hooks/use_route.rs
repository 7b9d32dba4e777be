//! `use_route`: the current [`Route`] from `location.pathname`, kept in step with the
//! browser's back and forward buttons (`popstate`), and a callback that goes to another
//! route with `history.pushState`, keeping the query string (`?lang=`).

use gloo_events::EventListener;
use yew::prelude::*;

use crate::route::Route;

/// Provided by the app as context; pages and the tabs read it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Router {
    pub(crate) route: Route,
    pub(crate) go: Callback<Route>,
}

fn current() -> Route {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    Route::from_path(&path)
}

/// `let router = use_route(); router.go.emit(Route::HttpLab);`
#[hook]
pub(crate) fn use_route() -> Router {
    let route = use_state(current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .map(|w| EventListener::new(&w, "popstate", move |_| route.set(current())));
            move || drop(listener)
        });
    }
    let go = {
        let route = route.clone();
        Callback::from(move |to: Route| {
            if let Some(w) = web_sys::window() {
                let query = w.location().search().unwrap_or_default();
                if let Ok(history) = w.history() {
                    let url = format!("{}{query}", to.path());
                    let _ =
                        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
                }
            }
            route.set(to);
        })
    };
    Router { route: *route, go }
}
