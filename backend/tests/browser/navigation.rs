//! Tabs, back/forward and the page's own "not found".

use serde_json::json;

use crate::common::TestServer;
use crate::harness::{Browser, dist};

#[tokio::test]
async fn tabs_route_without_reloading_and_back_works() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open(&server, "/?lang=ja").await;
    // A marker that a full reload would erase.
    b.client
        .execute("window.__stay = 1;", vec![])
        .await
        .unwrap();
    b.click("[data-test=nav-http-lab]").await;
    b.wait_visible("[data-test=lab-run]").await;
    let url = b.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/lab/http");
    assert!(url.query().unwrap_or("").contains("lang=ja"), "{url}");
    b.click("[data-test=nav-ws-lab]").await;
    b.wait_visible("[data-test=ws-connect]").await;
    b.client.back().await.unwrap();
    b.wait_visible("[data-test=lab-run]").await;
    let stayed = b
        .client
        .execute("return window.__stay === 1;", vec![])
        .await
        .unwrap();
    assert_eq!(stayed, json!(true), "no page reload");
    // An unknown address gets the page's own "not found", with a way back.
    b.client.goto(&server.url("/nope?lang=en")).await.unwrap();
    b.wait_visible("[data-test=not-found]").await;
    b.click("[data-test=not-found] a").await;
    b.wait_visible("[data-test=http-send]").await;
    b.finish().await;
}
