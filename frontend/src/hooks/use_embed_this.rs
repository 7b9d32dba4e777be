//! `use_embed_this(place)`: the state of an "Embed this" page (`Place::EmbedThis`) —
//! which of its full page's widgets (`model::embed::widgets_of`; the address's widget
//! first), what was last copied (the clipboard is written here), and the height the
//! preview's embed reports (the same message a blog's script applies, so the preview grows
//! as a post's iframe would).

use std::rc::Rc;

use protocol::pages::Place;
use yew::prelude::*;

use crate::dom;
use crate::model::embed::{CopyTarget, widgets_of};

#[derive(Clone, PartialEq)]
pub(crate) struct EmbedThis {
    /// The full page's widgets (empty: the page offers no embed).
    pub(crate) widgets: Rc<Vec<Place>>,
    pub(crate) chosen: usize,
    pub(crate) choose: Callback<usize>,
    /// The last copy and whether it worked.
    pub(crate) copied: Option<(CopyTarget, bool)>,
    pub(crate) copy: Callback<(CopyTarget, String)>,
    /// The preview embed's reported height, CSS pixels.
    pub(crate) preview_height: Option<f64>,
}

#[hook]
pub(crate) fn use_embed_this(place: Place) -> EmbedThis {
    let widgets = use_memo(place, |place| widgets_of(place.full_page()));
    let chosen = {
        let widgets = widgets.clone();
        use_state(move || {
            widgets
                .iter()
                .position(|w| Some(*w) == place.embed())
                .unwrap_or(0)
        })
    };
    let copied = use_state(|| None);
    let preview_height = use_state(|| None);
    {
        let preview_height = preview_height.clone();
        use_effect_with(*chosen, move |_| {
            preview_height.set(None);
            let h = preview_height.clone();
            let listener = dom::on_embed_height(move |px| h.set(Some(px)));
            move || drop(listener)
        });
    }
    let choose = {
        let (chosen, copied, widgets) = (chosen.clone(), copied.clone(), widgets.clone());
        Callback::from(move |i: usize| {
            copied.set(None);
            chosen.set(i);
            // The address names the widget shown (a reload or a shared link keeps it).
            if let Some(this) = widgets.get(i).and_then(|w| w.embed_this()) {
                dom::replace_path(&this.path());
            }
        })
    };
    let copy = {
        let copied = copied.clone();
        Callback::from(move |(what, text): (CopyTarget, String)| {
            let copied = copied.clone();
            let Some(promise) = dom::clipboard_write(&text) else {
                copied.set(Some((what, false)));
                return;
            };
            wasm_bindgen_futures::spawn_local(async move {
                let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                copied.set(Some((what, ok)));
            });
        })
    };
    EmbedThis {
        widgets: Rc::new((*widgets).clone()),
        chosen: (*chosen).min(widgets.len().saturating_sub(1)),
        choose,
        copied: *copied,
        copy,
        preview_height: *preview_height,
    }
}
