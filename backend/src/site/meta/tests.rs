//! The link cards against the shipped catalogues and lesson texts.

use super::*;

const EN: &str = include_str!("../../../../frontend/locales/en.txt");
const JA: &str = include_str!("../../../../frontend/locales/ja.txt");
const KO: &str = include_str!("../../../../frontend/locales/ko.txt");
const KEEP_ALIVE_JA: &str = include_str!("../../../../frontend/lessons/ja/keep-alive.txt");

fn texts(lang: Lang) -> Texts<'static> {
    Texts {
        catalogue: match lang {
            Lang::En => EN,
            Lang::Ja => JA,
            Lang::Ko => KO,
        },
        english: EN,
        lesson: None,
    }
}

const SITE: &str = "https://duplex.example";

#[test]
fn language_from_query_then_accept_language_then_english() {
    assert_eq!(Lang::choose(Some("ko"), Some("ja")), Lang::Ko);
    assert_eq!(Lang::choose(Some("fr"), Some("ja-JP,en;q=0.5")), Lang::Ja);
    assert_eq!(Lang::choose(None, Some("fr, en;q=0.3, ko;q=0.8")), Lang::Ko);
    assert_eq!(Lang::choose(None, Some("ko;q=0, ja;q=0.1")), Lang::Ja);
    assert_eq!(Lang::choose(None, Some("de")), Lang::En);
    assert_eq!(Lang::choose(None, None), Lang::En);
}

#[test]
fn each_page_has_its_own_title_description_and_image() {
    let places = [
        Place::Page(Bundle::Home),
        Place::Page(Bundle::HttpLab),
        Place::Page(Bundle::WsLab),
        Place::Page(Bundle::Compare),
        Place::Page(Bundle::Chat),
        Place::Learn,
        Place::Embed(Widget::Race),
        Place::Embed(Widget::Feed),
        Place::Lesson("keep-alive"),
        Place::EmbedThis(Widget::Race),
        Place::EmbedThisLesson("keep-alive"),
    ];
    for lang in Lang::ALL {
        let cards: Vec<Card> = places
            .iter()
            .map(|p| card(*p, lang, SITE, &[], &texts(lang)))
            .collect();
        for (p, c) in places.iter().zip(&cards) {
            assert!(c.title.contains("Duplex"), "{p:?} {lang:?}: {}", c.title);
            assert!(!c.title.contains('_'), "a key, not words: {}", c.title);
            assert!(c.description.chars().count() <= DESCRIPTION_CHARS);
            assert!(
                c.url
                    .starts_with(&format!("{SITE}{}", p.full_page().path()))
            );
            // Embeds and "Embed this" pages are found through their full page.
            assert_eq!(
                c.noindex,
                p.is_embed() || p.bundle() == Bundle::EmbedThis,
                "{p:?}"
            );
            assert!(c.url.ends_with(&format!("lang={}", lang.tag())));
            assert!(c.image.starts_with(&format!("{SITE}/cards/")));
            assert!(c.image.ends_with(&format!("-{}.jpg", lang.tag())));
            assert_eq!(c.oembed.is_some(), *p != Place::Learn, "{p:?}");
        }
        let mut titles: Vec<_> = cards.iter().map(|c| &c.title).collect();
        titles.sort();
        titles.dedup();
        assert_eq!(titles.len(), places.len(), "{lang:?}: {titles:?}");
    }
    let ja = card(
        Place::Page(Bundle::HttpLab),
        Lang::Ja,
        SITE,
        &[],
        &texts(Lang::Ja),
    );
    assert!(ja.title.starts_with(entry(JA, "lab_title").unwrap()));
    assert_eq!(ja.image, format!("{SITE}/cards/lab_http-ja.jpg"));
    // "Embed this" says what it offers, then names the embed; its image is the embed's.
    let this = card(
        Place::EmbedThis(Widget::Feed),
        Lang::Ja,
        SITE,
        &[],
        &texts(Lang::Ja),
    );
    let want = format!(
        "{}: {}",
        entry(JA, "embed_this_title").unwrap(),
        entry(JA, "cmp_feed_title").unwrap()
    );
    assert!(this.title.starts_with(&want), "{}", this.title);
    assert_eq!(this.image, format!("{SITE}/cards/embed-feed-ja.jpg"));
    assert!(
        this.url.starts_with(&format!("{SITE}/compare?")),
        "{}",
        this.url
    );
}

