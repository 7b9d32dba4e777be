//! Link cards, oEmbed and framing over real TCP (issue 11): each page's HTML carries its own
//! title, description, Open Graph and X/Twitter tags and an absolute oEmbed discovery link,
//! in the requested language; `/oembed` answers per the spec; embeds may be framed by any
//! site while full pages stay cross-origin isolated and frame only themselves.

mod common;

use std::io::Read as _;

use common::TestServer;
use protocol::ErrorCode;
use protocol::oembed::OEmbed;

const INDEX: &str = include_str!("../../index.html");

/// A `dist/` with every bundle's HTML (the real `index.html`, markers and all, and a
/// comment naming the bundle), the real catalogues, one lesson text and one card image.
fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for bundle in protocol::pages::Bundle::ALL {
        let html = INDEX.replace(
            "</body>",
            &format!("<!-- bundle {} --></body>", bundle.name()),
        );
        std::fs::write(dir.path().join(bundle.html()), html).unwrap();
    }
    for lang in ["en", "ja", "ko"] {
        std::fs::copy(
            root.join(format!("frontend/locales/{lang}.txt")),
            dir.path().join(format!("{lang}.txt")),
        )
        .unwrap();
    }
    std::fs::create_dir_all(dir.path().join("lessons/ko")).unwrap();
    std::fs::copy(
        root.join("frontend/lessons/ko/keep-alive.txt"),
        dir.path().join("lessons/ko/keep-alive.txt"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("cards")).unwrap();
    std::fs::write(
        dir.path().join("cards/lesson-keep-alive-ko.jpg"),
        b"\xFF\xD8\xFF\xE0",
    )
    .unwrap();
    dir
}

fn entry(lang: &str, key: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join(format!("frontend/locales/{lang}.txt"))).unwrap();
    text.lines()
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key).then(|| v.trim().to_owned())
        })
        .unwrap()
}

struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    html: String,
}

