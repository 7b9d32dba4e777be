//! The page's addresses. Every route is a real path the server answers with `index.html`,
//! so a link (with its `?lang=`) can be shared and reloaded.

use yew_router::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Routable)]
pub(crate) enum Route {
    #[at("/")]
    Home,
    #[at("/lab/http")]
    HttpLab,
    #[at("/lab/ws")]
    WsLab,
    #[not_found]
    #[at("/404")]
    NotFound,
}
