//! Link cards: every page's own `<title>`, description, Open Graph and X/Twitter metadata,
//! language alternates and oEmbed discovery `<link>`, written into its bundle's HTML by
//! the server, in the requested language and with absolute URLs — a blog platform that
//! turns a bare URL into a card (Qiita, Zenn, Hatena, note, Tistory, …) reads them without
//! running any script.
//!
//! The words come from the page's own files: the catalogue (`<lang>.txt`: the page titles
//! and leads the page shows) and a lesson's text (`lessons/<lang>/<slug>.txt`: the claim it
//! tests). The build leaves English home metadata between the markers
//! ([`START`]…[`END`], so a plain static server still serves a card); [`inject`] replaces
//! it. Pure: the caller reads the files and says where the site is.

use std::fmt::Write as _;

use protocol::oembed::{CARD_HEIGHT, CARD_WIDTH, OEMBED_PATH};
use protocol::pages::{Bundle, Place, Widget};
use protocol::query;

/// Where the metadata starts in a bundle's HTML (`index.html`).
pub(crate) const START: &str = "<!-- duplex:meta -->";
/// Where it ends.
pub(crate) const END: &str = "<!-- /duplex:meta -->";

/// A description longer than this is cut at a word (card readers show ~200 characters).
const DESCRIPTION_CHARS: usize = 300;

/// A language the site speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    Ja,
    Ko,
}

impl Lang {
    pub(crate) const ALL: [Lang; 3] = [Lang::En, Lang::Ja, Lang::Ko];

    pub(crate) fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
            Lang::Ko => "ko",
        }
    }

    fn og_locale(self) -> &'static str {
        match self {
            Lang::En => "en_US",
            Lang::Ja => "ja_JP",
            Lang::Ko => "ko_KR",
        }
    }

    /// `ja`, `ja-JP`, `KO_kr` …; `None` for other languages.
    pub(crate) fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The page's language: `?lang=` if it names one, else the first of
    /// `Accept-Language` the site speaks (in the header's order of `q`), else English —
    /// the same choice the page makes in the browser (`app::initial_lang`).
    pub(crate) fn choose(query_lang: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = query_lang.and_then(Lang::from_tag) {
            return lang;
        }
        let mut prefs: Vec<(f32, usize, &str)> = accept_language
            .unwrap_or("")
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (q > 0.0).then_some((q, i, tag))
            })
            .collect();
        prefs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        prefs
            .into_iter()
            .find_map(|(_, _, tag)| Lang::from_tag(tag))
            .unwrap_or(Lang::En)
    }
}

/// The words a card needs, read from the page's files by the caller.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Texts<'a> {
    /// `<lang>.txt`.
    pub(crate) catalogue: &'a str,
    /// English's, for a key the language lacks.
    pub(crate) english: &'a str,
    /// `lessons/<lang>/<slug>.txt` for a lesson's page, if it could be read.
    pub(crate) lesson: Option<&'a str>,
}

impl Texts<'_> {
    fn get(&self, key: &str) -> String {
        entry(self.catalogue, key)
            .or_else(|| entry(self.english, key))
            .unwrap_or(key)
            .to_owned()
    }
}

/// `key`'s value in a `key = value` catalogue (`frontend/src/i18n.rs`' format).
pub(crate) fn entry<'a>(catalogue: &'a str, key: &str) -> Option<&'a str> {
    catalogue.lines().find_map(|line| {
        let line = line.trim();
        if line.starts_with('#') {
            return None;
        }
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim())
    })
}

/// The first paragraph of a lesson text's `[claim]` section, its inline markup
/// (`` `code` ``, `**strong**`, `[text](url)`) reduced to plain text.
pub(crate) fn lesson_claim(text: &str) -> Option<String> {
    let mut lines = text.lines().map(str::trim);
    lines.find(|l| *l == "[claim]")?;
    let para: Vec<&str> = lines
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty() && !l.starts_with('['))
        .collect();
    let joined = para.join(" ");
    (!joined.is_empty()).then(|| plain(&joined))
}

/// Inline markup to plain text: `**`, `` ` `` dropped; `[text](url)` → `text`.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.split_once("](").and_then(|(label, tail)| {
            let close = tail.find(')')?;
            Some((label, &tail[close + 1..]))
        }) {
            Some((label, tail)) if !label.contains('[') => {
                out.push_str(label);
                rest = tail;
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").replace('`', "")
}

/// One page's card.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Card {
    pub(crate) lang: Lang,
    pub(crate) title: String,
    pub(crate) description: String,
    /// The page's absolute URL with its settings and `lang`.
    pub(crate) url: String,
    /// `url` in each language, for `hreflang` alternates.
    pub(crate) alternates: Vec<(Lang, String)>,
    /// The card image, absolute.
    pub(crate) image: String,
    /// The oEmbed discovery URL, absolute, if the place has an embed.
    pub(crate) oembed: Option<String>,
    /// Kept out of search indexes ("not found", embeds).
    pub(crate) noindex: bool,
}

