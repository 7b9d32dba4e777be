//! "Embed this" (`/embed-this/<widget>`, `/embed-this/learn/<lesson>`): a full page's
//! widgets as a blog author pastes them, with that page's settings and language (the
//! address's query, which the full page's "Embed this" link carried over). A page of its
//! own bundle (`protocol::pages::Bundle::EmbedThis`), so the pages readers open carry none
//! of its code (ARCHITECTURE.md, "Sizes").

use protocol::pages::Place;
use yew::prelude::*;

use crate::components::embed_dialog::{EmbedDialog, embed_dialog};
use crate::components::embed_frame::words;
use crate::components::use_lang;
use crate::dom;
use crate::hooks::use_embed_this::use_embed_this;
use crate::model::embed::{EmbedSpec, with_query};

#[derive(Properties, PartialEq)]
pub(crate) struct EmbedThisProps {
    /// `Place::EmbedThis` or `Place::EmbedThisLesson`.
    pub(crate) place: Place,
}

#[function_component(EmbedThis)]
pub(crate) fn embed_this(props: &EmbedThisProps) -> Html {
    let lang = use_lang();
    let e = use_embed_this(props.place);
    let Some(&widget) = e.widgets.get(e.chosen) else {
        return Html::default();
    };
    let origin = dom::origin();
    let query = dom::query_with_lang(lang.tag());
    let page = widget.full_page();
    let spec = EmbedSpec {
        origin: origin.clone(),
        embed: widget,
        query: query.clone(),
        title: format!("Duplex: {}", lang.t(words(widget).0)),
    };
    let page_url = format!("{origin}{}", with_query(&page.path(), &query));
    let back_path = page.path();
    let on_back = Callback::from(move |ev: MouseEvent| {
        // Plain clicks load the page with the settings as they are now (the language may
        // have changed here); modified clicks open a new tab as usual.
        if !dom::plain_click(&ev) {
            return;
        }
        ev.prevent_default();
        dom::load_path(&back_path);
    });
    embed_dialog(
        lang,
        &EmbedDialog {
            back_href: with_query(&page.path(), &query),
            on_back,
            widgets: &e.widgets,
            chosen: e.chosen,
            on_choose: e.choose.clone(),
            spec,
            page_url,
            card: protocol::oembed::card_path(widget, lang.tag()),
            copied: e.copied,
            on_copy: e.copy.clone(),
            preview_height: e.preview_height,
        },
    )
}
