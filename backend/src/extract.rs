//! Extractors that read the wire the way `protocol` defines it, with rejections that are
//! [`AppError`]s (status + JSON `{code, message}`), so no handler parses a query string:
//!
//! - [`Params<T>`]: the endpoint's typed query (`protocol`'s [`QueryString`] decoder);
//!   unknown or repeated names and bad escapes → `bad_query`, values out of bounds →
//!   `bad_param` with `param` naming the field.
//! - [`ClientKey`]: the page's key, from the `x-duplex-client` header or `?client=`
//!   (WebSocket handshakes cannot carry headers); absent or malformed →
//!   `missing_client_key`. `Option<ClientKey>` never refuses.
//! - [`RunId`]: the run a request counts towards (`?run=`); `Option<RunId>` is `None` when
//!   absent and refuses a malformed one with `bad_query`.
//! - [`Who`]: whose quota a request takes from — its client key, else its peer's address.
//!
//! The network model (`?emu=`) has no extractor: the connection layer applies it before
//! hyper reads the request (`conn/link.rs`, with `protocol`'s decoder), and each endpoint's
//! typed query refuses a malformed one.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use protocol::compare::RUN_PARAM;
use protocol::observe::{CLIENT_HEADER, CLIENT_PARAM, valid_client_key};
use protocol::query::{self, QueryError, QueryString};

use crate::conn::tag::OnConn;
use crate::error::AppError;

/// The part of a URI after `?` (empty when none).
fn raw_query(uri: &Uri) -> &str {
    uri.query().unwrap_or("")
}

/// An endpoint's typed query, decoded by `protocol`.
#[derive(Debug)]
pub(crate) struct Params<T>(pub(crate) T);

impl<S: Send + Sync, T: QueryString> FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(Self(T::from_query(raw_query(&parts.uri))?))
    }
}

/// The page's client key (valid per `protocol::observe::valid_client_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientKey(pub(crate) String);

impl ClientKey {
    /// The key from the header, else from the query; `None` when absent or malformed (a
    /// readable but malformed header is not made up for by the query).
    pub(crate) fn of(headers: &HeaderMap, uri: &Uri) -> Option<Self> {
        let from_header = headers
            .get(CLIENT_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let key = from_header.or_else(|| query::lookup(raw_query(uri), CLIENT_PARAM))?;
        valid_client_key(&key).then_some(Self(key))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Self::of(&parts.headers, &parts.uri).ok_or(AppError::NeedsClientKey)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for ClientKey {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(Self::of(&parts.headers, &parts.uri))
    }
}

/// The run a request names (`?run=<id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RunId(pub(crate) u64);

impl RunId {
    /// The run in `uri`'s query: `Ok(None)` when absent.
    pub(crate) fn of(uri: &Uri) -> Result<Option<Self>, QueryError> {
        query::lookup(raw_query(uri), RUN_PARAM)
            .map(|v| {
                v.parse().map(Self).map_err(|_| QueryError::Invalid {
                    name: RUN_PARAM,
                    expected: "a whole number",
                })
            })
            .transpose()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RunId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(Self::of(&parts.uri)?.ok_or(QueryError::Missing(RUN_PARAM))?)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for RunId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, AppError> {
        Ok(Self::of(&parts.uri)?)
    }
}

/// Whose quota a request takes from: its client key, else `ip:<peer address>`, else
/// `anonymous` (no connection layer: in-process tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Who(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for Who {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let who = ClientKey::of(&parts.headers, &parts.uri)
            .map(|ClientKey(k)| k)
            .or_else(|| {
                let on_conn = parts.extensions.get::<OnConn>()?;
                Some(format!("ip:{}", on_conn.handle.peer().ip()))
            })
            .unwrap_or_else(|| "anonymous".to_owned());
        Ok(Self(who))
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

    #[tokio::test]
    async fn client_key_from_header_or_query_else_refused() {
        let mut p = parts("/api/tally?run=1", Some(KEY));
        let got = <ClientKey as FromRequestParts<()>>::from_request_parts(&mut p, &()).await;
        assert_eq!(got.unwrap(), ClientKey(KEY.into()));
        let mut p = parts(&format!("/ws/race?n=1&client={KEY}"), None);
        let got = <ClientKey as FromRequestParts<()>>::from_request_parts(&mut p, &()).await;
        assert_eq!(got.unwrap(), ClientKey(KEY.into()));
        // A malformed header is not made up for by the query.
        let mut p = parts(&format!("/x?client={KEY}"), Some("short"));
        let refused = <ClientKey as FromRequestParts<()>>::from_request_parts(&mut p, &())
            .await
            .unwrap_err();
        assert_eq!(code_of(refused).await, (400, ErrorCode::MissingClientKey));
        let mut p = parts("/x", None);
        let none = <ClientKey as OptionalFromRequestParts<()>>::from_request_parts(&mut p, &());
        assert_eq!(none.await.unwrap(), None);
    }

    #[tokio::test]
    async fn run_ids_and_typed_queries_refuse_as_json() {
        let mut p = parts("/api/tally?run=12", None);
        let run = <RunId as FromRequestParts<()>>::from_request_parts(&mut p, &()).await;
        assert_eq!(run.unwrap(), RunId(12));
        let mut p = parts("/api/tally?run=x", None);
        let bad = <RunId as OptionalFromRequestParts<()>>::from_request_parts(&mut p, &()).await;
        assert_eq!(code_of(bad.unwrap_err()).await, (400, ErrorCode::BadQuery));
        let mut p = parts("/api/tally", None);
        let none = <RunId as OptionalFromRequestParts<()>>::from_request_parts(&mut p, &()).await;
        assert_eq!(none.unwrap(), None);

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

    #[tokio::test]
    async fn who_is_the_key_else_anonymous() {
        let mut p = parts("/api/lab", Some(KEY));
        let Ok(Who(w)) = <Who as FromRequestParts<()>>::from_request_parts(&mut p, &()).await;
        assert_eq!(w, KEY);
        let mut p = parts("/api/lab", None);
        let Ok(Who(w)) = <Who as FromRequestParts<()>>::from_request_parts(&mut p, &()).await;
        assert_eq!(w, "anonymous");
    }
}
