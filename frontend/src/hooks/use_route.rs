//! `use_route`: the current [`Route`] from `location.pathname`, kept in step with the
//! browser's back and forward buttons (`popstate`), and a callback that goes to another
//! route with `history.pushState`, keeping the query string (`?lang=`).

use yew::prelude::*;

use crate::dom;
use crate::route::{Route, Router};

fn current() -> Route {
    Route::from_path(&dom::pathname())
}

/// `let router = use_route(); router.go.emit(Route::HttpLab);` — the app provides it as
/// context ([`Router`]).
#[hook]
pub(crate) fn use_route() -> Router {
    let route = use_state(current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = dom::on_popstate(move || route.set(current()));
            move || drop(listener)
        });
    }
    let go = {
        let route = route.clone();
        Callback::from(move |to: Route| {
            dom::push_path(&to.path());
            route.set(to);
        })
    };
    Router {
        route: (*route).clone(),
        go,
    }
}
