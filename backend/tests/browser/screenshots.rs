//! Screenshots of every page, en/ja/ko at desktop and phone width, into `target/screenshots/`
//! (`cargo xtask screenshots` runs exactly the tests in this module, `screenshots::`). Each
//! also checks that nothing overflows sideways.

use crate::common::TestServer;
use crate::harness::{Browser, dist, screenshot_dir};
use crate::stage::Page;

/// Every language at desktop and phone width, each page in its busy state.
async fn shoot_pages(pages: &[Page]) {
    let out = screenshot_dir();
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    for lang in ["en", "ja", "ko"] {
        for (label, width) in [("desktop", 1280), ("narrow", 380)] {
            for &page in pages {
                b.client.set_window_size(width, 1000).await.unwrap();
                b.stage(&server, page, lang).await;
                b.shoot(&out, &format!("{}-{lang}-{label}", page.name()))
                    .await;
            }
        }
    }
    b.finish().await;
}

#[tokio::test]
async fn home_and_labs() {
    shoot_pages(&[Page::Home, Page::HttpLab, Page::WsLab, Page::NotFound]).await;
}

/// Chat: a room with two WebSocket clients and a polling one, after a few messages.
#[tokio::test]
async fn chat() {
    shoot_pages(&[Page::Chat]).await;
}

/// Lessons: two, each mid-way and done (`connection-close`, `server-speaks-first`), one
/// with the textbook's figures beside the learner's (`streaming-over-http`), then the list
/// showing that progress (two done, one mid-way).
#[tokio::test]
async fn lessons() {
    shoot_pages(&[
        Page::LessonMid,
        Page::LessonDoneHttp,
        Page::LessonDone,
        Page::LessonMidWs,
        Page::LessonFigures,
        Page::Learn,
    ])
    .await;
}

/// Compare on its own: its runs take most of the time, so it runs beside the others.
#[tokio::test]
async fn compare() {
    shoot_pages(&[Page::Compare]).await;
}