async fn page(server: &TestServer, path: &str, extra: &[(&str, &str)]) -> Page {
    let mut req = reqwest::Client::new()
        .get(server.url(path))
        .header("accept-encoding", "br");
    for (n, v) in extra {
        req = req.header(*n, *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.unwrap();
    let mut html = String::new();
    if headers.get("content-encoding").is_some_and(|v| v == "br") && !bytes.is_empty() {
        brotli::Decompressor::new(&bytes[..], 4096)
            .read_to_string(&mut html)
            .unwrap();
    } else {
        html = String::from_utf8(bytes.to_vec()).unwrap();
    }
    Page {
        status,
        headers,
        html,
    }
}

fn header(p: &Page, name: &str) -> Option<String> {
    p.headers.get(name).map(|v| v.to_str().unwrap().to_owned())
}

/// The `content` of `<meta property|name="{name}" …>`.
fn meta(html: &str, name: &str) -> Option<String> {
    let at = html
        .find(&format!(r#"property="{name}" content=""#))
        .or_else(|| html.find(&format!(r#"name="{name}" content=""#)))?;
    let rest = &html[at..];
    let start = rest.find("content=\"")? + 9;
    Some(rest[start..start + rest[start..].find('"')?].to_owned())
}

#[tokio::test]
async fn each_page_carries_its_own_card_in_its_language() {
    let dir = dist();
    let server = TestServer::serve(dir.path()).await;
    let origin = format!("http://{}", server.addr);

    let lab = page(&server, "/lab/http?n=5&lang=ja", &[]).await;
    assert_eq!(lab.status, 200);
    assert!(lab.html.contains(r#"<html lang="ja">"#));
    let title = format!("{} — Duplex", entry("ja", "lab_title"));
    assert!(
        lab.html.contains(&format!("<title>{title}</title>")),
        "{}",
        lab.html
    );
    assert_eq!(meta(&lab.html, "og:title").unwrap(), title);
    assert_eq!(
        meta(&lab.html, "og:url").unwrap(),
        format!("{origin}/lab/http?n=5&amp;lang=ja")
    );
    assert_eq!(
        meta(&lab.html, "og:image").unwrap(),
        format!("{origin}/cards/lab_http-ja.jpg")
    );
    assert_eq!(meta(&lab.html, "og:locale").unwrap(), "ja_JP");
    assert_eq!(
        meta(&lab.html, "twitter:card").unwrap(),
        "summary_large_image"
    );
    assert!(lab.html.contains(&format!(
        r#"<link rel="alternate" type="application/json+oembed" href="{origin}/oembed?url=http%3A%2F%2F"#
    )));
    // Only one title: the build's English card is gone, the rest of the head stays.
    assert_eq!(lab.html.matches("<title>").count(), 1);
    assert!(lab.html.contains(r#"rel="icon" href="/favicon.svg""#));
    assert!(lab.html.contains("<!-- duplex:shell -->"));

    // No `?lang=`: the browser's Accept-Language picks it.
    let ws = page(&server, "/lab/ws", &[("accept-language", "fr, ko;q=0.9")]).await;
    assert_eq!(
        meta(&ws.html, "og:title").unwrap(),
        format!("{} — Duplex", entry("ko", "ws_lab_title"))
    );
    assert!(header(&ws, "vary").unwrap().contains("accept-language"));

    // A lesson names the claim it tests (from its own text).
    let lesson = page(&server, "/learn/keep-alive?lang=ko", &[]).await;
    let description = meta(&lesson.html, "og:description").unwrap();
    assert!(
        description.starts_with(&entry("ko", "lesson_claim")),
        "{description}"
    );
    assert_eq!(
        meta(&lesson.html, "og:image").unwrap(),
        format!("{origin}/cards/lesson-keep-alive-ko.jpg")
    );
    let card = reqwest::get(format!("{origin}/cards/lesson-keep-alive-ko.jpg"))
        .await
        .unwrap();
    assert_eq!(card.status(), 200);
    assert_eq!(card.headers()["content-type"], "image/jpeg");
    assert_eq!(
        card.headers()["cross-origin-resource-policy"],
        "cross-origin"
    );

    // An address no page has: 404, kept out of indexes, still the page that says so.
    let nope = page(&server, "/nope", &[]).await;
    assert_eq!(nope.status, 404);
    assert_eq!(meta(&nope.html, "robots").unwrap(), "noindex");
}

/// Every route's HTML names its own image (og:image and twitter:image alike): each page
/// its page, each embed its widget, the list the list, a lesson (full or embedded) that
/// lesson. The names are written out here, so a route given another's card fails.
#[tokio::test]
async fn each_route_names_its_own_card_image() {
    let dir = dist();
    let server = TestServer::serve(dir.path()).await;
    let origin = format!("http://{}", server.addr);
    let routes = [
        ("/", "home"),
        ("/lab/http", "lab_http"),
        ("/lab/ws", "lab_ws"),
        ("/compare", "compare"),
        ("/chat", "chat"),
        ("/learn", "learn"),
        ("/learn/keep-alive", "lesson-keep-alive"),
        ("/learn/one-request", "lesson-one-request"),
        ("/embed/learn/keep-alive", "lesson-keep-alive"),
        ("/embed/http", "embed-http"),
        ("/embed/ws", "embed-ws"),
        ("/embed/lab-http", "embed-lab-http"),
        ("/embed/lab-ws", "embed-lab-ws"),
        ("/embed/race", "embed-race"),
        ("/embed/feed", "embed-feed"),
        ("/embed/chat", "embed-chat"),
    ];
    for (path, name) in routes {
        for lang in ["en", "ja", "ko"] {
            let p = page(&server, &format!("{path}?lang={lang}"), &[]).await;
            assert_eq!(p.status, 200, "{path}");
            let want = format!("{origin}/cards/{name}-{lang}.jpg");
            assert_eq!(meta(&p.html, "og:image").as_ref(), Some(&want), "{path}");
            assert_eq!(meta(&p.html, "twitter:image"), Some(want), "{path}");
        }
    }
}

#[tokio::test]
async fn a_public_origin_names_the_site_in_cards() {
    let dir = dist();
    let state = backend::AppState::new(dir.path()).with_public_origin(
        backend::origin::PublicOrigin::new("https://Duplex.example:443/").unwrap(),
    );
    let server = TestServer::serve_state(state).await;
    let home = page(&server, "/", &[]).await;
    assert_eq!(
        meta(&home.html, "og:url").unwrap(),
        "https://duplex.example/?lang=en"
    );
    assert_eq!(
        meta(&home.html, "og:title").unwrap(),
        entry("en", "meta_home_title")
    );
    // A `Host` that is not a plain host[:port] never reaches the HTML.
    let server2 = TestServer::serve(dir.path()).await;
    let odd = page(&server2, "/", &[("host", "x\"><script>")]).await;
    assert!(!odd.html.contains("<script>\""));
    assert!(odd.html.contains(r#"content="http://localhost/?lang=en""#));
}

#[tokio::test]
async fn embeds_may_be_framed_anywhere_and_pages_only_here() {
    let dir = dist();
    let server = TestServer::serve(dir.path()).await;
    let full = page(&server, "/compare", &[]).await;
    assert_eq!(
        header(&full, "cross-origin-opener-policy").unwrap(),
        "same-origin"
    );
    assert_eq!(
        header(&full, "cross-origin-embedder-policy").unwrap(),
        "require-corp"
    );
    assert_eq!(
        header(&full, "content-security-policy").unwrap(),
        "frame-ancestors 'self'"
    );
    for path in ["/embed/race", "/embed/lab-http", "/embed/learn/keep-alive"] {
        let embed = page(&server, path, &[]).await;
        assert_eq!(embed.status, 200, "{path}");
        assert_eq!(header(&embed, "cross-origin-opener-policy"), None, "{path}");
        assert_eq!(
            header(&embed, "cross-origin-embedder-policy").unwrap(),
            "require-corp"
        );
        assert_eq!(
            header(&embed, "cross-origin-resource-policy").unwrap(),
            "cross-origin"
        );
        assert_eq!(
            header(&embed, "content-security-policy").unwrap(),
            "frame-ancestors *"
        );
    }
    assert_eq!(page(&server, "/embed/nope", &[]).await.status, 404);
    // "Embed this" is a full page of its own bundle, kept out of search indexes.
    let this = page(&server, "/embed-this/race?n=5&lang=ko", &[]).await;
    assert_eq!(this.status, 200);
    assert!(
        this.html.contains("<!-- bundle embed_this -->"),
        "{}",
        this.html
    );
    assert_eq!(
        header(&this, "cross-origin-opener-policy").unwrap(),
        "same-origin"
    );
    assert_eq!(
        header(&this, "content-security-policy").unwrap(),
        "frame-ancestors 'self'"
    );
    let title = format!(
        "{}: {} — Duplex",
        entry("ko", "embed_this_title"),
        entry("ko", "cmp_race_title")
    );
    assert!(
        this.html.contains(&format!("<title>{title}</title>")),
        "{}",
        this.html
    );
    assert!(this.html.contains(r#"content="noindex""#), "{}", this.html);
    for bad in ["/embed-this/nope", "/embed-this", "/embed-this/learn/nope"] {
        let missing = page(&server, bad, &[]).await;
        assert_eq!(missing.status, 404, "{bad}");
        assert!(missing.html.contains("<!-- bundle home -->"), "{bad}");
    }
}

#[tokio::test]
async fn pages_revalidate_with_their_etag() {
    let dir = dist();
    let server = TestServer::serve(dir.path()).await;
    let first = page(&server, "/chat?lang=ko", &[]).await;
    let etag = header(&first, "etag").unwrap();
    let again = page(&server, "/chat?lang=ko", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    let other = page(&server, "/chat?lang=ja", &[("if-none-match", &etag)]).await;
    assert_eq!(other.status, 200);
    let head = reqwest::Client::new()
        .head(server.url("/chat"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert!(
        head.headers()["content-length"]
            .to_str()
            .unwrap()
            .parse::<usize>()
            .unwrap()
            > 1000
    );
}

async fn oembed(server: &TestServer, query: &str) -> reqwest::Response {
    reqwest::get(server.url(&format!("/oembed?{query}")))
        .await
        .unwrap()
}

#[tokio::test]
async fn oembed_answers_for_this_site_only() {
    let dir = dist();
    let server = TestServer::serve(dir.path()).await;
    let origin = format!("http://{}", server.addr);
    let url = protocol::query::encode(&format!("{origin}/lab/ws?lang=ko"));
    let resp = oembed(&server, &format!("url={url}&format=json&maxwidth=500")).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let o: OEmbed = resp.json().await.unwrap();
    assert_eq!((o.kind.as_str(), o.version.as_str()), ("rich", "1.0"));
    assert_eq!(o.width, 500);
    assert!(
        o.html
            .contains(&format!(r#"src="{origin}/embed/lab-ws?lang=ko""#)),
        "{}",
        o.html
    );
    assert_eq!(o.title, format!("{} — Duplex", entry("ko", "ws_lab_title")));

    for (query, status, code) in [
        (
            "url=https%3A%2F%2Fevil.example%2Flab%2Fws",
            404,
            ErrorCode::NotFound,
        ),
        (
            &format!("url={url}&format=xml") as &str,
            501,
            ErrorCode::UnsupportedFormat,
        ),
        ("format=json", 400, ErrorCode::BadQuery),
        (
            &format!("url={url}&maxwidth=-1") as &str,
            400,
            ErrorCode::BadQuery,
        ),
        (
            &format!("url={url}&maxheight=100") as &str,
            404,
            ErrorCode::NotFound,
        ),
    ] {
        let resp = oembed(&server, query).await;
        assert_eq!(resp.status(), status, "{query}");
        let body: protocol::ErrorBody = resp.json().await.unwrap();
        assert_eq!(body.code, code, "{query}");
    }
}
