//! The link-card images (`og:image`, the oEmbed thumbnail): one per place and language
//! (`protocol::oembed::card_places`) — each page, each widget alone in its embed, the
//! lessons' list and each lesson —, a real 1200 × 630 screenshot of it in its busy state,
//! scrolled to the part that tells its story (the lab's connections, the WebSocket
//! handshake, the race). Run by `cargo xtask cards`, which writes them into
//! `frontend/cards/` (kept in the repository, copied into `dist/` by the build and so
//! into the one-file binary); `cargo xtask test` checks that every card a page names is
//! there at that size (`backend/src/site/meta.rs`' tests), not how it looks.

use protocol::oembed::{CARD_HEIGHT, CARD_WIDTH, card_path, card_places};
use protocol::pages::{Bundle, Place, Widget};

use crate::common::TestServer;
use crate::harness::{Browser, dist, env_path, wait_for};
use crate::stage::Page;

/// JPEG quality of the cards. Measured by `cargo xtask cards` on 2026-12-07 (DevTools
/// screenshots of the very same 66 frames, bytes in all): PNG 6,346,465 (Chromium's
/// encoder), JPEG q90 7,170,567, q80 5,573,203, q70 4,727,428 — q70 is 26 % below PNG
/// (37 % on the Japanese cards, whose kanji PNG compresses worst). Looked at twice
/// enlarged, q70 and q80 are alike on CJK and Latin text (faint ringing around thin
/// strokes at either); q90 buys nothing visible and weighs more than PNG. Every card
/// reader takes JPEG. The run prints these figures again.
const QUALITY: u8 = 70;

/// How a place is shot: the section scrolled to the top (none: the page's top) and the
/// scale (below 1: the page laid out wider — its column unbounded — then shrunk, so a
/// wide table fits whole).
fn framing(place: Place) -> (Option<&'static str>, f64) {
    match place {
        Place::Page(Bundle::HttpLab) | Place::Embed(Widget::LabHttp) => {
            (Some("section[aria-labelledby=tl-title]"), 1.0)
        }
        Place::Page(Bundle::WsLab) | Place::Embed(Widget::LabWs) => {
            (Some("section[aria-labelledby=wsl-hs]"), 1.0)
        }
        // The race table's thirteen columns need ~1,500 px.
        Place::Page(Bundle::Compare) | Place::Embed(Widget::Race) => {
            (Some("section[aria-labelledby=race-title]"), 0.78)
        }
        Place::Embed(Widget::Feed) => (Some("section[aria-labelledby=feed-title]"), 0.78),
        Place::Lesson(_) => (Some(".lesson-head"), 1.0),
        _ => (None, 1.0),
    }
}

impl Browser {
    /// Brings `place` to its busy state in `lang` (a fresh `server` each).
    async fn stage_card(&self, server: &TestServer, place: Place, lang: &str) {
        match place {
            Place::Page(b) => {
                let page = match b {
                    Bundle::Home => Page::Home,
                    Bundle::HttpLab => Page::HttpLab,
                    Bundle::WsLab => Page::WsLab,
                    Bundle::Compare => Page::Compare,
                    Bundle::Chat => Page::Chat,
                    // `card_places` names pages only; a lesson's card is its lesson.
                    _ => unreachable!("no page of its own: {b:?}"),
                };
                self.stage(server, page, lang).await;
            }
            Place::Learn => self.stage(server, Page::Learn, lang).await,
            Place::Embed(w) => self.stage_embed(server, w, lang).await,
            Place::Lesson(slug) => {
                self.client
                    .goto(&server.url(&format!("/learn/{slug}?lang={lang}")))
                    .await
                    .unwrap();
                self.wait_visible("[data-test=lesson-claim]").await;
            }
            other => panic!("{other:?} has no card of its own"),
        }
    }
}

/// The pixel size of a PNG (its IHDR).
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG"));
    (
        u32::from_be_bytes(png[16..20].try_into().unwrap()),
        u32::from_be_bytes(png[20..24].try_into().unwrap()),
    )
}

