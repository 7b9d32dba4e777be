//! Embeds in a blog post, for real across origins (issue 11): a host page served from a
//! second server on another port frames each widget's embed (every `Widget`, and lessons)
//! as the "Embed this" snippet does; nothing opens a socket or calls the API before a
//! click; the embeds speak the `lang` and wear the `theme` their URL asks for, run when
//! started, say their clock is coarse, and report heights the host's script applies;
//! without the script the snippet's own height holds and the embed scrolls inside it; an
//! embed's first load is measured on the wire; in an isolated host (with
//! `allow="cross-origin-isolated"`) an embed's clock is fine-grained. "Embed this" on
//! every full page with a widget offers that page's widgets with its current settings.

use std::net::SocketAddr;

use axum::response::{Html, IntoResponse};
use serde_json::json;

use crate::common::TestServer;
use crate::harness::{Browser, dist, screenshot_dir, wait_for};

/// The mock blog post: Japanese text around two Duplex embeds, with the parent script.
fn blog_post(duplex: &str, isolated: bool) -> String {
    let allow = if isolated {
        r#" allow="cross-origin-isolated""#
    } else {
        ""
    };
    format!(
        r#"<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ソケット通信と HTTP の違いを実際に見てみる</title>
<style>
body {{ margin: 0; background: #fff; color: #222; font: 16px/1.9 "Noto Sans CJK JP", sans-serif; }}
article {{ max-width: 760px; margin: 0 auto; padding: 24px 16px 48px; }}
h1 {{ font-size: 1.7rem; line-height: 1.5; margin: 0 0 8px; }}
.meta {{ color: #777; font-size: 0.85rem; margin-bottom: 24px; }}
h2 {{ font-size: 1.3rem; border-bottom: 1px solid #e5e5e5; padding-bottom: 4px; margin-top: 36px; }}
code {{ background: #f2f2f2; padding: 1px 4px; border-radius: 3px; }}
iframe {{ display: block; width: 100%; height: 420px; border: 1px solid #e5e5e5; border-radius: 8px; }}
figure {{ margin: 24px 0; }}
figcaption {{ color: #777; font-size: 0.85rem; margin-top: 4px; }}
</style></head><body><article>
<h1>ソケット通信と HTTP 通信の違いを実際に見てみる</h1>
<p class="meta">2026-11-24 ・ ネットワーク</p>
<p>「HTTP はリクエストを送るとレスポンスが返ってきて、そこで接続が切れる」とよく説明されます。本当にそうなのか、下の HTTP ラボで確かめてみましょう。<code>Connection: close</code> と keep-alive を切り替えると、どの TCP 接続が使われたかが見えます。</p>
<figure><iframe id="lab" src="{duplex}/embed/lab-http?lang=ja" title="Duplex: HTTP ラボ"{allow}></iframe>
<figcaption>HTTP ラボ（Duplex）</figcaption></figure>
<h2>ソケット通信はつながったまま</h2>
<p>一方、WebSocket は一度つながると開いたままで、サーバーからも送れます。</p>
<figure><iframe id="ws" src="{duplex}/embed/ws?lang=ko&amp;theme=dark" title="Duplex: WebSocket"{allow}></iframe>
<figcaption>WebSocket（Duplex、韓国語・ダーク表示）</figcaption></figure>
<p>どちらも「はじめる」を押すまでは何も接続しません。</p>
</article>
{script}
</body></html>"#,
        script = protocol::oembed::parent_script(duplex)
    )
}

/// Serves the blog post on 127.0.0.1:0 (another origin than Duplex's): `/` plain,
/// `/isolated` cross-origin isolated (COOP + COEP) with `allow="cross-origin-isolated"`.
async fn host(duplex: String) -> (SocketAddr, tokio_util::sync::CancellationToken) {
    let plain = blog_post(&duplex, false);
    let isolated = blog_post(&duplex, true);
    let app = axum::Router::new()
        .route("/", axum::routing::get(move || async move { Html(plain) }))
        .route(
            "/isolated",
            axum::routing::get(move || async move {
                (
                    [
                        ("cross-origin-opener-policy", "same-origin"),
                        ("cross-origin-embedder-policy", "require-corp"),
                    ],
                    Html(isolated),
                )
                    .into_response()
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = tokio_util::sync::CancellationToken::new();
    let token = stop.clone();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(token.cancelled_owned())
            .await
            .unwrap();
    });
    (addr, stop)
}

async fn js(b: &Browser, script: &str) -> serde_json::Value {
    b.client.execute(script, vec![]).await.unwrap()
}

/// Enters the host page's iframe `id` (from the top).
async fn enter(b: &Browser, id: &str) {
    b.client.enter_parent_frame().await.unwrap();
    b.client.enter_parent_frame().await.unwrap();
    let index = js(
        b,
        &format!(
            "return [...document.querySelectorAll('iframe')].findIndex(f => f.id === '{id}');"
        ),
    )
    .await
    .as_u64()
    .unwrap();
    b.client.enter_frame(index as u16).await.unwrap();
}

/// The API and WebSocket addresses the frame entered has fetched (Resource Timing).
async fn api_calls(b: &Browser) -> serde_json::Value {
    js(
        b,
        "return performance.getEntriesByType('resource').map(e => e.name)
             .filter(n => n.includes('/api/') || n.includes('/ws'));",
    )
    .await
}

async fn top(b: &Browser) {
    b.client.enter_parent_frame().await.unwrap();
}

/// The height the host gave iframe `id`, and the height its page has, once they agree.
async fn heights_agree(b: &Browser, id: &str) -> f64 {
    wait_for(&format!("iframe {id} sized to its page"), || async {
        enter(b, id).await;
        let inner = js(b, "return document.body.getBoundingClientRect().height;")
            .await
            .as_f64()?;
        top(b).await;
        // The iframe's inside (its border, if any, is not the embed's).
        let outer = js(
            b,
            &format!("return document.getElementById('{id}').clientHeight;"),
        )
        .await
        .as_f64()?;
        ((outer - inner.ceil()).abs() <= 1.0 && inner > 100.0).then_some(inner)
    })
    .await
}

async fn stats(server: &TestServer) -> protocol::stats::ServerStats {
    reqwest::get(server.url(protocol::stats::STATS_PATH))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn entry(lang: &str, key: &str) -> String {
    let text = std::fs::read_to_string(dist().join(format!("{lang}.txt"))).unwrap();
    text.lines()
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key).then(|| v.trim().to_owned())
        })
        .unwrap()
}

#[tokio::test]
async fn a_blog_post_on_another_origin_embeds_the_lab_and_the_socket() {
    let server = TestServer::serve(&dist()).await;
    let duplex = format!("http://{}", server.addr);
    let (addr, stop) = host(duplex.clone()).await;
    let b = Browser::start("ja-JP").await;
    b.client.goto(&format!("http://{addr}/")).await.unwrap();

    // Both embeds draw their start screens, in the language and theme their URLs ask for.
    enter(&b, "lab").await;
    b.wait_visible("[data-test=embed-start]").await;
    assert_eq!(
        b.text("[data-test=embed-start]").await.unwrap(),
        entry("ja", "embed_start")
    );
    enter(&b, "ws").await;
    b.wait_visible("[data-test=embed-start]").await;
    assert_eq!(
        b.text("[data-test=embed-start]").await.unwrap(),
        entry("ko", "embed_start")
    );
    let bg = js(
        &b,
        "return getComputedStyle(document.body).backgroundColor;",
    )
    .await;
    assert_eq!(bg, json!("rgb(15, 18, 22)"), "theme=dark");
    let open = b.attr("[data-test=embed-open]", "href").await.unwrap();
    assert_eq!(open, "/?lang=ko&theme=dark");
    assert_eq!(
        b.attr("[data-test=embed-open]", "target").await.as_deref(),
        Some("_blank")
    );

    // Nothing has touched the network beyond the page's own files: no session ever, no API.
    for id in ["lab", "ws"] {
        enter(&b, id).await;
        let calls = api_calls(&b).await;
        assert_eq!(calls, json!([]), "{id} before a click");
    }
    assert_eq!(
        stats(&server).await.sessions_peak,
        0,
        "a socket before a click"
    );

    // The host applied the heights the embeds reported.
    let lab_before = heights_agree(&b, "lab").await;
    heights_agree(&b, "ws").await;

    // Started, the lab runs a request; the iframe grows with it.
    enter(&b, "lab").await;
    b.click("[data-test=embed-start]").await;
    b.wait_attr("[data-test=observer-link]", "data-link", "live")
        .await;
    b.wait_attr("[data-test=timer-note]", "data-isolated", "false")
        .await;
    b.set_input("[data-test=lab-count]", "2").await;
    b.run_lab(2).await;
    let lab_after = heights_agree(&b, "lab").await;
    assert!(lab_after > lab_before + 100.0, "{lab_before} → {lab_after}");

    // The socket opens only now, and exchanges a message.
    enter(&b, "ws").await;
    b.click("[data-test=embed-start]").await;
    b.connect_ws().await;
    assert!(stats(&server).await.sessions_peak >= 1);
    let ws_desktop = heights_agree(&b, "ws").await;

    // The mock post as its readers see it (desktop, then a phone).
    top(&b).await;
    let dir = screenshot_dir();
    b.shoot(&dir, "embed-blog-desktop").await;
    b.client.set_window_size(380, 900).await.unwrap();
    // Both frames re-sized for the phone: narrower, so taller than on the desktop.
    let lab_phone = heights_agree(&b, "lab").await;
    let ws_phone = heights_agree(&b, "ws").await;
    assert!(lab_phone > lab_after, "{lab_after} → {lab_phone}");
    assert!(ws_phone > ws_desktop, "{ws_desktop} → {ws_phone}");
    b.shoot(&dir, "embed-blog-380").await;

    // In an isolated host that allows it, the embed is isolated too: a 5 µs clock.
    b.client.set_window_size(1280, 1000).await.unwrap();
    b.client
        .goto(&format!("http://{addr}/isolated"))
        .await
        .unwrap();
    enter(&b, "lab").await;
    b.click("[data-test=embed-start]").await;
    b.wait_attr("[data-test=timer-note]", "data-isolated", "true")
        .await;
    b.finish().await;
    stop.cancel();
}

#[tokio::test]
async fn embed_this_gives_the_snippet_a_preview_a_card_and_the_wrappers() {
    let server = TestServer::serve(&dist()).await;
    let origin = format!("http://{}", server.addr);
    let b = Browser::start("en-US").await;
    b.client
        .goto(&server.url("/compare?lang=ja&n=50"))
        .await
        .unwrap();
    b.wait_visible("[data-test=embed-this]").await;
    assert_eq!(b.count("[data-test=embed-dialog]").await, 0);
    // The page's settings as they are at the click, not as the link was drawn.
    js(
        &b,
        "history.replaceState(null, '', '/compare?lang=ja&n=50&k=3'); return null;",
    )
    .await;
    b.click("[data-test=embed-this]").await;
    // "Embed this" is a page of its own (its own bundle), with the page's query.
    b.wait_visible("[data-test=embed-dialog]").await;
    let here = b.client.current_url().await.unwrap();
    assert_eq!(here.path(), "/embed-this/race");
    assert_eq!(here.query(), Some("lang=ja&n=50&k=3"));
    let title = js(&b, "return document.title;").await;
    let title = title.as_str().unwrap();
    assert!(
        title.starts_with(&format!("{}: ", entry("ja", "embed_this_title"))),
        "{title}"
    );
    assert_eq!(b.count("[data-test=embed-this]").await, 0);
    let snippet = || async {
        js(
            &b,
            "return document.querySelector('[data-test=embed-snippet]').value;",
        )
        .await
        .as_str()
        .unwrap()
        .to_owned()
    };
    // The race first, with the page's settings and language; then the feed.
    let race = snippet().await;
    assert!(
        race.starts_with(&format!(
            r#"<iframe src="{origin}/embed/race?lang=ja&amp;n=50&amp;k=3" "#
        )),
        "{race}"
    );
    assert!(
        race.contains(&format!(r#"e.origin !== "{origin}""#)),
        "{race}"
    );
    b.select("[data-test=embed-widget]", "1").await;
    wait_for("the feed's snippet", || async {
        snippet().await.contains("/embed/feed?").then_some(())
    })
    .await;
    // The address follows the choice, settings and all.
    let chosen = b.client.current_url().await.unwrap();
    assert_eq!(chosen.path(), "/embed-this/feed");
    assert_eq!(chosen.query(), Some("lang=ja&n=50&k=3"));
    // The preview is the embed itself, and grows to the height it reports.
    let natural = protocol::oembed::natural_size(protocol::pages::Place::Embed(
        protocol::pages::Widget::Feed,
    ))
    .1 as f64;
    wait_for("the preview sized by its own report", || async {
        let h = js(
            &b,
            "return document.querySelector('[data-test=embed-preview]').getBoundingClientRect().height;",
        )
        .await
        .as_f64()?;
        ((h - natural).abs() > 20.0 && h > 150.0).then_some(h)
    })
    .await;
    // The link card names the full page; the wrappers carry the snippet.
    let url = b.text("[data-test=embed-url]").await.unwrap();
    assert!(url.starts_with(&format!("{origin}/compare?")), "{url}");
    let pen = js(
        &b,
        "return document.querySelector('[data-test=embed-codepen] input[name=data]').value;",
    )
    .await;
    let pen: serde_json::Value = serde_json::from_str(pen.as_str().unwrap()).unwrap();
    assert_eq!(pen["html"].as_str().unwrap(), snippet().await);
    assert_eq!(
        b.attr("[data-test=embed-codepen]", "action")
            .await
            .as_deref(),
        Some(crate_embed_action("codepen"))
    );
    let files = js(
        &b,
        "return document.querySelector('[data-test=embed-stackblitz] input[name=\"project[files][index.html]\"]').value;",
    )
    .await;
    assert!(files.as_str().unwrap().contains(&snippet().await));
    // Copy: the clipboard gets the snippet (headless Chromium grants it to a focused page).
    b.click("[data-test=embed-copy]").await;
    b.wait_visible("[data-test=embed-copied]").await;
    let copied = b.text("[data-test=embed-copied]").await.unwrap();
    assert_eq!(copied, entry("ja", "embed_this_copied"), "{copied}");
    let shot = screenshot_dir();
    b.shoot(&shot, "embed-this-ja-desktop").await;
    b.client.set_window_size(380, 900).await.unwrap();
    b.shoot(&shot, "embed-this-ja-380").await;
    // Another language here: the snippet follows at once.
    b.select("[data-test=lang-select]", "ko").await;
    wait_for("the snippet in Korean", || async {
        snippet().await.contains("?lang=ko&amp;n=50").then_some(())
    })
    .await;
    // Back: the full page, with the settings.
    b.click("[data-test=embed-close]").await;
    b.wait_visible("[data-test=embed-this]").await;
    let back = b.client.current_url().await.unwrap();
    assert_eq!(back.path(), "/compare");
    // (where the page writes out the rest of its settings).
    let query = back.query().unwrap_or("");
    assert!(query.starts_with("lang=ko&n=50&k=3&"), "{query}");
    assert_eq!(b.count("[data-test=embed-dialog]").await, 0);
    b.finish().await;
}

/// The forms' actions, as the page's model names them.
fn crate_embed_action(which: &str) -> &'static str {
    match which {
        "codepen" => "https://codepen.io/pen/define",
        _ => "https://stackblitz.com/run",
    }
}

mod dialog;
mod widgets;
