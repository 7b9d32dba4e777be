//! The link-card images (`og:image`, the oEmbed thumbnail): one per page and language, a
//! real 1200 × 630 screenshot of that page in its busy state, scrolled to the part that
//! tells its story (the lab's connections, the WebSocket handshake, the race). Run by
//! `cargo xtask cards`, which writes them into `frontend/cards/` (kept in the repository
//! and copied into `dist/` by the build); `cargo xtask test` checks that every card a page
//! names is there at that size (`backend/src/site/meta.rs`' tests), not how it looks.

use crate::common::TestServer;
use crate::harness::{Browser, dist, env_path};
use crate::stage::Page;

/// Each card: its file name, the staged page, the section scrolled to the top (none: the
/// page's top, header and all).
const CARDS: [(&str, Page, Option<&str>); 6] = [
    ("home", Page::Home, None),
    (
        "lab_http",
        Page::HttpLab,
        Some("section[aria-labelledby=tl-title]"),
    ),
    (
        "lab_ws",
        Page::WsLab,
        Some("section[aria-labelledby=wsl-hs]"),
    ),
    (
        "compare",
        Page::Compare,
        Some("section[aria-labelledby=race-title]"),
    ),
    ("chat", Page::Chat, None),
    ("learn", Page::Learn, None),
];

#[tokio::test]
#[ignore = "makes the link-card images: `cargo xtask cards`"]
async fn link_cards() {
    let out = env_path(
        "DUPLEX_CARDS",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/cards"),
    );
    std::fs::create_dir_all(&out).unwrap();
    let b = Browser::start("en-US").await;
    let (w, h) = (protocol::oembed::CARD_WIDTH, protocol::oembed::CARD_HEIGHT);
    // The window has some height of its own beyond the page's viewport: size it so the
    // viewport is the card's.
    b.client.set_window_size(w, h).await.unwrap();
    let inner = b
        .client
        .execute("return [innerWidth, innerHeight];", vec![])
        .await
        .unwrap();
    let (iw, ih) = (
        inner[0].as_u64().unwrap() as u32,
        inner[1].as_u64().unwrap() as u32,
    );
    let window = (w + (w - iw), h + (h - ih));
    for lang in ["en", "ja", "ko"] {
        for (name, page, section) in CARDS {
            // A fresh server each: the race's hundreds of round trips use up quotas
            // (per address) a later page's staging needs.
            let server = TestServer::serve(&dist()).await;
            b.client.set_window_size(window.0, window.1).await.unwrap();
            b.stage(&server, page, lang).await;
            b.client
                .execute(
                    "const s = arguments[0] && document.querySelector(arguments[0]);
                     window.scrollTo(0, s ? s.getBoundingClientRect().top + scrollY - 12 : 0);",
                    vec![serde_json::json!(section)],
                )
                .await
                .unwrap();
            let png = b.client.screenshot().await.unwrap();
            assert!(png.starts_with(b"\x89PNG"));
            let size = (
                u32::from_be_bytes(png[16..20].try_into().unwrap()),
                u32::from_be_bytes(png[20..24].try_into().unwrap()),
            );
            assert_eq!(
                size,
                (w, h),
                "{name}-{lang}: the viewport is not the card's size"
            );
            std::fs::write(out.join(format!("{name}-{lang}.png")), png).unwrap();
        }
    }
    b.finish().await;
}
