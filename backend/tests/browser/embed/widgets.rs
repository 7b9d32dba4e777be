//! Every widget's embed framed by another origin, the way a post pastes the "Embed this"
//! snippet: one host page per widget (a fresh Duplex server each, so each embed is a first
//! load on a cold cache and its server's counts are its own), with and without the host's
//! resize script.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::Query;
use axum::response::Html;
use fantoccini::actions::{WheelAction, WheelActions};
use protocol::oembed::natural_size;
use protocol::pages::{Place, Widget};
use serde_json::json;

use super::{api_calls, enter, entry, heights_agree, js, stats, top};
use crate::common::TestServer;
use crate::harness::{Browser, dist, wait_for};

/// Each embed tried, the language it is asked for, and what its widget draws once started.
const EMBEDS: [(Place, &str, &str); 9] = [
    (Place::Embed(Widget::Http), "en", "[data-test=http-send]"),
    (Place::Embed(Widget::Ws), "ja", "[data-test=ws-connect]"),
    (Place::Embed(Widget::LabHttp), "ko", "[data-test=lab-run]"),
    (Place::Embed(Widget::LabWs), "en", "[data-test=ws-connect]"),
    (Place::Embed(Widget::Race), "ja", "[data-test=race-run]"),
    (Place::Embed(Widget::Feed), "ko", "[data-test=feed-start]"),
    (Place::Embed(Widget::Chat), "en", "[data-test=chat-join]"),
    (
        Place::EmbedLesson("keep-alive"),
        "ja",
        "[data-test=lesson-claim]",
    ),
    (
        Place::EmbedLesson("server-speaks-first"),
        "ko",
        "[data-test=lesson-claim]",
    ),
];

/// A post holding one iframe as the snippet writes it (`frontend/src/model/embed.rs`,
/// `EmbedSpec::iframe`: full width, the widget's natural height, no border), and, with
/// `script=1`, the host's resize script for the embed's origin.
fn post(q: &HashMap<String, String>) -> String {
    let src = &q["src"];
    let height = &q["h"];
    // `http://127.0.0.1:PORT` of `http://127.0.0.1:PORT/embed/…`.
    let origin: String = src.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    let script = if q.get("script").is_some_and(|s| s == "1") {
        protocol::oembed::parent_script(&origin)
    } else {
        String::new()
    };
    let src = src.replace('&', "&amp;");
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>A post</title>
<style>body {{ margin: 0; font: 16px/1.7 sans-serif; }} article {{ max-width: 760px; margin: 0 auto; padding: 16px; }}</style>
</head><body><article><h1>A post with a widget</h1><p>Before the widget.</p>
<iframe id="w" src="{src}" title="Duplex" style="width:100%;height:{height}px;border:0" loading="lazy" allow="cross-origin-isolated"></iframe>
<p>After the widget.</p></article>
{script}
</body></html>"#
    )
}