#[test]
fn a_lesson_card_names_the_claim_it_tests() {
    let t = Texts {
        lesson: Some(KEEP_ALIVE_JA),
        ..texts(Lang::Ja)
    };
    let c = card(Place::Lesson("keep-alive"), Lang::Ja, SITE, &[], &t);
    assert!(
        c.title.starts_with("レッスン 3") || c.title.contains('3'),
        "{}",
        c.title
    );
    assert!(
        c.title
            .contains(entry(JA, "lesson_keep_alive_title").unwrap())
    );
    let claim = lesson_claim(KEEP_ALIVE_JA).unwrap();
    assert!(claim.starts_with("HTTP"), "{claim}");
    assert!(c.description.contains(&claim), "{}", c.description);
    assert_eq!(c.image, format!("{SITE}/cards/lesson-keep-alive-ja.jpg"));
    // Without its text the lesson still has a card.
    let bare = card(
        Place::Lesson("keep-alive"),
        Lang::Ja,
        SITE,
        &[],
        &texts(Lang::Ja),
    );
    assert_eq!(bare.description, entry(JA, "learn_lead").unwrap());
}

#[test]
fn markup_becomes_plain_text() {
    assert_eq!(
        plain("Send `Connection: close` **three** times, see [the lab](/lab/http) [x]"),
        "Send Connection: close three times, see the lab [x]"
    );
    assert_eq!(lesson_claim("[intro]\nno claim\n"), None);
    assert_eq!(
        lesson_claim("[claim]\n\nOne\nline two\n\n[intro]\nx").as_deref(),
        Some("One line two")
    );
}

#[test]
fn settings_are_kept_and_lang_is_set_once() {
    let pairs = vec![
        ("n".to_owned(), "5".to_owned()),
        ("lang".to_owned(), "en".to_owned()),
        ("q".to_owned(), "a b&c".to_owned()),
    ];
    let c = card(
        Place::Page(Bundle::Compare),
        Lang::Ko,
        SITE,
        &pairs,
        &texts(Lang::Ko),
    );
    assert_eq!(c.url, format!("{SITE}/compare?n=5&q=a%20b%26c&lang=ko"));
    assert_eq!(c.alternates.len(), 3);
    assert!(
        c.alternates
            .iter()
            .any(|(l, u)| *l == Lang::Ja && u.ends_with("&lang=ja"))
    );
    let oembed = c.oembed.unwrap();
    assert!(oembed.starts_with(&format!("{SITE}/oembed?url=https%3A%2F%2F")));
    assert!(oembed.ends_with("&format=json"));
}

#[test]
fn long_descriptions_are_cut_at_a_word() {
    let long = "word ".repeat(100);
    let short = shorten(&long);
    assert!(short.ends_with("word…"), "{short}");
    assert!(short.chars().count() <= DESCRIPTION_CHARS);
    let cjk = "あ".repeat(400);
    assert_eq!(shorten(&cjk).chars().count(), DESCRIPTION_CHARS);
}

