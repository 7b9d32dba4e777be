//! The root component: chooses the language (`?lang=`, else the browser's), provides it
//! and the page's client key as context, keeps the language in the URL and on
//! `<html lang>`, and routes between pages — the ones its bundle draws ([`Pages`]), in
//! place; any other by loading that page's own bundle.

use protocol::pages::Place;
use yew::prelude::*;

use crate::bundles::Pages;
use crate::components::embed_dialog::embed_link;
use crate::components::embed_frame::{EmbedFrame, embed_frame};
use crate::components::header::header;
use crate::components::nav::Nav;
use crate::dom;
use crate::hooks::use_client_key::{ClientKey, use_new_client_key};
use crate::hooks::use_lang::use_lang;
use crate::hooks::use_route::use_route;
use crate::i18n::{Key, Lang};
use crate::model::embed::with_query;
use crate::pages::not_found::NotFound;
use crate::route::{Route, Router};
use crate::ui::use_embed_height::use_embed_height;

#[function_component]
pub(crate) fn App<P: Pages>() -> Html {
    let (lang, on_lang) = use_lang(initial_lang);
    let key = use_new_client_key();
    // The app is drawn: the static shell from index.html goes.
    use_effect_with((), |_| dom::remove_shell());
    use_effect_with(lang, move |_| reflect(lang));
    use_effect_with((), |_| dom::apply_theme());
    let router = use_route(|route: &Route| route.bundle() == P::BUNDLE);
    let route = router.route.clone();
    let embed = route.is_embed();
    // An embed runs nothing until its reader presses start: the page is not even mounted.
    let started = use_state(|| false);
    use_embed_height(embed);
    use_effect_with(embed, |embed| {
        if *embed {
            dom::links_open_outside();
        }
    });
    let isolated = use_memo((), |_| dom::cross_origin_isolated());
    // Another bundle's page (a server that sends one HTML for every address, like
    // `trunk serve`): "not found" rather than a reload that would land here again.
    let page = if route.bundle() != P::BUNDLE {
        html! { <NotFound /> }
    } else if embed && !*started {
        Html::default()
    } else {
        P::page(&route)
    };
    let body = if embed {
        let frame = EmbedFrame {
            place: route.place(),
            full_href: full_page_href(&route),
            isolated: *isolated,
            started: *started,
            on_start: Callback::from(move |_| started.set(true)),
        };
        html! { <div class="page page-embed">{ embed_frame(lang, &frame, page) }</div> }
    } else {
        let tools = embed_this_link(lang, route.place());
        html! {
            <div class="page">
                { header(lang, &on_lang) }
                <Nav />
                { tools }
                { page }
                <footer class="foot">{ lang.t(Key::footer_timing) }</footer>
            </div>
        }
    };
    html! {
        <ContextProvider<Router> context={router}>
            <ContextProvider<Lang> context={lang}>
                <ContextProvider<ClientKey> context={key}>
                    { body }
                </ContextProvider<ClientKey>>
            </ContextProvider<Lang>>
        </ContextProvider<Router>>
    }
}

/// A full page's "Embed this" link (nothing for a page with no embed): its embed's
/// page, which gets the page's settings and language (the query) as they are at the click.
fn embed_this_link(lang: Lang, place: Place) -> Html {
    let Some(this) = place.embed_this() else {
        return Html::default();
    };
    let path = this.path();
    let query = dom::query();
    let href = with_query(&path, &query);
    let on_click = Callback::from(move |e: MouseEvent| {
        // The page may have changed its settings since it drew the link; modified clicks
        // open a new tab with the ones it drew.
        if !dom::plain_click(&e) {
            return;
        }
        e.prevent_default();
        dom::load_path(&path);
    });
    embed_link(lang, href, on_click)
}

/// The full page an embed stands for, with the address's query (its settings and
/// `lang`), for "Open in Duplex".
fn full_page_href(route: &Route) -> String {
    let search = dom::current_url().map(|u| u.search()).unwrap_or_default();
    format!("{}{search}", route.place().full_page().path())
}

/// `?lang=xx` wins; then the browser's preferred languages; then English.
pub(crate) fn initial_lang() -> Lang {
    dom::query_param("lang")
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_else(|| {
            let langs = dom::preferred_languages();
            Lang::negotiate(langs.iter().map(String::as_str))
        })
}

/// Puts the language on `<html lang>` (fonts, screen readers) and in the URL (shareable),
/// without adding a history entry.
fn reflect(lang: Lang) {
    dom::set_root_lang(lang.tag());
    let Some(url) = dom::current_url() else {
        return;
    };
    if url.search_params().get("lang").as_deref() == Some(lang.tag()) {
        return;
    }
    url.search_params().set("lang", lang.tag());
    dom::replace_url(&url);
}