/// The card image of a place (`protocol::oembed::card_path`).
pub(crate) fn image_name(place: Place, lang: Lang) -> String {
    protocol::oembed::card_path(place, lang.tag())
}

/// Every card image the site refers to (for the test that they were all made).
#[cfg(test)]
pub(crate) fn image_names() -> Vec<String> {
    protocol::oembed::card_places()
        .into_iter()
        .flat_map(|p| Lang::ALL.into_iter().map(move |l| image_name(p, l)))
        .collect()
}

/// The place's title and description, in the texts' language.
fn words(place: Place, texts: &Texts<'_>) -> (String, String) {
    let suffix = |t: String| format!("{t} — Duplex");
    let lesson = |slug: &str| {
        let n = protocol::pages::LESSONS
            .iter()
            .position(|(s, _)| *s == slug)
            .map_or(0, |i| i + 1);
        let title = format!(
            "{}: {}",
            texts.get("learn_lesson_n").replace("{n}", &n.to_string()),
            texts.get(&format!("lesson_{}_title", slug.replace('-', "_")))
        );
        let claim = texts.lesson.and_then(lesson_claim);
        let description = match claim {
            Some(claim) => format!("{}: {claim}", texts.get("lesson_claim")),
            None => texts.get("learn_lead"),
        };
        (suffix(title), description)
    };
    let (title_key, lead_key) = match place {
        Place::Page(Bundle::Home) => {
            return (texts.get("meta_home_title"), texts.get("app_tagline"));
        }
        Place::Page(Bundle::HttpLab) | Place::Embed(Widget::LabHttp) => ("lab_title", "lab_lead"),
        Place::Page(Bundle::WsLab) | Place::Embed(Widget::LabWs) => ("ws_lab_title", "ws_lab_lead"),
        Place::Page(Bundle::Compare) => ("cmp_title", "cmp_lead"),
        Place::Page(Bundle::Chat) | Place::Embed(Widget::Chat) => ("chat_title", "chat_lead"),
        Place::Embed(Widget::Http) => ("http_title", "http_lead"),
        Place::Embed(Widget::Ws) => ("ws_title", "ws_lead"),
        Place::Embed(Widget::Race) => ("cmp_race_title", "cmp_race_lead"),
        Place::Embed(Widget::Feed) => ("cmp_feed_title", "cmp_feed_lead"),
        // A lesson bundle has no page of its own (`Place::of` never makes one).
        Place::Learn | Place::Page(_) => ("learn_title", "learn_lead"),
        Place::Lesson(slug) | Place::EmbedLesson(slug) => return lesson(slug),
        Place::NotFound => ("nf_title", "app_tagline"),
        // "Embed this": what it offers, then the embed's own title.
        Place::EmbedThis(_) | Place::EmbedThisLesson(_) => {
            let (of, _) = words(place.embed().unwrap_or(Place::NotFound), texts);
            let title = format!("{}: {of}", texts.get("embed_this_title"));
            return (title, texts.get("embed_this_lead"));
        }
    };
    (suffix(texts.get(title_key)), texts.get(lead_key))
}

