//! The static shell (`xtask/src/shell.rs`): painted from the HTML alone, in the language
//! the page will choose, before any wasm has run; gone once the app has mounted.

use crate::common::TestServer;
use crate::harness::{Browser, dist, wait_for};

/// `key`'s words in `lang`, from the catalogue the shell was built from.
fn words(lang: &str, key: &str) -> String {
    let path = format!(
        "{}/../frontend/locales/{lang}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_else(|| panic!("no {key} in {lang}"))
}

#[tokio::test]
async fn the_shell_paints_in_the_chosen_language_without_any_wasm() {
    // The built page without its wasm: only the HTML and CSS can draw anything.
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dist()).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            continue; // the lessons' texts: not needed here
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.contains(".wasm") {
            std::fs::copy(entry.path(), copy.path().join(&name)).unwrap();
        }
    }
    let server = TestServer::serve(copy.path()).await;
    // `?lang=` wins over the browser's language; without it, the browser's.
    let b = Browser::start("ko-KR").await;
    for (query, lang) in [("?lang=ja", "ja"), ("?lang=en", "en"), ("", "ko")] {
        b.client
            .goto(&server.url(&format!("/compare{query}")))
            .await
            .unwrap();
        let loading = words(lang, "shell_loading");
        wait_for(&format!("the {lang} shell"), || async {
            let shown = b.text(".shell-loading").await?;
            (shown.trim() == loading).then_some(())
        })
        .await;
        assert_eq!(b.attr("html", "lang").await.as_deref(), Some(lang));
        assert_eq!(
            b.text(".tagline").await.as_deref().map(str::trim),
            Some(words(lang, "app_tagline").as_str())
        );
        // Only one language's tab labels are visible.
        let tabs = b.text(".tabs").await.unwrap_or_default();
        assert!(tabs.contains(&words(lang, "nav_compare")), "{tabs}");
        assert!(tabs.contains(&words(lang, "nav_chat")), "{tabs}");
        for other in ["en", "ja", "ko"].into_iter().filter(|o| *o != lang) {
            assert!(
                !tabs.contains(&words(other, "nav_http_lab")),
                "{lang}: {tabs}"
            );
        }
    }
    b.finish().await;
}

#[tokio::test]
async fn the_app_replaces_the_shell_when_it_mounts() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    b.open(&server, "/?lang=ja").await;
    wait_for("the shell to go", || async {
        (b.count("#shell").await == 0).then_some(())
    })
    .await;
    assert_eq!(b.count("header.top").await, 1, "one header, the app's");
    assert_eq!(b.count("nav.tabs").await, 1);
    b.finish().await;
}

/// The built page without some files (and their `.br`/`.gz` twins).
fn dist_without(missing: &[&str]) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dist()).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            continue; // the lessons' texts: not needed here
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !missing.iter().any(|m| name.starts_with(m)) {
            std::fs::copy(entry.path(), copy.path().join(&name)).unwrap();
        }
    }
    copy
}

#[tokio::test]
async fn without_its_language_the_page_starts_in_english_and_without_any_it_says_so() {
    // No Japanese: a Japanese reader gets the page, in English.
    let copy = dist_without(&["ja.txt"]);
    let server = TestServer::serve(copy.path()).await;
    let b = Browser::start("en-US").await;
    b.client.goto(&server.url("/?lang=ja")).await.unwrap();
    b.wait_visible("[data-test=http-send]").await;
    assert_eq!(
        b.text("[data-test=nav-compare]")
            .await
            .as_deref()
            .map(str::trim),
        Some(words("en", "nav_compare").as_str())
    );
    // No text at all: the shell says so, in the reader's language, instead of a page of
    // key names.
    let copy = dist_without(&["ja.txt", "en.txt"]);
    let server = TestServer::serve(copy.path()).await;
    b.client
        .goto(&server.url("/lab/http?lang=ja"))
        .await
        .unwrap();
    let failed = words("ja", "shell_failed");
    wait_for("the shell's failure line", || async {
        let shown = b.text(".shell-failed").await?;
        (shown.trim() == failed).then_some(())
    })
    .await;
    assert_eq!(b.count(".shell-loading").await, 0);
    assert_eq!(b.count("[data-test=lab-run]").await, 0);
    b.finish().await;
}