#[tokio::test]
#[ignore = "makes the link-card images: `cargo xtask cards`"]
async fn link_cards() {
    let out = env_path(
        "DUPLEX_CARDS",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/cards"),
    );
    std::fs::create_dir_all(&out).unwrap();
    // `DUPLEX_CARDS_ONLY=race`: only the cards whose names hold it (to work on one).
    let only = std::env::var("DUPLEX_CARDS_ONLY").unwrap_or_default();
    // Cards of an older naming would be shipped for nothing.
    for e in std::fs::read_dir(&out).unwrap() {
        if !only.is_empty() {
            break;
        }
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "png" || x == "jpg") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let b = Browser::start("en-US").await;
    let (w, h) = (CARD_WIDTH, CARD_HEIGHT);
    // The window has some height of its own beyond the page's viewport.
    b.client.set_window_size(w, h).await.unwrap();
    let inner = b
        .client
        .execute("return [innerWidth, innerHeight];", vec![])
        .await
        .unwrap();
    let chrome = (
        w - inner[0].as_u64().unwrap() as u32,
        h - inner[1].as_u64().unwrap() as u32,
    );
    let (mut png_bytes, mut jpg_bytes, mut q90_bytes, mut q80_bytes, mut count) = (0, 0, 0, 0, 0);
    for lang in ["en", "ja", "ko"] {
        for place in card_places() {
            let name = card_path(place, lang);
            if !name.contains(&only) {
                continue;
            }
            let (section, scale) = framing(place);
            // The viewport the page is laid out in: the card's size, divided by the scale.
            let (vw, vh) = (
                (f64::from(w) / scale).round() as u32,
                (f64::from(h) / scale).round() as u32,
            );
            // A fresh server each: the race's hundreds of round trips use up quotas
            // (per address) a later page's staging needs.
            let server = TestServer::serve(&dist()).await;
            b.client
                .set_window_size(vw + chrome.0, vh + chrome.1)
                .await
                .unwrap();
            b.stage_card(&server, place, lang).await;
            b.client
                .execute(
                    "const s = arguments[0] && document.querySelector(arguments[0]);
                     if (arguments[1] < 1) document.querySelector('.page').style.maxWidth = 'none';
                     document.querySelectorAll('.table-wrap, .timeline-scroll')
                         .forEach(e => e.scrollLeft = 0);
                     window.scrollTo(0, s ? s.getBoundingClientRect().top + scrollY - 12 : 0);",
                    vec![serde_json::json!(section), serde_json::json!(scale)],
                )
                .await
                .unwrap();
            wait_for("the viewport at the card's layout size", || async {
                let got = b
                    .client
                    .execute("return [innerWidth, innerHeight];", vec![])
                    .await
                    .ok()?;
                (got[0].as_u64()? == u64::from(vw) && got[1].as_u64()? == u64::from(vh))
                    .then_some(())
            })
            .await;
            let png = b.capture("png", 0, scale).await;
            assert_eq!(png_size(&png), (w, h), "{name}: not the card's size");
            let jpg = b.capture("jpeg", QUALITY, scale).await;
            assert!(jpg.starts_with(b"\xFF\xD8\xFF"), "{name}: not a JPEG");
            q90_bytes += b.capture("jpeg", 90, scale).await.len();
            q80_bytes += b.capture("jpeg", 80, scale).await.len();
            if let Some(dir) = std::env::var_os("DUPLEX_CARDS_PNG") {
                // Lossless twins, to look at a card closely.
                let file = name.trim_start_matches("cards/").replace(".jpg", ".png");
                std::fs::write(std::path::Path::new(&dir).join(file), &png).unwrap();
            }
            png_bytes += png.len();
            jpg_bytes += jpg.len();
            count += 1;
            let file = name.trim_start_matches("cards/");
            std::fs::write(out.join(file), jpg).unwrap();
        }
    }
    println!(
        "cards: {count} at {w} × {h}: PNG {png_bytes} B, JPEG q90 {q90_bytes} B, \
         JPEG q80 {q80_bytes} B, JPEG q{QUALITY} {jpg_bytes} B (kept; {} B each on average)",
        jpg_bytes / count.max(1)
    );
    b.finish().await;
}
