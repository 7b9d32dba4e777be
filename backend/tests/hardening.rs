//! A public instance can't be turned against its readers, over real TCP on 127.0.0.1:
//! credentials a browser attaches to a request (cookies, tokens) are never reflected to the
//! page by the labs that show request headers — only that they were sent, and how long.

mod common;

use common::TestServer;
use futures_util::StreamExt;
use protocol::ServerMsg;
use protocol::lab::{HeaderLine, LabReply};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const COOKIE: &str = "session=very-secret-cookie-value";
const TOKEN: &str = "Bearer very-secret-token";

/// Every credential is listed, empty, with its length; the secret appears nowhere.
fn assert_redacted(lines: &[HeaderLine], raw: &str) {
    assert!(
        !raw.contains("very-secret"),
        "a credential was reflected: {raw}"
    );
    for (name, value) in [
        ("cookie", COOKIE),
        ("authorization", TOKEN),
        ("proxy-authorization", TOKEN),
    ] {
        let line = lines
            .iter()
            .find(|l| l.name == name)
            .unwrap_or_else(|| panic!("{name} is listed as sent"));
        assert_eq!(line.value, "", "{name}");
        assert_eq!(line.redacted_bytes, Some(value.len() as u64), "{name}");
    }
    let ua = lines.iter().find(|l| l.name == "user-agent").unwrap();
    assert_eq!(
        (ua.value.as_str(), ua.redacted_bytes),
        ("duplex-test", None)
    );
}

#[tokio::test]
async fn the_http_lab_never_reflects_cookies_or_tokens() {
    let server = TestServer::start().await;
    let raw = reqwest::Client::new()
        .get(server.url("/api/lab?resp=0"))
        .header("cookie", COOKIE)
        .header("authorization", TOKEN)
        .header("proxy-authorization", TOKEN)
        .header("user-agent", "duplex-test")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let reply: LabReply = serde_json::from_str(&raw).unwrap();
    assert_redacted(&reply.request_headers, &raw);
}

#[tokio::test]
async fn the_websocket_welcome_never_reflects_cookies_or_tokens() {
    let server = TestServer::start().await;
    let mut req = server.ws_url().into_client_request().unwrap();
    for (name, value) in [
        ("cookie", COOKIE),
        ("authorization", TOKEN),
        ("proxy-authorization", TOKEN),
        ("user-agent", "duplex-test"),
    ] {
        req.headers_mut().insert(name, value.parse().unwrap());
    }
    let (mut ws, _) = connect_async(req).await.unwrap();
    let raw = loop {
        match ws.next().await.expect("a message").expect("a frame") {
            Message::Text(t) => break t.to_string(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected the welcome, got {other:?}"),
        }
    };
    match serde_json::from_str::<ServerMsg>(&raw).unwrap() {
        ServerMsg::Welcome {
            request_headers, ..
        } => assert_redacted(&request_headers, &raw),
        other => panic!("expected the welcome, got {other:?}"),
    }
}