#[test]
fn the_head_escapes_and_carries_every_tag() {
    let mut c = card(
        Place::Page(Bundle::Chat),
        Lang::En,
        SITE,
        &[],
        &texts(Lang::En),
    );
    c.title = r#"<script>"x" & 'y'</script>"#.into();
    c.url = format!("{SITE}/chat?x=\"><script>");
    let h = head(&c);
    assert!(!h.contains("<script>"), "{h}");
    assert!(
        h.contains("<title>&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;</title>")
    );
    for tag in [
        r#"<meta name="description""#,
        r#"<link rel="canonical""#,
        r#"hreflang="ja""#,
        r#"<meta property="og:title""#,
        r#"<meta property="og:description""#,
        r#"<meta property="og:url""#,
        r#"<meta property="og:image""#,
        r#"<meta property="og:image:width" content="1200""#,
        r#"<meta property="og:locale" content="en_US""#,
        r#"<meta name="twitter:card" content="summary_large_image""#,
        r#"type="application/json+oembed" href="https://duplex.example/oembed?url="#,
    ] {
        assert!(h.contains(tag), "{tag} missing from\n{h}");
    }
    let nf = card(Place::NotFound, Lang::En, SITE, &[], &texts(Lang::En));
    assert!(head(&nf).contains(r#"<meta name="robots" content="noindex""#));
    assert!(!head(&nf).contains("json+oembed"));
}

#[test]
fn inject_replaces_between_the_markers_only() {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n{START}\n<title>old</title>\n{END}\n<link rel=x>\n</head><body>old</body></html>"
    );
    let out = inject(&html, "<title>new</title>\n", Lang::Ja, false).unwrap();
    assert!(
        inject(&html, "", Lang::Ko, true)
            .unwrap()
            .contains("<html lang=\"ko\" data-embed>")
    );
    assert!(out.contains("<html lang=\"ja\">"));
    assert!(out.contains("<title>new</title>\n<!-- /duplex:meta -->"));
    assert!(!out.contains("<title>old</title>"));
    assert!(out.contains("<link rel=x>") && out.contains("<body>old</body>"));
    assert!(inject("<html>no markers</html>", "x", Lang::En, false).is_err());
    assert!(inject(&format!("{END} {START}"), "x", Lang::En, false).is_err());
}

#[test]
fn the_shipped_index_html_has_the_markers() {
    let index = include_str!("../../../../index.html");
    assert!(index.contains(START) && index.contains(END));
    assert!(inject(index, "x", Lang::Ko, false).is_ok());
}

/// Each route's image is its own: a page shows that page, an embed that widget alone, a
/// lesson that lesson (embedded or not), the list the list. Written out, not derived from
/// `card_path`, so a route mapped to another's card fails here.
#[test]
fn each_route_names_its_own_image() {
    let mut routes: Vec<(Place, String)> = vec![
        (Place::Page(Bundle::Home), "home".into()),
        (Place::Page(Bundle::HttpLab), "lab_http".into()),
        (Place::Page(Bundle::WsLab), "lab_ws".into()),
        (Place::Page(Bundle::Compare), "compare".into()),
        (Place::Page(Bundle::Chat), "chat".into()),
        (Place::Learn, "learn".into()),
        (Place::Embed(Widget::Http), "embed-http".into()),
        (Place::Embed(Widget::Ws), "embed-ws".into()),
        (Place::Embed(Widget::LabHttp), "embed-lab-http".into()),
        (Place::Embed(Widget::LabWs), "embed-lab-ws".into()),
        (Place::Embed(Widget::Race), "embed-race".into()),
        (Place::Embed(Widget::Feed), "embed-feed".into()),
        (Place::Embed(Widget::Chat), "embed-chat".into()),
    ];
    for (slug, _) in protocol::pages::LESSONS {
        routes.push((Place::Lesson(slug), format!("lesson-{slug}")));
        routes.push((Place::EmbedLesson(slug), format!("lesson-{slug}")));
    }
    assert_eq!(routes.len(), 13 + 2 * 11);
    for lang in Lang::ALL {
        let mut seen = std::collections::HashMap::new();
        for (place, name) in &routes {
            let c = card(*place, lang, SITE, &[], &texts(lang));
            let want = format!("{SITE}/cards/{name}-{}.jpg", lang.tag());
            assert_eq!(c.image, want, "{place:?}");
            // No two routes share an image, but a lesson and its embed.
            if let Some(other) = seen.insert(c.image.clone(), *place) {
                let shared = matches!((other, place),
                    (Place::Lesson(a), Place::EmbedLesson(b)) if a == *b);
                assert!(shared, "{place:?} shares {want} with {other:?}");
            }
        }
        // "Not found" has no card of its own: the home page's.
        let nf = card(Place::NotFound, lang, SITE, &[], &texts(lang));
        assert_eq!(nf.image, format!("{SITE}/cards/home-{}.jpg", lang.tag()));
    }
}

/// The pixel size of a baseline or progressive JPEG: its first SOF segment's.
fn jpeg_size(jpg: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    while at + 9 < jpg.len() {
        if jpg[at] != 0xFF {
            return None;
        }
        let marker = jpg[at + 1];
        let len = usize::from(u16::from_be_bytes([jpg[at + 2], jpg[at + 3]]));
        // SOF0–SOF15, but DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            let h = u16::from_be_bytes([jpg[at + 5], jpg[at + 6]]);
            let w = u16::from_be_bytes([jpg[at + 7], jpg[at + 8]]);
            return Some((u32::from(w), u32::from(h)));
        }
        at += 2 + len;
    }
    None
}

#[test]
fn every_card_a_page_names_is_made_at_the_card_size() {
    let cards = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend");
    let names = image_names();
    // 5 pages, the list, 7 widgets, 11 lessons; in three languages.
    assert_eq!(names.len(), 24 * 3, "{names:?}");
    let mut total = 0;
    for name in names {
        let jpg = std::fs::read(cards.join(&name))
            .unwrap_or_else(|e| panic!("{name}: {e} (make the cards: cargo xtask cards)"));
        assert!(jpg.starts_with(b"\xFF\xD8\xFF"), "{name}: not a JPEG");
        assert_eq!(jpeg_size(&jpg), Some((CARD_WIDTH, CARD_HEIGHT)), "{name}");
        total += jpg.len();
    }
    // The one-file binary carries them all: keep them small (5.3 MB in all on 2026-12-07, 72 cards).
    assert!(total < 5_500_000, "the cards weigh {total} B");
    // Nothing left over from an older naming (a stray file is shipped in every binary).
    let made: Vec<_> = std::fs::read_dir(cards.join("cards"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let named = image_names();
    for file in made {
        assert!(
            named.contains(&format!("cards/{file}")),
            "frontend/cards/{file} is named by no page"
        );
    }
}
