//! "Embed this" (issue 11), the body of its own page (`pages/embed_this.rs`): what a blog
//! author needs — the widget to embed (Home and Compare have two), the iframe with its
//! resize script and a copy button, a live preview that grows as a post's iframe would,
//! the link card for platforms that allow no iframe (the page's address and its card
//! image), forms that open a CodePen pen or a StackBlitz project holding only the iframe
//! (for Zenn, Qiita and Velog), and the way back to the page. Draws only:
//! `hooks/use_embed_this.rs` holds the state and writes the clipboard; `model/embed.rs`
//! makes the texts. [`embed_link`] is the full pages' way here.

use protocol::pages::Place;
use yew::prelude::*;

use super::embed_frame::words;
use crate::i18n::{Key, Lang};
use crate::model::embed::{CODEPEN_ACTION, CopyTarget, EmbedSpec, STACKBLITZ_ACTION};

/// What the "Embed this" page shows.
pub(crate) struct EmbedDialog<'a> {
    /// The full page, with its settings (the way back).
    pub(crate) back_href: String,
    pub(crate) on_back: Callback<MouseEvent>,
    pub(crate) widgets: &'a [Place],
    pub(crate) chosen: usize,
    pub(crate) on_choose: Callback<usize>,
    /// The chosen widget as an author pastes it.
    pub(crate) spec: EmbedSpec,
    /// The full page's address (the link card).
    pub(crate) page_url: String,
    /// The card image's path.
    pub(crate) card: String,
    pub(crate) copied: Option<(CopyTarget, bool)>,
    pub(crate) on_copy: Callback<(CopyTarget, String)>,
    pub(crate) preview_height: Option<f64>,
}

fn copy_status(lang: Lang, d: &EmbedDialog<'_>, what: CopyTarget) -> Html {
    match d.copied {
        Some((w, ok)) if w == what => html! {
            <span class={if ok { "copy-ok" } else { "error" }} role="status" data-test="embed-copied">
                { lang.t(if ok { Key::embed_this_copied } else { Key::embed_this_copy_failed }) }
            </span>
        },
        _ => Html::default(),
    }
}

/// A full page's "Embed this" link, to its embed's page (`href`, with the settings the
/// page had when drawn; `on_click` takes the ones it has now).
pub(crate) fn embed_link(lang: Lang, href: String, on_click: Callback<MouseEvent>) -> Html {
    html! {
        <div class="page-tools">
            <a class="btn btn-small" {href} onclick={on_click} data-test="embed-this">
                { lang.t(Key::embed_this) }
            </a>
        </div>
    }
}

/// The "Embed this" page's body.
pub(crate) fn embed_dialog(lang: Lang, d: &EmbedDialog<'_>) -> Html {
    let snippet = d.spec.snippet();
    let copy = |what: CopyTarget, text: String| {
        let on_copy = d.on_copy.clone();
        Callback::from(move |_: MouseEvent| on_copy.emit((what, text.clone())))
    };
    let on_select = {
        let on_choose = d.on_choose.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse() {
                on_choose.emit(i);
            }
        })
    };
    let (_, natural) = protocol::oembed::natural_size(d.spec.embed);
    let height = d.preview_height.map_or(natural as f64, |h| h.ceil());
    let codepen = d.spec.codepen_data();
    let stackblitz = d.spec.stackblitz_fields();
    html! {
        <main id="embed-this" class="panel panel-neutral embed-this"
              aria-labelledby="embed-this-title" data-test="embed-dialog">
            <div class="panel-head">
                <h2 id="embed-this-title">{ lang.t(Key::embed_this_title) }</h2>
                <a class="btn btn-small" href={d.back_href.clone()} onclick={d.on_back.clone()}
                   data-test="embed-close">{ lang.t(Key::embed_this_back) }</a>
            </div>
            <p class="lead">{ lang.t(Key::embed_this_lead) }</p>
            if d.widgets.len() > 1 {
                <label class="field embed-widget">
                    <span>{ lang.t(Key::embed_this_widget) }</span>
                    <select onchange={on_select} data-test="embed-widget">
                        { for d.widgets.iter().enumerate().map(|(i, w)| html! {
                            <option value={i.to_string()} selected={i == d.chosen}>{ lang.t(words(*w).0) }</option>
                        }) }
                    </select>
                </label>
            }
            <h3>{ lang.t(Key::embed_this_snippet) }</h3>
            <textarea class="embed-code" readonly=true rows="8" spellcheck="false"
                      aria-label={lang.t(Key::embed_this_snippet)} data-test="embed-snippet"
                      value={snippet.clone()} />
            <div class="actions">
                <button class="btn" type="button" onclick={copy(CopyTarget::Snippet, snippet)}
                        data-test="embed-copy">{ lang.t(Key::embed_this_copy) }</button>
                { copy_status(lang, d, CopyTarget::Snippet) }
            </div>
            <h3>{ lang.t(Key::embed_this_preview) }</h3>
            <iframe class="embed-preview" key={d.spec.url()} src={d.spec.url()} title={d.spec.title.clone()}
                    style={format!("height:{height}px")} data-test="embed-preview" />
            <h3>{ lang.t(Key::embed_this_card_title) }</h3>
            <p>{ lang.t(Key::embed_this_card_lead) }</p>
            <div class="embed-card">
                <img src={format!("/{}", d.card)} width="300" height="158" alt="" loading="lazy" />
                <div class="embed-card-url">
                    <code data-test="embed-url">{ d.page_url.clone() }</code>
                    <div class="actions">
                        <button class="btn btn-small" type="button"
                                onclick={copy(CopyTarget::Address, d.page_url.clone())}>{ lang.t(Key::embed_this_copy) }</button>
                        { copy_status(lang, d, CopyTarget::Address) }
                    </div>
                </div>
            </div>
            <h3>{ lang.t(Key::embed_this_host_title) }</h3>
            <p>{ lang.t(Key::embed_this_host_lead) }</p>
            <div class="actions">
                <form action={CODEPEN_ACTION} method="post" target="_blank" data-test="embed-codepen">
                    <input type="hidden" name="data" value={codepen} />
                    <button class="btn" type="submit">{ lang.t(Key::embed_this_codepen) }</button>
                </form>
                <form action={STACKBLITZ_ACTION} method="post" target="_blank" data-test="embed-stackblitz">
                    { for stackblitz.into_iter().map(|(name, value)| html! {
                        <input type="hidden" {name} {value} />
                    }) }
                    <button class="btn" type="submit">{ lang.t(Key::embed_this_stackblitz) }</button>
                </form>
            </div>
        </main>
    }
}
