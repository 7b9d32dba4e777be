//! Reading the wire the way `protocol` defines it, with refusals that are [`AppError`]s
//! (status + JSON `{code, message}`), so no handler parses a query string:
//!
//! - [`Params<T>`] (an extractor): the endpoint's typed query (`protocol`'s
//!   [`QueryString`] decoder); unknown or repeated names and bad escapes → `bad_query`,
//!   values out of bounds → `bad_param` with `param` naming the field.
//! - [`ClientKey::of`]: the page's key from the `x-duplex-client` header, else the
//!   `client` the endpoint's query decoded (`q.client`: WebSocket handshakes cannot carry
//!   headers), by `protocol::observe::client_key_from` — the rule the connection layer
//!   tags the connection with (`protocol::observe::client_key`); absent or malformed →
//!   `missing_client_key`.
//! - [`Who::of`]: whose quota a request takes from — its client key, else its peer's
//!   address.
//!
//! The network model (`?emu=`) has no extractor: the connection layer applies it before
//! hyper reads the request (`conn/link.rs`, with `protocol`'s decoder), and each endpoint's
//! typed query refuses a malformed one.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use protocol::observe::{CLIENT_HEADER, client_key_from};
use protocol::query::QueryString;

use crate::conn::tag::OnConn;
use crate::error::AppError;
pub(crate) use crate::quota::Who;

/// An endpoint's typed query, decoded by `protocol`.
#[derive(Debug)]
pub(crate) struct Params<T>(pub(crate) T);

impl<S: Send + Sync, T: QueryString> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(Self(T::from_query(parts.uri.query().unwrap_or(""))?))
    }
}

/// The client's IP address, from the connection layer (`None` without it: in-process
/// tests).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub(crate) Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<crate::conn::tag::OnConn>()
                .map(|c| c.handle.peer().ip()),
        ))
    }
}

/// The page's client key (valid per `protocol::observe::valid_client_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientKey(pub(crate) String);

impl ClientKey {
    /// The key from the header, else from `client`, the one the endpoint's query decoded
    /// (a readable but malformed header is not made up for by the query).
    pub(crate) fn of(headers: &HeaderMap, client: Option<&str>) -> Result<Self, AppError> {
        let header = headers.get(CLIENT_HEADER).and_then(|v| v.to_str().ok());
        client_key_from(header, client)
            .map(Self)
            .ok_or(AppError::NeedsClientKey)
    }
}

impl Who {
    /// Whose quota a request takes from: its client key, else `ip:<peer address>`, else
    /// `anonymous` (no connection layer: in-process tests); and its peer's address, for
    /// the per-address ceiling. `client` is the one the endpoint's query decoded (`None`
    /// when it takes none).
    pub(crate) fn of(headers: &HeaderMap, client: Option<&str>, on_conn: Option<&OnConn>) -> Self {
        let ip = on_conn.map(|c| c.handle.peer().ip());
        let key = ClientKey::of(headers, client).map_or_else(
            |_| ip.map_or_else(|| "anonymous".to_owned(), |ip| format!("ip:{ip}")),
            |ClientKey(k)| k,
        );
        Self { key, ip }
    }

    /// A request with a client key (the feeds need one) from `peer`.
    pub(crate) fn keyed(ClientKey(key): ClientKey, peer: Option<std::net::IpAddr>) -> Self {
        Self { key, ip: peer }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;
    use axum::response::IntoResponse;
    use protocol::ErrorCode;
    use protocol::compare::TallyQuery;

    const KEY: &str = "k-extract-test-0001";

    fn parts(uri: &str, header: Option<&str>) -> Parts {
        let mut req = Request::builder().uri(uri);
        if let Some(h) = header {
            req = req.header(CLIENT_HEADER, h);
        }
        req.body(()).unwrap().into_parts().0
    }

    async fn code_of(rejection: AppError) -> (u16, ErrorCode) {
        let response = rejection.into_response();
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: protocol::ErrorBody = serde_json::from_slice(&body).unwrap();
        (status, body.code)
    }

    fn headers(key: Option<&str>) -> HeaderMap {
        parts("/", key).headers
    }

    #[tokio::test]
    async fn client_key_from_header_else_the_query_else_refused() {
        let got = ClientKey::of(&headers(Some(KEY)), None).unwrap();
        assert_eq!(got, ClientKey(KEY.into()));
        let got = ClientKey::of(&headers(None), Some(KEY)).unwrap();
        assert_eq!(got, ClientKey(KEY.into()));
        // A malformed header is not made up for by the query.
        for (header, client) in [(Some("short"), Some(KEY)), (None, None), (None, Some("x"))] {
            let refused = ClientKey::of(&headers(header), client).unwrap_err();
            assert_eq!(code_of(refused).await, (400, ErrorCode::MissingClientKey));
        }
    }

    #[tokio::test]
    async fn typed_queries_refuse_as_json() {
        let mut p = parts("/api/tally?run=1&bogus=2", None);
        let bad = <Params<TallyQuery> as FromRequestParts<()>>::from_request_parts(&mut p, &());
        assert_eq!(
            code_of(bad.await.unwrap_err()).await,
            (400, ErrorCode::BadQuery)
        );
        let mut p = parts("/ws/race?n=0", None);
        let bad =
            <Params<protocol::compare::RaceWsQuery> as FromRequestParts<()>>::from_request_parts(
                &mut p,
                &(),
            );
        assert_eq!(
            code_of(bad.await.unwrap_err()).await,
            (400, ErrorCode::BadParam)
        );
        let mut p = parts("/api/tally?run=4", None);
        let ok = <Params<TallyQuery> as FromRequestParts<()>>::from_request_parts(&mut p, &());
        assert_eq!(ok.await.unwrap().0.run, 4);
    }

    #[test]
    fn who_is_the_key_else_anonymous() {
        let who = |k: &str| Who {
            key: k.into(),
            ip: None,
        };
        assert_eq!(Who::of(&headers(Some(KEY)), None, None), who(KEY));
        assert_eq!(Who::of(&headers(None), Some(KEY), None), who(KEY));
        assert_eq!(Who::of(&headers(None), None, None), who("anonymous"));
    }
}
