//! oEmbed answers (`GET /oembed`, <https://oembed.com>): for a URL of this site, the
//! iframe of its embed (`protocol::pages::Place::embed`) as a `rich` answer, sized to the
//! consumer's `maxwidth`/`maxheight`, with the page's link-card title and image. Pure: the
//! route reads the catalogue the answer's language needs.

use protocol::oembed::{CARD_HEIGHT, CARD_WIDTH, MIN_WIDTH, OEmbed, PROVIDER_NAME};
use protocol::pages::Place;

use super::meta::{self, Lang, Texts};
use crate::origin::on_site;

/// How long a consumer may keep an answer: a day (the page's words change with releases).
const CACHE_AGE_SECS: u64 = 86_400;

/// The lowest iframe an answer gives: the embed's start screen fits in it.
const MIN_HEIGHT: u32 = 240;

/// Why there is no answer.
#[derive(Debug, thiserror::Error, PartialEq)]
pub(crate) enum OEmbedError {
    #[error("`url` is required")]
    MissingUrl,
    #[error("`url` is not a page of this site ({0})")]
    NotThisSite(String),
    #[error("this page has no embed (only the pages, lessons and embeds do)")]
    NoEmbed,
    #[error("only `format=json` is served, not {0:?}")]
    Format(String),
    #[error("`{0}` must be a whole number of pixels")]
    NotANumber(&'static str),
    #[error("the embed needs at least {MIN_WIDTH} × {MIN_HEIGHT} pixels")]
    TooSmall,
}

/// A request's parameters (decoded pairs, any order; others are ignored, as the spec
/// allows).
#[derive(Debug, Default)]
pub(crate) struct Ask {
    pub(crate) url: Option<String>,
    pub(crate) format: Option<String>,
    pub(crate) maxwidth: Option<u32>,
    pub(crate) maxheight: Option<u32>,
}

impl Ask {
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> Result<Ask, OEmbedError> {
        let mut ask = Ask::default();
        for (name, value) in pairs {
            let px = |name| {
                value
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| OEmbedError::NotANumber(name))
            };
            match name.as_str() {
                "url" => ask.url = Some(value.clone()),
                "format" => ask.format = Some(value.clone()),
                "maxwidth" => ask.maxwidth = Some(px("maxwidth")?),
                "maxheight" => ask.maxheight = Some(px("maxheight")?),
                _ => {}
            }
        }
        Ok(ask)
    }
}

/// The page a request asks about.
#[derive(Debug, PartialEq)]
pub(crate) struct Target {
    /// The page itself (its card's title).
    pub(crate) place: Place,
    /// Its embed.
    pub(crate) embed: Place,
    /// The URL's query, decoded (settings and `lang`).
    pub(crate) pairs: Vec<(String, String)>,
    pub(crate) lang: Lang,
}

/// What `ask` asks about, if it is a page of `origin` with an embed.
pub(crate) fn target(ask: &Ask, origin: &str) -> Result<Target, OEmbedError> {
    if let Some(format) = &ask.format
        && format != "json"
    {
        return Err(OEmbedError::Format(format.chars().take(20).collect()));
    }
    let url = ask.url.as_deref().ok_or(OEmbedError::MissingUrl)?;
    let short = || url.chars().take(100).collect::<String>();
    let tail = on_site(url, origin).ok_or_else(|| OEmbedError::NotThisSite(short()))?;
    let tail = tail.split('#').next().unwrap_or("");
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    let place = match Place::of(if path.is_empty() { "/" } else { path }) {
        // An "Embed this" page's address stands for the embed it offers.
        p @ (Place::EmbedThis(_) | Place::EmbedThisLesson(_)) => p.embed().unwrap_or(p),
        p => p,
    };
    let embed = place.embed().ok_or(OEmbedError::NoEmbed)?;
    let pairs = super::query_pairs(query);
    let lang = Lang::choose(
        pairs
            .iter()
            .find(|(n, _)| n == "lang")
            .map(|(_, v)| v.as_str()),
        None,
    );
    Ok(Target {
        place,
        embed,
        pairs,
        lang,
    })
}

/// The answer for `target` at `origin`, within the request's bounds.
pub(crate) fn answer(
    ask: &Ask,
    target: &Target,
    origin: &str,
    texts: &Texts<'_>,
) -> Result<OEmbed, OEmbedError> {
    let (w, h) = protocol::oembed::natural_size(target.embed);
    let width = ask.maxwidth.map_or(w, |m| w.min(m));
    let height = ask.maxheight.map_or(h, |m| h.min(m));
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return Err(OEmbedError::TooSmall);
    }
    let page = meta::card(target.place, target.lang, origin, &target.pairs, texts);
    let src = meta::url_of(target.embed, origin, &target.pairs, target.lang);
    let html = format!(
        r#"<iframe src="{src}" width="{width}" height="{height}" style="border:0;max-width:100%" loading="lazy" allow="cross-origin-isolated" title="{title}"></iframe>"#,
        src = meta::escape(&src),
        title = meta::escape(&page.title),
    );
    let thumb_fits = ask.maxwidth.is_none_or(|m| m >= CARD_WIDTH)
        && ask.maxheight.is_none_or(|m| m >= CARD_HEIGHT);
    Ok(OEmbed {
        version: "1.0".into(),
        kind: "rich".into(),
        title: page.title,
        provider_name: PROVIDER_NAME.into(),
        provider_url: format!("{origin}/"),
        html,
        width,
        height,
        thumbnail_url: thumb_fits.then_some(page.image),
        thumbnail_width: thumb_fits.then_some(CARD_WIDTH),
        thumbnail_height: thumb_fits.then_some(CARD_HEIGHT),
        cache_age: CACHE_AGE_SECS,
    })
}

#[cfg(test)]
mod tests;
