//! oEmbed (<https://oembed.com>): what `GET /oembed?url=…&format=json` answers, so a blog
//! platform that reads oEmbed (Hatena Blog, WordPress, …) turns a Duplex link into the live
//! widget. Only the `rich` type: the HTML is an iframe of the page's embed
//! (`pages::Place::embed`).

use serde::{Deserialize, Serialize};

use crate::pages::{Place, Widget};

/// The endpoint's path; every page advertises it with an absolute discovery `<link>`.
pub const OEMBED_PATH: &str = "/oembed";

/// The `type` of the message an embed posts to the page that frames it, on every change
/// of its height: `{ "type": "duplex:height", "height": <CSS pixels> }` (README,
/// "Embedding").
pub const HEIGHT_MESSAGE: &str = "duplex:height";

/// The provider's name in every answer.
pub const PROVIDER_NAME: &str = "Duplex";

/// A link card's image (`og:image`, the oEmbed thumbnail), in pixels: the size link-card
/// readers (Open Graph, X/Twitter `summary_large_image`) draw without cropping.
pub const CARD_WIDTH: u32 = 1200;
/// See [`CARD_WIDTH`].
pub const CARD_HEIGHT: u32 = 630;

/// The narrowest iframe an answer gives, whatever `maxwidth` asks: the embeds are laid out
/// for 320 px phones and up; a smaller `maxwidth` is answered with 404, as the spec asks
/// of a provider that cannot fit.
pub const MIN_WIDTH: u32 = 280;

/// An oEmbed 1.0 answer of type `rich`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OEmbed {
    /// Always `"1.0"`.
    pub version: String,
    /// Always `"rich"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub provider_name: String,
    /// This site's root, absolute.
    pub provider_url: String,
    /// The iframe, with an absolute `src`, `width` and `height` as below.
    pub html: String,
    /// Pixels, never more than the request's `maxwidth`.
    pub width: u32,
    /// Pixels, never more than the request's `maxheight`; the embed reports its real
    /// height to the host page after it draws (see README, "Embedding").
    pub height: u32,
    /// The link card's image, absolute; left out when `maxwidth`/`maxheight` are smaller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_height: Option<u32>,
    /// Seconds a consumer may keep the answer.
    pub cache_age: u64,
}

/// The few lines a host page adds once, beside its Duplex iframes, so each grows and
/// shrinks with its widget: it listens for [`HEIGHT_MESSAGE`] from `origin` (this site)
/// and sets the height of the iframe that sent it. Without it, an iframe keeps the fixed
/// height its snippet gives. The README's "Embedding" section and the "Embed this" page
/// show this very text.
pub fn parent_script(origin: &str) -> String {
    format!(
        r#"<script>
addEventListener("message", function (e) {{
  var d = e.data;
  if (e.origin !== "{origin}" || !d || d.type !== "{HEIGHT_MESSAGE}") return;
  document.querySelectorAll("iframe").forEach(function (f) {{
    if (f.contentWindow === e.source) f.style.height = Math.ceil(+d.height) + "px";
  }});
}});
</script>"#
    )
}

/// An embed's iframe size (width, height in CSS pixels) when nothing bounds it: its usual
/// height at a blog column's width once started (it reports its real height after it
/// draws). The oEmbed answer and the page's "Embed this" snippet both use it.
pub fn natural_size(embed: Place) -> (u32, u32) {
    match embed {
        Place::Embed(Widget::Http) => (640, 560),
        Place::Embed(Widget::Ws) => (640, 640),
        Place::Embed(Widget::LabHttp | Widget::LabWs | Widget::Feed) => (960, 900),
        Place::Embed(Widget::Race | Widget::Chat) => (960, 820),
        _ => (960, 1000),
    }
}

/// The link cards' image format. JPEG, not PNG: every card reader takes it, and these
/// text-heavy 1200 × 630 screenshots are several times smaller in it at a quality where
/// the text stays crisp (figures at `backend/tests/browser/cards.rs`' `QUALITY`).
pub const CARD_EXT: &str = "jpg";

/// The link-card image of a place in a language (`lang`: `en`, `ja`, `ko`), a path under
/// the site's root, made by `cargo xtask cards`: each place shows itself — a page its
/// page (`cards/lab_http-ja.jpg`), an embed its widget alone (`cards/embed-race-ja.jpg`),
/// a lesson (full or embedded) that lesson (`cards/lesson-keep-alive-ja.jpg`), the
/// lessons' list itself (`cards/learn-ja.jpg`); "Embed this" its embed's; "not found" the
/// home page's.
pub fn card_path(place: Place, lang: &str) -> String {
    let name = match place {
        Place::Page(b) => b.name().to_owned(),
        Place::Learn => "learn".to_owned(),
        Place::Lesson(slug) | Place::EmbedLesson(slug) | Place::EmbedThisLesson(slug) => {
            format!("lesson-{slug}")
        }
        Place::Embed(w) | Place::EmbedThis(w) => format!("embed-{}", w.slug()),
        Place::NotFound => crate::pages::Bundle::Home.name().to_owned(),
    };
    format!("cards/{name}-{lang}.{CARD_EXT}")
}

/// One place per card image ([`card_path`]): every page, the lessons' list, every widget's
/// embed and every lesson — what `cargo xtask cards` shoots. (An embedded lesson and
/// "not found" share a card of this list.)
pub fn card_places() -> Vec<Place> {
    let mut places: Vec<Place> = crate::pages::Bundle::PAGES
        .into_iter()
        .map(Place::Page)
        .collect();
    places.push(Place::Learn);
    places.extend(Widget::ALL.into_iter().map(Place::Embed));
    places.extend(crate::pages::LESSONS.iter().map(|(s, _)| Place::Lesson(s)));
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README shows the host's script: the very text "Embed this" gives an author.
    #[test]
    fn the_readme_shows_the_parent_script() {
        let readme = include_str!("../../README.md");
        let script = parent_script("https://duplex.example");
        assert!(readme.contains(&script), "README.md lacks:\n{script}");
    }

    #[test]
    fn every_place_with_an_embed_has_a_size_and_a_card() {
        for w in Widget::ALL {
            let (width, height) = natural_size(Place::Embed(w));
            assert!(width >= MIN_WIDTH && height >= 400, "{w:?}");
        }
        assert_eq!(
            card_path(Place::EmbedLesson("keep-alive"), "ja"),
            "cards/lesson-keep-alive-ja.jpg"
        );
        assert_eq!(
            card_path(Place::Embed(Widget::Feed), "ko"),
            "cards/embed-feed-ko.jpg"
        );
        // One image per card place, none shared.
        let mut names: Vec<_> = card_places()
            .into_iter()
            .map(|p| card_path(p, "en"))
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(
            names.len(),
            5 + 1 + Widget::ALL.len() + crate::pages::LESSONS.len()
        );
    }
}
