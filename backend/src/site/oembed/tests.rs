//! oEmbed answers per the spec (<https://oembed.com>, section 2.3).

use super::*;

const EN: &str = include_str!("../../../../frontend/locales/en.txt");
const JA: &str = include_str!("../../../../frontend/locales/ja.txt");
const SITE: &str = "https://duplex.example";

fn ask(pairs: &[(&str, &str)]) -> Result<Ask, OEmbedError> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    Ask::from_pairs(&pairs)
}

fn texts(catalogue: &'static str) -> Texts<'static> {
    Texts {
        catalogue,
        english: EN,
        lesson: None,
    }
}

fn run(pairs: &[(&str, &str)]) -> Result<OEmbed, OEmbedError> {
    let a = ask(pairs)?;
    let t = target(&a, SITE)?;
    let catalogue = if t.lang == Lang::Ja { JA } else { EN };
    answer(&a, &t, SITE, &texts(catalogue))
}

#[test]
fn a_page_answers_its_embed_as_rich_json() {
    let o = run(&[
        ("url", "https://duplex.example/lab/http?n=5&lang=ja"),
        ("format", "json"),
    ])
    .unwrap();
    assert_eq!(o.version, "1.0");
    assert_eq!(o.kind, "rich");
    assert_eq!(o.provider_name, "Duplex");
    assert_eq!(o.provider_url, "https://duplex.example/");
    assert!(
        o.title
            .starts_with(crate::site::meta::entry(JA, "lab_title").unwrap())
    );
    assert!(
        o.html.starts_with(
            r#"<iframe src="https://duplex.example/embed/lab-http?n=5&amp;lang=ja" width="960" height="900""#
        ),
        "{}",
        o.html
    );
    assert!(o.html.ends_with("></iframe>"));
    assert_eq!((o.width, o.height), (960, 900));
    assert_eq!(
        o.thumbnail_url.as_deref(),
        Some("https://duplex.example/cards/lab_http-ja.jpg")
    );
    assert_eq!(
        (o.thumbnail_width, o.thumbnail_height),
        (Some(1200), Some(630))
    );
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(json["type"], "rich");
    assert!(json.get("kind").is_none());
}

#[test]
fn maxwidth_and_maxheight_are_respected() {
    let o = run(&[
        ("url", "https://duplex.example/compare"),
        ("maxwidth", "600"),
        ("maxheight", "500"),
    ])
    .unwrap();
    assert_eq!((o.width, o.height), (600, 500));
    assert!(o.html.contains(r#"width="600" height="500""#));
    // The card no longer fits: no thumbnail (the spec ties all three together).
    assert_eq!(o.thumbnail_url, None);
    assert_eq!(o.thumbnail_width, None);
    let big = run(&[("url", "https://duplex.example/"), ("maxwidth", "5000")]).unwrap();
    assert_eq!(big.width, 640);
    assert!(big.html.contains("/embed/http?lang=en"));
    assert_eq!(
        run(&[("url", "https://duplex.example/"), ("maxwidth", "200")]),
        Err(OEmbedError::TooSmall)
    );
}

#[test]
fn lessons_and_embeds_answer_and_the_list_does_not() {
    let o = run(&[("url", "https://duplex.example/learn/keep-alive")]).unwrap();
    assert!(
        o.html.contains("/embed/learn/keep-alive?lang=en"),
        "{}",
        o.html
    );
    assert!(o.title.contains("Keep-alive"), "{}", o.title);
    let o = run(&[("url", "https://DUPLEX.example:443/embed/feed?rate=20#x")]).unwrap();
    assert!(
        o.html.contains("/embed/feed?rate=20&amp;lang=en"),
        "{}",
        o.html
    );
    // An "Embed this" address answers as the embed it offers, titled as that embed.
    let o = run(&[(
        "url",
        "https://duplex.example/embed-this/feed?rate=20&lang=ja",
    )])
    .unwrap();
    assert!(
        o.html.contains("/embed/feed?rate=20&amp;lang=ja"),
        "{}",
        o.html
    );
    assert!(
        o.title
            .starts_with(crate::site::meta::entry(JA, "cmp_feed_title").unwrap()),
        "{}",
        o.title
    );
    assert_eq!(
        run(&[("url", "https://duplex.example/learn")]),
        Err(OEmbedError::NoEmbed)
    );
    assert_eq!(
        run(&[("url", "https://duplex.example/nope")]),
        Err(OEmbedError::NoEmbed)
    );
}

#[test]
fn other_sites_formats_and_garbage_are_refused() {
    for url in [
        "https://evil.example/lab/http",
        "http://duplex.example/lab/http",
        "https://duplex.example.evil/lab/http",
        "https://duplex.example@evil.example/",
        "/lab/http",
        "duplex.example/lab/http",
        "javascript:alert(1)",
    ] {
        assert!(
            matches!(run(&[("url", url)]), Err(OEmbedError::NotThisSite(_))),
            "{url}"
        );
    }
    assert_eq!(run(&[]), Err(OEmbedError::MissingUrl));
    assert_eq!(
        run(&[("url", "https://duplex.example/"), ("format", "xml")]),
        Err(OEmbedError::Format("xml".into()))
    );
    assert_eq!(
        run(&[("url", "https://duplex.example/"), ("maxwidth", "wide")]).unwrap_err(),
        OEmbedError::NotANumber("maxwidth")
    );
}
