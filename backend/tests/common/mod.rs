//! Test support: the real server on `127.0.0.1:0`, stopped when the handle drops.

#![allow(dead_code, unreachable_pub)] // each test binary uses a different subset

pub mod raw;
pub mod ws_raw;

use std::net::SocketAddr;
use std::path::Path;

use backend::AppState;
use tokio_util::sync::CancellationToken;

pub struct TestServer {
    pub addr: SocketAddr,
    pub shutdown: CancellationToken,
    _dist: Option<tempfile::TempDir>,
}

impl TestServer {
    /// Serve a small fake `dist/` (an index page and one hashed asset).
    pub async fn start() -> Self {
        Self::start_with(|s| s).await
    }

    /// [`TestServer::start`] with the state adjusted first (e.g. a short idle timeout).
    pub async fn start_with(adjust: impl FnOnce(AppState) -> AppState) -> Self {
        let dist = tempfile::tempdir().expect("tempdir");
        // Every page bundle's HTML (`protocol::pages`), alike: tests/site.rs tells them apart.
        for bundle in protocol::pages::Bundle::ALL {
            std::fs::write(dist.path().join(bundle.html()), INDEX_HTML).unwrap();
        }
        std::fs::write(dist.path().join(HASHED_ASSET), "console.log(1)").unwrap();
        let mut server = Self::serve_state(adjust(AppState::new(dist.path()))).await;
        server._dist = Some(dist);
        server
    }

    /// Serve the given folder as `dist/`.
    pub async fn serve(dist: &Path) -> Self {
        Self::serve_state(AppState::new(dist)).await
    }

    /// Serve a state built by the caller (e.g. one that awaited a connection first).
    pub async fn serve_state(state: AppState) -> Self {
        let shutdown = state.shutdown_token();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let token = shutdown.clone();
        tokio::spawn(async move {
            backend::serve(listener, state, token.cancelled_owned())
                .await
                .unwrap();
        });
        Self {
            addr,
            shutdown,
            _dist: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }
}

/// A refused WebSocket handshake as tungstenite reports it: the status, the
/// `Retry-After` header if any, and the JSON error body every refusal carries.
pub fn upgrade_refusal(
    resp: &tokio_tungstenite::tungstenite::http::Response<Option<Vec<u8>>>,
) -> (u16, Option<String>, protocol::ErrorBody) {
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = resp.body().as_deref().unwrap_or_default();
    (
        resp.status().as_u16(),
        retry,
        serde_json::from_slice(body).expect("a JSON error body"),
    )
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub const INDEX_HTML: &str = "<!doctype html><title>Duplex test</title><p>index</p>";
pub const HASHED_ASSET: &str = "frontend-0123456789abcdef.js";