/// Serves [`post`] at `/one` on 127.0.0.1:0: an origin other than every Duplex server's.
async fn host() -> (SocketAddr, tokio_util::sync::CancellationToken) {
    let app = axum::Router::new().route(
        "/one",
        axum::routing::get(
            |Query(q): Query<HashMap<String, String>>| async move { Html(post(&q)) },
        ),
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

/// The host page's address framing `embed` of `server` in `lang`.
fn post_url(
    host: SocketAddr,
    server: &TestServer,
    embed: Place,
    lang: &str,
    script: bool,
) -> String {
    let src = format!("http://{}{}?lang={lang}", server.addr, embed.path());
    format!(
        "http://{host}/one?src={}&h={}&script={}",
        protocol::query::encode(&src),
        natural_size(embed).1,
        u8::from(script)
    )
}

/// What the frame's own document moved over the network, from its Resource Timing: the
/// page's files (navigation and resources outside `/api/`), bytes on the wire per kind.
async fn first_load(b: &Browser) -> serde_json::Value {
    js(
        b,
        "const kinds = { html: 0, wasm: 0, js: 0, css: 0, other: 0 };
         const nav = performance.getEntriesByType('navigation')[0];
         kinds.html += nav.transferSize;
         let files = 1;
         const others = [];
         for (const e of performance.getEntriesByType('resource')) {
             const path = new URL(e.name).pathname;
             if (path.startsWith('/api/') || new URL(e.name).origin !== location.origin) continue;
             files += 1;
             const kind = path.endsWith('.wasm') ? 'wasm' : path.endsWith('.js') ? 'js'
                 : path.endsWith('.css') ? 'css' : 'other';
             kinds[kind] += e.transferSize;
             if (kind === 'other') others.push(path.split('/').pop() + ' ' + e.transferSize);
         }
         const total = Object.values(kinds).reduce((a, b) => a + b, 0);
         return { total, files, others: others.join(', '), ...kinds };",
    )
    .await
}

#[tokio::test]
async fn every_widget_waits_for_start_on_another_origin_then_runs_and_is_sized() {
    let (host, stop) = host().await;
    let b = Browser::start("en-US").await;
    let mut loads = Vec::new();
    for (embed, lang, marker) in EMBEDS {
        let what = format!("{} ({lang})", embed.path());
        // A fresh server: nothing cached from the last one's origin, counts its own.
        let server = TestServer::serve(&dist()).await;
        b.client
            .goto(&post_url(host, &server, embed, lang, true))
            .await
            .unwrap();

        // Before start: the start screen in the asked language, and nothing opened.
        enter(&b, "w").await;
        b.wait_visible("[data-test=embed-start]").await;
        assert_eq!(
            b.text("[data-test=embed-start]").await.unwrap(),
            entry(lang, "embed_start"),
            "{what}"
        );
        assert_eq!(b.count(marker).await, 0, "{what}: the widget before start");
        let calls = api_calls(&b).await;
        assert_eq!(calls, json!([]), "{what}: a call before start");
        assert_eq!(
            stats(&server).await.sessions_peak,
            0,
            "{what}: a socket before start"
        );
        // The host applied the start screen's report (not the snippet's height).
        let before = heights_agree(&b, "w").await;

        // Started: the widget draws, says its clock is coarse, and the host follows it.
        enter(&b, "w").await;
        b.click("[data-test=embed-start]").await;
        b.wait_visible(marker).await;
        b.wait_attr("[data-test=timer-note]", "data-isolated", "false")
            .await;
        let after = wait_for(&format!("{what}: the widget's height applied"), || async {
            let h = heights_agree(&b, "w").await;
            ((h - before).abs() > 20.0).then_some(h)
        })
        .await;

        // Its first load, as the frame's own Resource Timing saw it.
        enter(&b, "w").await;
        let load = first_load(&b).await;
        let wasm = load["wasm"].as_u64().unwrap();
        assert!(wasm > 50_000, "{what}: a wasm on the wire: {load}");
        assert!(load["html"].as_u64().unwrap() > 1_000, "{what}: {load}");
        println!(
            "embed first load: {} B on the wire ({what}: html {}, wasm {wasm}, js {}, css {}, \
             other {} ({}); {} files; iframe {before:.0} → {after:.0} px)",
            load["total"],
            load["html"],
            load["js"],
            load["css"],
            load["other"],
            load["others"].as_str().unwrap_or_default(),
            load["files"]
        );
        loads.push(load["total"].as_u64().unwrap());
        top(&b).await;
    }
    let (min, max) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
    println!(
        "embed first load: {min}–{max} B on the wire over {} embeds",
        loads.len()
    );
    b.finish().await;
    stop.cancel();
}

#[tokio::test]
async fn without_the_script_the_snippet_keeps_its_height_and_the_embed_scrolls() {
    let (host, stop) = host().await;
    let b = Browser::start("en-US").await;
    let server = TestServer::serve(&dist()).await;
    let embed = Place::Embed(Widget::LabHttp);
    let natural = f64::from(natural_size(embed).1);
    b.client
        .goto(&post_url(host, &server, embed, "ja", false))
        .await
        .unwrap();
    let frame_height = || async {
        top(&b).await;
        js(&b, "return document.getElementById('w').clientHeight;")
            .await
            .as_f64()
            .unwrap()
    };
    // The start screen fits: its button is in view inside the fixed height.
    enter(&b, "w").await;
    b.wait_visible("[data-test=embed-start]").await;
    let in_view = "const r = document.querySelector(arguments[0]).getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= innerHeight;";
    let br = &b;
    let visible = |css: &'static str| async move {
        br.client
            .execute(in_view, vec![json!(css)])
            .await
            .unwrap()
            .as_bool()
            .unwrap()
    };
    assert!(visible("[data-test=embed-start]").await);
    assert_eq!(frame_height().await, natural);

    // Started and used, the lab is taller than its frame: the frame keeps the snippet's
    // height, and the lab's foot is reached by scrolling inside it.
    enter(&b, "w").await;
    b.click("[data-test=embed-start]").await;
    b.wait_attr("[data-test=observer-link]", "data-link", "live")
        .await;
    b.run_lab(3).await;
    wait_for("the lab taller than its frame", || async {
        let tall = js(
            &b,
            "return document.scrollingElement.scrollHeight > innerHeight + 100;",
        )
        .await;
        (tall == json!(true)).then_some(())
    })
    .await;
    assert!(!visible("[data-test=timer-note]").await, "below the fold");
    // A reader's wheel over the frame (not a script's scrollTop, which works even where
    // overflow is hidden).
    top(&b).await;
    let at = js(
        &b,
        "const r = document.getElementById('w').getBoundingClientRect();
         return [Math.round(r.left + r.width / 2), Math.round(Math.max(r.top, 0) + 100)];",
    )
    .await;
    let mut wheel = WheelActions::new("wheel".into());
    wheel.push(WheelAction::Scroll {
        duration: None,
        x: at[0].as_i64().unwrap(),
        y: at[1].as_i64().unwrap(),
        delta_x: 0,
        delta_y: 3000,
    });
    b.client.perform_actions(wheel).await.unwrap();
    enter(&b, "w").await;
    wait_for("the frame scrolled to the lab's foot", || async {
        visible("[data-test=timer-note]").await.then_some(())
    })
    .await;
    assert_eq!(frame_height().await, natural, "no script, no resize");
    b.finish().await;
    stop.cancel();
}
