//! The page's files over real TCP: precompressed brotli or gzip when the browser accepts
//! it (`Vary: accept-encoding`), plain otherwise, for hashed assets; each page's bundle
//! HTML at its address (`protocol::pages`), compressed per request; API answers are never
//! compressed (the labs count their bytes).

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
async fn get(server: &TestServer, path: &str, encodings: &str) -> (String, String, Vec<u8>) {
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
    (encoding, vary, resp.bytes().await.unwrap().to_vec())
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
            (got_encoding.as_str(), got_body.as_slice()),
            (encoding, body.as_bytes()),
            "{accept}"
        );
        assert!(
            vary.to_ascii_lowercase().contains("accept-encoding"),
            "{vary}"
        );
    }
    // Each page at its address gets its own bundle's HTML, compressed per request (it
    // carries the page's own link card: tests/cards.rs).
    let (encoding, _, body) = get(&server, "/lab/http", "br").await;
    assert_eq!(encoding, "br");
    assert_eq!(unbrotli(&body), "<!doctype html><p>lab");
    let (encoding, _, body) = get(&server, "/lab/http/", "gzip").await;
    assert_eq!(encoding, "gzip");
    assert_eq!(ungzip(&body), "<!doctype html><p>lab");
    let (encoding, _, body) = get(&server, "/", "").await;
    assert_eq!(
        (encoding.as_str(), body.as_slice()),
        ("", &b"<!doctype html><p>plain"[..])
    );
    // An address no page has: the home bundle, which draws "not found", with a 404.
    let resp = reqwest::get(server.url("/nope/deeper")).await.unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(resp.text().await.unwrap(), "<!doctype html><p>plain");
}

fn unbrotli(bytes: &[u8]) -> String {
    use std::io::Read as _;
    let mut out = String::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_string(&mut out)
        .unwrap();
    out
}

fn ungzip(bytes: &[u8]) -> String {
    use std::io::Read as _;
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut out)
        .unwrap();
    out
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
    assert!(String::from_utf8(body).unwrap().contains("hello"));
}
