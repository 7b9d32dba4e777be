//! The page's files over real TCP: precompressed brotli or gzip when the browser accepts
//! it (`Vary: accept-encoding`), plain otherwise, for hashed assets and for each page's
//! bundle HTML at its address (`protocol::pages`); API answers are never compressed (the
//! labs count their bytes).

mod common;

use common::TestServer;

const WASM: &str = "frontend-0123456789abcdef_bg.wasm";

/// A `dist/` whose files and their `.br`/`.gz` siblings are told apart by their bytes.
fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [
        ("index.html", "<!doctype html><p>plain"),
        ("index.html.br", "BR-INDEX"),
        ("index.html.gz", "GZ-INDEX"),
        ("lab_http.html", "<!doctype html><p>lab"),
        ("lab_http.html.br", "BR-LAB"),
        (WASM, "plain wasm"),
        (&format!("{WASM}.br") as &str, "BR-WASM"),
        (&format!("{WASM}.gz") as &str, "GZ-WASM"),
    ] {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    dir
}

/// GETs `path` accepting `encodings`; (content-encoding, vary, body).
async fn get(server: &TestServer, path: &str, encodings: &str) -> (String, String, String) {
    let resp = reqwest::Client::new()
        .get(server.url(path))
        .header("accept-encoding", encodings)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (encoding, vary) = (header("content-encoding"), header("vary"));
    (encoding, vary, resp.text().await.unwrap())
}

#[tokio::test]
async fn assets_go_out_precompressed_as_the_browser_accepts() {
    let dir = dist();
    let server = TestServer::serve(dir.path()).await;
    let wasm = format!("/{WASM}");
    for (accept, encoding, body) in [
        ("gzip, deflate, br, zstd", "br", "BR-WASM"),
        ("gzip", "gzip", "GZ-WASM"),
        ("identity", "", "plain wasm"),
    ] {
        let (got_encoding, vary, got_body) = get(&server, &wasm, accept).await;
        assert_eq!(
            (got_encoding.as_str(), got_body.as_str()),
            (encoding, body),
            "{accept}"
        );
        assert!(
            vary.to_ascii_lowercase().contains("accept-encoding"),
            "{vary}"
        );
    }
    // Each page at its address gets its own bundle's HTML.
    let (encoding, _, body) = get(&server, "/lab/http", "br").await;
    assert_eq!((encoding.as_str(), body.as_str()), ("br", "BR-LAB"));
    let (encoding, _, body) = get(&server, "/lab/http/", "gzip").await;
    assert_eq!(
        (encoding.as_str(), body.as_str()),
        ("", "<!doctype html><p>lab")
    );
    let (encoding, _, body) = get(&server, "/", "").await;
    assert_eq!(
        (encoding.as_str(), body.as_str()),
        ("", "<!doctype html><p>plain")
    );
    // An address no page has: the home bundle, which draws "not found".
    let (encoding, _, body) = get(&server, "/nope/deeper", "br").await;
    assert_eq!((encoding.as_str(), body.as_str()), ("br", "BR-INDEX"));
}

#[tokio::test]
async fn a_page_whose_bundle_is_not_built_is_a_clear_error() {
    let dir = dist();
    let server = TestServer::serve(dir.path()).await;
    let resp = reqwest::get(server.url("/compare")).await.unwrap();
    assert_eq!(resp.status(), 503);
    let body: protocol::ErrorBody = resp.json().await.unwrap();
    assert_eq!(body.code, protocol::ErrorCode::FrontendMissing);
}

#[tokio::test]
async fn api_answers_are_never_compressed() {
    let dir = dist();
    let server = TestServer::serve(dir.path()).await;
    let (encoding, _, body) = get(&server, "/api/echo?payload=hello", "gzip, br").await;
    assert_eq!(encoding, "");
    assert!(body.contains("hello"), "{body}");
}
