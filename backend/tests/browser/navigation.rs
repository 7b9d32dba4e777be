//! Tabs, back/forward and the page's own "not found". Each page is its own bundle
//! (`protocol::pages`): a tab to another page loads that page, keeping the language; a
//! route of the same bundle ("not found" → home) changes in place.

use serde_json::json;

use crate::common::TestServer;
use crate::harness::{Browser, dist};

#[tokio::test]
async fn tabs_load_each_page_in_its_language_and_back_works() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open(&server, "/?lang=ja").await;
    b.click("[data-test=nav-http-lab]").await;
    b.wait_visible("[data-test=lab-run]").await;
    let url = b.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/lab/http");
    assert!(url.query().unwrap_or("").contains("lang=ja"), "{url}");
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("ja"));
    // The lab's page loaded its own bundle, not the home page's.
    let scripts = module_scripts(&b).await;
    assert!(scripts.contains("/lab_http-"), "{scripts}");
    assert!(!scripts.contains("/home-"), "{scripts}");
    // A lesson is drawn by its family's lesson bundle, not by the lab it reuses.
    b.client
        .goto(&server.url("/learn/keep-alive?lang=ja"))
        .await
        .unwrap();
    b.wait_visible("[data-test=lesson][data-lesson=keep-alive]")
        .await;
    let scripts = module_scripts(&b).await;
    assert!(scripts.contains("/learn_http-"), "{scripts}");
    assert!(!scripts.contains("/lab_http-"), "{scripts}");
    b.client
        .goto(&server.url("/lab/http?lang=ja"))
        .await
        .unwrap();
    b.wait_visible("[data-test=lab-run]").await;
    b.click("[data-test=nav-ws-lab]").await;
    b.wait_visible("[data-test=ws-connect]").await;
    b.client.back().await.unwrap();
    b.wait_visible("[data-test=lab-run]").await;
    assert_eq!(b.client.current_url().await.unwrap().path(), "/lab/http");
    b.client.forward().await.unwrap();
    b.wait_visible("[data-test=ws-connect]").await;
    // An unknown address gets the page's own "not found", with a way back — within the
    // home bundle, without a reload.
    b.client.goto(&server.url("/nope?lang=en")).await.unwrap();
    b.wait_visible("[data-test=not-found]").await;
    // A marker that a full reload would erase.
    b.client
        .execute("window.__stay = 1;", vec![])
        .await
        .unwrap();
    b.click("[data-test=not-found] a").await;
    b.wait_visible("[data-test=http-send]").await;
    let stayed = b
        .client
        .execute("return window.__stay === 1;", vec![])
        .await
        .unwrap();
    assert_eq!(stayed, json!(true), "no page reload within a bundle");
    b.finish().await;
}

/// The text of the page's module scripts: which bundle it loaded.
async fn module_scripts(b: &Browser) -> String {
    let scripts = b
        .client
        .execute(
            "return [...document.querySelectorAll('script[type=module]')].map(s => s.textContent).join(' ');",
            vec![],
        )
        .await
        .unwrap();
    scripts.as_str().unwrap_or_default().to_owned()
}
