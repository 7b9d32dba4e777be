//! "Embed this" on every full page with a widget (Home, both labs, Chat, a lesson; Compare
//! is `embed::embed_this_gives_the_snippet_a_preview_a_card_and_the_wrappers`): the dialog
//! page (`/embed-this/…`, a bundle of its own) offers that page's widgets, and its
//! snippet's URL carries the page's settings as they are at the click — a setting changed
//! on the page is in the snippet opened again; its way back returns to the page with them.

use super::{entry, js};
use crate::common::TestServer;
use crate::harness::{Browser, dist, wait_for};

/// The `src` of the snippet's iframe, decoded: its path and its query's pairs.
async fn snippet_src(b: &Browser) -> (String, Vec<(String, String)>) {
    let snippet = js(
        b,
        "return document.querySelector('[data-test=embed-snippet]').value;",
    )
    .await;
    let snippet = snippet.as_str().unwrap();
    let src = snippet
        .strip_prefix(r#"<iframe src=""#)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no iframe: {snippet}"))
        .replace("&amp;", "&");
    let url = url::Url::parse(&src).unwrap();
    let pairs = url.query_pairs().into_owned().collect();
    (url.path().to_owned(), pairs)
}

fn has(pairs: &[(String, String)], name: &str, value: &str) -> bool {
    pairs.iter().any(|(n, v)| n == name && v == value)
}

/// Opens "Embed this" (the page of `first`, the page's first widget's embed path), waits
/// for it, and returns the snippet's `src`.
async fn open_dialog(b: &Browser, first: &str) -> (String, Vec<(String, String)>) {
    b.click("[data-test=embed-this]").await;
    b.wait_visible("[data-test=embed-dialog]").await;
    let here = b.client.current_url().await.unwrap();
    let want = first.replacen("/embed/", "/embed-this/", 1);
    assert_eq!(here.path(), want, "{here}");
    snippet_src(b).await
}

/// Goes back to the full page (`at`'s path) and waits for it: the address keeps `kept`
/// (a setting) and `lang`.
async fn close_dialog(b: &Browser, at: &str, kept: (&str, &str), lang: &str) {
    b.click("[data-test=embed-close]").await;
    b.wait_visible("[data-test=embed-this]").await;
    let url = b.client.current_url().await.unwrap();
    let path = at.split('?').next().unwrap();
    assert_eq!(url.path(), path);
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(has(&pairs, kept.0, kept.1), "{at}: back with {pairs:?}");
    assert!(has(&pairs, "lang", lang), "{at}: back with {pairs:?}");
}

/// One full page: where it opens, the embeds it offers (their paths, in order, and the
/// catalogue key of each option's name when there are several), the setting the address
/// gave it, and the change made on the page with the setting it leaves.
struct Case {
    open: &'static str,
    marker: &'static str,
    widgets: &'static [&'static str],
    names: &'static [&'static str],
    given: (&'static str, &'static str),
    change: (&'static str, &'static str),
    changed: (&'static str, &'static str),
}

const CASES: [Case; 5] = [
    Case {
        open: "/?lang=en&payload=first",
        marker: "[data-test=http-send]",
        widgets: &["/embed/http", "/embed/ws"],
        names: &["http_title", "ws_title"],
        given: ("payload", "first"),
        change: ("[data-test=ws-payload]", "hello socket"),
        changed: ("message", "hello socket"),
    },
    Case {
        open: "/lab/http?lang=ja&count=3",
        marker: "[data-test=lab-run]",
        widgets: &["/embed/lab-http"],
        names: &[],
        given: ("count", "3"),
        change: ("[data-test=lab-count]", "5"),
        changed: ("count", "5"),
    },
    Case {
        open: "/lab/ws?lang=ko&size=64",
        marker: "[data-test=ws-connect]",
        widgets: &["/embed/lab-ws"],
        names: &[],
        given: ("size", "64"),
        change: ("[data-test=ws-size]", "200"),
        changed: ("size", "200"),
    },
    Case {
        open: "/chat?lang=en&room=alpha",
        marker: "[data-test=chat-join]",
        widgets: &["/embed/chat"],
        names: &[],
        given: ("room", "alpha"),
        change: ("[data-test=chat-room]", "beta"),
        changed: ("room", "beta"),
    },
    // A lesson's only setting is its language (the header's select).
    Case {
        open: "/learn/keep-alive?lang=en",
        marker: "[data-test=lesson-claim]",
        widgets: &["/embed/learn/keep-alive"],
        names: &[],
        given: ("lang", "en"),
        change: ("[data-test=lang-select]", "ko"),
        changed: ("lang", "ko"),
    },
];

#[tokio::test]
async fn embed_this_on_each_page_offers_its_widgets_with_its_settings() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    for case in CASES {
        let at = case.open;
        b.client.goto(&server.url(at)).await.unwrap();
        b.wait_visible(case.marker).await;
        let lang = url::Url::parse(&server.url(at))
            .unwrap()
            .query_pairs()
            .find(|(n, _)| n == "lang")
            .map(|(_, v)| v.into_owned())
            .unwrap();

        // The page's first widget, with the setting the address gave.
        let (path, pairs) = open_dialog(&b, case.widgets[0]).await;
        assert_eq!(path, case.widgets[0], "{at}");
        assert!(has(&pairs, case.given.0, case.given.1), "{at}: {pairs:?}");
        assert!(has(&pairs, "lang", &lang), "{at}: {pairs:?}");
        // Its other widgets, by name, in the page's language.
        if case.widgets.len() > 1 {
            let options = js(
                &b,
                "return [...document.querySelectorAll('[data-test=embed-widget] option')]
                     .map(o => o.textContent);",
            )
            .await;
            let want: Vec<String> = case.names.iter().map(|k| entry(&lang, k)).collect();
            assert_eq!(options, serde_json::json!(want), "{at}");
            for (i, widget) in case.widgets.iter().enumerate().skip(1) {
                b.select("[data-test=embed-widget]", &i.to_string()).await;
                wait_for(&format!("{at}: {widget}'s snippet"), || async {
                    (snippet_src(&b).await.0 == *widget).then_some(())
                })
                .await;
            }
        } else {
            assert_eq!(b.count("[data-test=embed-widget]").await, 0, "{at}");
        }
        close_dialog(&b, at, case.given, &lang).await;

        // A setting changed on the page is in the snippet reopened.
        let (css, value) = case.change;
        if css.contains("select") {
            b.select(css, value).await;
        } else {
            b.set_input(css, value).await;
        }
        b.wait_query(case.changed.0, case.changed.1).await;
        let (_, pairs) = open_dialog(&b, case.widgets[0]).await;
        assert!(
            has(&pairs, case.changed.0, case.changed.1),
            "{at}: {pairs:?} after the change"
        );
        let lang_now = if case.changed.0 == "lang" {
            case.changed.1
        } else {
            &lang
        };
        close_dialog(&b, at, case.changed, lang_now).await;
    }
    b.finish().await;
}
