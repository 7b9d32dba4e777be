//! The server under load, parsed once from `--url`: its address for raw sockets, the
//! bases of its HTTP and WebSocket URLs, and its own origin (sent as `Origin` on WebSocket
//! upgrades and state-changing requests, as the page served from it would).

use std::net::SocketAddr;

use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::error::LoadError;

/// Why `--url` cannot be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TargetError {
    #[error("`{url}` is not a URL: {why}")]
    Parse { url: String, why: String },
    #[error("`{0}`: only http:// URLs with a host are supported")]
    Scheme(String),
    #[error("cannot resolve `{host}`: {why}")]
    Resolve { host: String, why: String },
}

/// A Duplex server.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The first address its host resolves to.
    pub(crate) addr: SocketAddr,
    /// `http://host:port`, no trailing slash; also the page's origin.
    pub(crate) origin: String,
    /// `ws://host:port`.
    ws_base: String,
}

impl Target {
    /// Parses `http://host[:port][/]` and resolves the host.
    pub(crate) async fn parse(url: &str) -> Result<Self, TargetError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| TargetError::Parse {
            url: url.to_owned(),
            why: e.to_string(),
        })?;
        let host = match (parsed.scheme(), parsed.host_str()) {
            ("http", Some(host)) => host.to_owned(),
            _ => return Err(TargetError::Scheme(url.to_owned())),
        };
        let port = parsed.port_or_known_default().unwrap_or(80);
        let authority = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let addr = tokio::net::lookup_host(authority.as_str())
            .await
            .map_err(|e| TargetError::Resolve {
                host: authority.clone(),
                why: e.to_string(),
            })?
            .next()
            .ok_or_else(|| TargetError::Resolve {
                host: authority.clone(),
                why: "no address".to_owned(),
            })?;
        Ok(Self {
            addr,
            origin: format!("http://{authority}"),
            ws_base: format!("ws://{authority}"),
        })
    }

    /// The HTTP URL of `path_and_query` (from `protocol::query::target`).
    pub(crate) fn http(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.origin)
    }

    /// A WebSocket handshake request for `path_and_query`, with this site's `Origin` and,
    /// if given, a subprotocol offer.
    pub(crate) fn ws_request(
        &self,
        path_and_query: &str,
        subprotocol: Option<&str>,
    ) -> Result<Request, LoadError> {
        let mut req = format!("{}{path_and_query}", self.ws_base).into_client_request()?;
        let headers = req.headers_mut();
        headers.insert(
            "origin",
            HeaderValue::from_str(&self.origin).map_err(crate::error::unexpected)?,
        );
        if let Some(p) = subprotocol {
            headers.insert(
                "sec-websocket-protocol",
                HeaderValue::from_str(p).map_err(crate::error::unexpected)?,
            );
        }
        Ok(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn parses_the_url_the_server_prints() {
        let t = Target::parse("http://127.0.0.1:41234/").await.unwrap();
        assert_eq!(t.addr, "127.0.0.1:41234".parse().unwrap());
        assert_eq!(t.origin, "http://127.0.0.1:41234");
        assert_eq!(
            t.http("/api/lab?resp=1"),
            "http://127.0.0.1:41234/api/lab?resp=1"
        );
        let req = t.ws_request("/ws", Some("duplex.v1")).unwrap();
        assert_eq!(req.uri(), "ws://127.0.0.1:41234/ws");
        assert_eq!(req.headers()["origin"], "http://127.0.0.1:41234");
        assert!(Target::parse("https://127.0.0.1:1/").await.is_err());
        assert!(Target::parse("nonsense").await.is_err());
    }
}