/// `text` cut to [`DESCRIPTION_CHARS`] at a space (or a character, for text without
/// spaces), with `…`.
fn shorten(text: &str) -> String {
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(DESCRIPTION_CHARS - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

/// The query of the page's own URL: the request's parameters in their order, without
/// `lang`, then `lang=<tag>` (a card in Japanese links to the page in Japanese).
fn query_with_lang(pairs: &[(String, String)], lang: Lang) -> String {
    let mut out = String::from("?");
    for (name, value) in pairs.iter().filter(|(n, _)| n != "lang") {
        let _ = write!(out, "{}={}&", query::encode(name), query::encode(value));
    }
    out.push_str("lang=");
    out.push_str(lang.tag());
    out
}

/// The card of `place` at `origin` (`https://host`), for a request with these query
/// `pairs` (decoded), in `lang`.
pub(crate) fn card(
    place: Place,
    lang: Lang,
    origin: &str,
    pairs: &[(String, String)],
    texts: &Texts<'_>,
) -> Card {
    let (title, description) = words(place, texts);
    // An embed's card names its full page: a link to it is a link to Duplex.
    let url = |lang| url_of(place.full_page(), origin, pairs, lang);
    let page_url = url(lang);
    let oembed = place.embed().map(|_| {
        format!(
            "{origin}{OEMBED_PATH}?url={}&format=json",
            query::encode(&page_url)
        )
    });
    Card {
        lang,
        title,
        description: shorten(&description),
        alternates: Lang::ALL.into_iter().map(|l| (l, url(l))).collect(),
        image: format!("{origin}/{}", image_name(place, lang)),
        url: page_url,
        oembed,
        // Not found, embeds and "Embed this" (their full page is the one to find).
        noindex: place == Place::NotFound
            || place.is_embed()
            || place.bundle() == Bundle::EmbedThis,
    }
}

/// The absolute URL of `place` with the request's settings and `lang`.
pub(crate) fn url_of(place: Place, origin: &str, pairs: &[(String, String)], lang: Lang) -> String {
    format!("{origin}{}{}", place.path(), query_with_lang(pairs, lang))
}

/// `text` safe inside a double-quoted attribute and as element text.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The `<head>` lines of a card.
pub(crate) fn head(card: &Card) -> String {
    let (t, d, u, i) = (
        escape(&card.title),
        escape(&card.description),
        escape(&card.url),
        escape(&card.image),
    );
    let mut h = String::new();
    let _ = writeln!(h, "<title>{t}</title>");
    let _ = writeln!(h, r#"<meta name="description" content="{d}" />"#);
    if card.noindex {
        let _ = writeln!(h, r#"<meta name="robots" content="noindex" />"#);
    }
    let _ = writeln!(h, r#"<link rel="canonical" href="{u}" />"#);
    for (lang, url) in &card.alternates {
        let _ = writeln!(
            h,
            r#"<link rel="alternate" hreflang="{}" href="{}" />"#,
            lang.tag(),
            escape(url)
        );
    }
    let _ = writeln!(h, r#"<meta property="og:type" content="website" />"#);
    let _ = writeln!(h, r#"<meta property="og:site_name" content="Duplex" />"#);
    let _ = writeln!(h, r#"<meta property="og:title" content="{t}" />"#);
    let _ = writeln!(h, r#"<meta property="og:description" content="{d}" />"#);
    let _ = writeln!(h, r#"<meta property="og:url" content="{u}" />"#);
    let _ = writeln!(h, r#"<meta property="og:image" content="{i}" />"#);
    let _ = writeln!(
        h,
        r#"<meta property="og:image:width" content="{CARD_WIDTH}" />"#
    );
    let _ = writeln!(
        h,
        r#"<meta property="og:image:height" content="{CARD_HEIGHT}" />"#
    );
    let _ = writeln!(
        h,
        r#"<meta property="og:locale" content="{}" />"#,
        card.lang.og_locale()
    );
    for other in Lang::ALL.into_iter().filter(|l| *l != card.lang) {
        let _ = writeln!(
            h,
            r#"<meta property="og:locale:alternate" content="{}" />"#,
            other.og_locale()
        );
    }
    let _ = writeln!(
        h,
        r#"<meta name="twitter:card" content="summary_large_image" />"#
    );
    let _ = writeln!(h, r#"<meta name="twitter:title" content="{t}" />"#);
    let _ = writeln!(h, r#"<meta name="twitter:description" content="{d}" />"#);
    let _ = writeln!(h, r#"<meta name="twitter:image" content="{i}" />"#);
    if let Some(oembed) = &card.oembed {
        let _ = writeln!(
            h,
            r#"<link rel="alternate" type="application/json+oembed" href="{}" title="{t}" />"#,
            escape(oembed)
        );
    }
    h
}

/// A bundle's HTML without the [`START`]/[`END`] markers.
#[derive(Debug, thiserror::Error)]
#[error("the page's HTML has no `{START}` … `{END}` (is index.html from this version?)")]
pub(crate) struct NoMarkers;

/// `html` with the metadata between the markers replaced by `head`, and `<html lang>`
/// set to the card's language (the page's script sets it again, the same way); an embed's
/// `<html>` gets `data-embed`, so the static shell shows no site header or tabs before the
/// wasm runs (`style.css`).
pub(crate) fn inject(html: &str, head: &str, lang: Lang, embed: bool) -> Result<String, NoMarkers> {
    let start = html.find(START).ok_or(NoMarkers)?;
    let end = html[start..].find(END).ok_or(NoMarkers)? + start;
    let mut out = String::with_capacity(html.len() + head.len());
    out.push_str(&html[..start + START.len()]);
    out.push('\n');
    out.push_str(head);
    out.push_str(&html[end..]);
    Ok(out.replacen(
        r#"<html lang="en">"#,
        &format!(
            r#"<html lang="{}"{}>"#,
            lang.tag(),
            if embed { " data-embed" } else { "" }
        ),
        1,
    ))
}

#[cfg(test)]
mod tests;
