//! `use_route`: the current [`Route`] from `location.pathname`, kept in step with the
//! browser's back and forward buttons (`popstate`), and a callback that goes to another
//! route, keeping the query string (`?lang=`): with `history.pushState` when this page's
//! bundle draws it, else by loading it (its bundle's HTML and wasm).

use yew::prelude::*;

use crate::dom;
use crate::route::{Route, Router};

fn current() -> Route {
    Route::from_path(&dom::pathname())
}

/// `let router = use_route(here); router.go.emit(Route::HttpLab);` — `here` tells the
/// routes this bundle draws; the app provides the router as context ([`Router`]).
#[hook]
pub(crate) fn use_route(here: fn(&Route) -> bool) -> Router {
    let route = use_state(current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = dom::on_popstate(move || {
                let to = current();
                if here(&to) {
                    route.set(to);
                } else {
                    // Back or forward to another bundle's page: the address is already
                    // there, so load it.
                    dom::reload();
                }
            });
            move || drop(listener)
        });
    }
    let go = {
        let route = route.clone();
        Callback::from(move |to: Route| {
            if here(&to) {
                dom::push_path(&to.path());
                route.set(to);
            } else {
                dom::load_path(&to.path());
            }
        })
    };
    Router {
        route: (*route).clone(),
        go,
    }
}
