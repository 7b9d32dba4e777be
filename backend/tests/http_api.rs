//! The HTTP endpoints over real TCP on 127.0.0.1: replies, static files and every
//! bad-input case, each answered with a status and a JSON `{code, message}`.

mod common;

use common::{HASHED_ASSET, INDEX_HTML, TestServer};
use protocol::limits::{ECHO_MAX_PAYLOAD_BYTES, HTTP_MAX_BODY_BYTES, HTTP_MAX_TARGET_BYTES};
use protocol::{EchoReply, ErrorBody, ErrorCode, Health, HttpMethod};
use reqwest::StatusCode;

fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

async fn expect_error(resp: reqwest::Response, status: StatusCode, code: ErrorCode) {
    assert_eq!(resp.status(), status);
    assert_eq!(
        resp.headers()["content-type"],
        "application/json",
        "errors are JSON"
    );
    let body: ErrorBody = resp.json().await.unwrap();
    assert_eq!(body.code, code);
    assert!(!body.message.is_empty());
}

#[tokio::test]
async fn healthz_answers() {
    let server = TestServer::start().await;
    let health: Health = reqwest::get(server.url("/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health.status, "ok");
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn get_echo_returns_payload_size_and_receive_time() {
    let server = TestServer::start().await;
    let before = now_us();
    let reply: EchoReply = reqwest::get(server.url("/api/echo?payload=h%C3%A9llo"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let after = now_us();
    assert_eq!(reply.method, HttpMethod::Get);
    assert_eq!(reply.payload, "héllo");
    assert_eq!(reply.payload_bytes, 6, "bytes of UTF-8, not chars");
    assert!((before..=after).contains(&reply.server_received_unix_us));

    let empty: EchoReply = reqwest::get(server.url("/api/echo"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((empty.payload.as_str(), empty.payload_bytes), ("", 0));
}

#[tokio::test]
async fn post_echo_round_trips_json() {
    let server = TestServer::start().await;
    let payload = "x".repeat(1000);
    let resp = reqwest::Client::new()
        .post(server.url("/api/echo"))
        .json(&protocol::EchoRequest {
            payload: payload.clone(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let reply: EchoReply = resp.json().await.unwrap();
    assert_eq!(reply.method, HttpMethod::Post);
    assert_eq!(reply.payload, payload);
    assert_eq!(reply.payload_bytes, 1000);
}

#[tokio::test]
async fn malformed_json_is_400() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    for body in [
        "{not json",
        r#"{"payload": 5}"#,
        r#"{"payload":"a","extra":1}"#,
        "",
    ] {
        let resp = client
            .post(server.url("/api/echo"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        expect_error(resp, StatusCode::BAD_REQUEST, ErrorCode::MalformedJson).await;
    }
}

#[tokio::test]
async fn post_without_json_content_type_is_415() {
    let server = TestServer::start().await;
    let resp = reqwest::Client::new()
        .post(server.url("/api/echo"))
        .header("content-type", "text/plain")
        .body(r#"{"payload":"a"}"#)
        .send()
        .await
        .unwrap();
    expect_error(
        resp,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::UnsupportedMediaType,
    )
    .await;
}

#[tokio::test]
async fn oversize_body_and_payload_are_413() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    // A body over the transport limit is refused before it is parsed.
    let body = format!(r#"{{"payload":"{}"}}"#, "a".repeat(HTTP_MAX_BODY_BYTES + 1));
    let resp = client
        .post(server.url("/api/echo"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    expect_error(
        resp,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
    )
    .await;

    // A body within the limit whose payload is over the echo limit.
    let payload = "a".repeat(ECHO_MAX_PAYLOAD_BYTES + 1);
    let resp = client
        .post(server.url("/api/echo"))
        .json(&protocol::EchoRequest {
            payload: payload.clone(),
        })
        .send()
        .await
        .unwrap();
    expect_error(
        resp,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
    )
    .await;

    // A GET's payload rides in the URL, which is capped first (414, JSON too).
    let resp = client
        .get(server.url(&format!("/api/echo?payload={payload}")))
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::URI_TOO_LONG, ErrorCode::UriTooLong).await;
    let fits = "a".repeat(HTTP_MAX_TARGET_BYTES - 100);
    let resp = client
        .get(server.url(&format!("/api/echo?payload={fits}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    // Exactly at the limit is fine.
    let ok = "a".repeat(ECHO_MAX_PAYLOAD_BYTES);
    let resp = client
        .post(server.url("/api/echo"))
        .json(&protocol::EchoRequest { payload: ok })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn bad_query_is_400() {
    let server = TestServer::start().await;
    let resp = reqwest::get(server.url("/api/echo?payload=a&payload=b&bogus=1"))
        .await
        .unwrap();
    expect_error(resp, StatusCode::BAD_REQUEST, ErrorCode::BadQuery).await;
}

#[tokio::test]
async fn wrong_method_is_405_json() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    for (method, path) in [
        (reqwest::Method::PUT, "/api/echo"),
        (reqwest::Method::DELETE, "/api/echo"),
        (reqwest::Method::POST, "/healthz"),
        (reqwest::Method::POST, "/"),
        (reqwest::Method::PUT, "/lab"),
    ] {
        let resp = client
            .request(method.clone(), server.url(path))
            .send()
            .await
            .unwrap();
        expect_error(
            resp,
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::MethodNotAllowed,
        )
        .await;
    }
}

#[tokio::test]
async fn unknown_api_path_is_404_json() {
    let server = TestServer::start().await;
    let resp = reqwest::get(server.url("/api/nope")).await.unwrap();
    expect_error(resp, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn ws_without_upgrade_is_426() {
    let server = TestServer::start().await;
    let resp = reqwest::get(server.url("/ws")).await.unwrap();
    expect_error(
        resp,
        StatusCode::UPGRADE_REQUIRED,
        ErrorCode::UpgradeRequired,
    )
    .await;
}

#[tokio::test]
async fn static_files_and_index_fallback() {
    let server = TestServer::start().await;
    // An address no page has is still the page (which says "not found"), with a 404.
    for (path, status) in [
        ("/", StatusCode::OK),
        ("/lab/http", StatusCode::OK),
        ("/embed/x", StatusCode::NOT_FOUND),
        ("/no/such/page", StatusCode::NOT_FOUND),
    ] {
        let resp = reqwest::get(server.url(path)).await.unwrap();
        assert_eq!(resp.status(), status, "{path}");
        assert_eq!(resp.headers()["cache-control"], "no-cache");
        assert_eq!(resp.headers()["cross-origin-opener-policy"], "same-origin");
        assert_eq!(
            resp.headers()["cross-origin-embedder-policy"],
            "require-corp"
        );
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(resp.text().await.unwrap(), INDEX_HTML, "{path}");
    }
    let resp = reqwest::get(server.url(&format!("/{HASHED_ASSET}")))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(resp.text().await.unwrap(), "console.log(1)");

    // A missing file is a 404, not the page.
    let resp = reqwest::get(server.url("/frontend-missing.wasm"))
        .await
        .unwrap();
    expect_error(resp, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    // Path traversal stays inside dist/.
    let resp = reqwest::get(server.url("/..%2F..%2Fetc%2Fpasswd.txt"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn missing_frontend_is_503_with_a_hint() {
    let empty = tempfile::tempdir().unwrap();
    let server = TestServer::serve(empty.path()).await;
    let resp = reqwest::get(server.url("/")).await.unwrap();
    expect_error(
        resp,
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::FrontendMissing,
    )
    .await;
    // The API still works without a page.
    let resp = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn echo_get_takes_what_the_page_encodes_and_refuses_bad_escapes() {
    use protocol::query::QueryString;
    let server = TestServer::start().await;
    let req = protocol::EchoRequest {
        payload: "a,b c+d&e=f 日本".into(),
    };
    let url = server.url(&format!("{}?{}", protocol::http::ECHO_PATH, req.to_query()));
    let reply: EchoReply = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(reply.payload, req.payload);
    assert_eq!(reply.method, HttpMethod::Get);
    let plus = reqwest::get(server.url("/api/echo?payload=a+b%2Cc"))
        .await
        .unwrap();
    let reply: EchoReply = plus.json().await.unwrap();
    assert_eq!(reply.payload, "a b,c");
    // Not a percent escape, and escapes that are not UTF-8: refused, never taken
    // literally or lossily.
    for bad in ["%FF", "%zz", "%ff%fe", "ab%"] {
        let resp = reqwest::get(server.url(&format!("/api/echo?payload={bad}")))
            .await
            .unwrap();
        expect_error(resp, StatusCode::BAD_REQUEST, ErrorCode::BadQuery).await;
    }
}
