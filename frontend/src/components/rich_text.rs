//! A lesson's paragraphs (`model::lesson_text`) as elements: text, `<code>`, `<strong>`
//! and site-relative links (already checked by `safe_href`), never raw HTML — a `<script>`
//! in a lesson file is shown as text. Links keep the page's language.

use yew::prelude::*;

use crate::i18n::Lang;
use crate::model::lesson_text::{Inline, Paragraph};

/// One paragraph as a `<p>`.
pub(crate) fn paragraph(lang: Lang, p: &Paragraph, class: &'static str) -> Html {
    html! { <p {class}>{ inlines(lang, &p.inlines) }</p> }
}

/// Paragraphs, each a `<p>`.
pub(crate) fn paragraphs(lang: Lang, ps: &[Paragraph]) -> Html {
    ps.iter().map(|p| paragraph(lang, p, "")).collect()
}

/// The pieces of one paragraph.
pub(crate) fn inlines(lang: Lang, pieces: &[Inline]) -> Html {
    pieces.iter().map(|piece| inline(lang, piece)).collect()
}

fn inline(lang: Lang, piece: &Inline) -> Html {
    match piece {
        Inline::Text(t) => html! { { t.clone() } },
        Inline::Code(c) => html! { <code>{ c.clone() }</code> },
        Inline::Strong(inner) => html! { <strong>{ inlines(lang, inner) }</strong> },
        Inline::Link { href, text } => {
            let href = with_lang(href, lang);
            html! { <a {href}>{ text.clone() }</a> }
        }
    }
}

/// `href` with `lang=` added to its query, before any `#fragment`.
pub(crate) fn with_lang(href: &str, lang: Lang) -> String {
    let (path, fragment) = href
        .split_once('#')
        .map_or((href, None), |(p, f)| (p, Some(f)));
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut out = format!("{path}{sep}lang={}", lang.tag());
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_lang;
    use crate::i18n::Lang;

    #[test]
    fn links_keep_the_language() {
        assert_eq!(
            with_lang("/learn/keep-alive", Lang::Ja),
            "/learn/keep-alive?lang=ja"
        );
        assert_eq!(with_lang("/compare?n=3", Lang::Ko), "/compare?n=3&lang=ko");
        assert_eq!(with_lang("/learn#top", Lang::En), "/learn?lang=en#top");
    }
}
