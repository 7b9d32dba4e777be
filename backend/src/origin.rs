//! Which pages may use this server. A browser names the page that makes a request in its
//! `Origin` header, on every WebSocket upgrade and every cross-origin or state-changing
//! fetch; any site could otherwise open a session here in a reader's name. So a WebSocket
//! upgrade, or a request that changes state (any method but GET, HEAD and OPTIONS), that
//! carries an `Origin` is served only when that origin is this site's own — its host and
//! port equal the request's `Host` — or on the allow-list (`--allow-origin`, repeatable).
//! Refusals are 403 with the JSON error body.
//!
//! Requests without `Origin` (curl, native clients, the page's own GETs) pass: Origin is a
//! browser's statement about a page, and a non-browser client could write any value. An
//! embed of Duplex (a Duplex page inside an iframe on a blog) is same-origin with this
//! server, so it passes too. Behind a proxy that rewrites `Host`, list the public origin.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};

use crate::error::AppError;

/// The origins allowed besides this site's own: `scheme://host[:port]`, lower-case, with
/// the scheme's default port left out.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    extra: Arc<[String]>,
}

/// An `--allow-origin` value that is not an origin.
#[derive(Debug, thiserror::Error)]
#[error("not an origin (expected http://host[:port] or https://host[:port]): {0:?}")]
pub struct BadOrigin(pub String);

impl Origins {
    /// This site's own origin plus `extra` (each `http(s)://host[:port]`, no path).
    pub fn new<S: AsRef<str>>(extra: &[S]) -> Result<Self, BadOrigin> {
        let extra = extra
            .iter()
            .map(|o| normalise(o.as_ref()).ok_or_else(|| BadOrigin(o.as_ref().to_owned())))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            extra: extra.into(),
        })
    }

    /// Whether a request from `origin`, sent to `host` (its `Host` header), is allowed.
    pub(crate) fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        let Some(origin) = normalise(origin) else {
            return false; // "null" (sandboxed frames, files) or garbage
        };
        let own = host.is_some_and(|host| {
            let (scheme, authority) = origin.split_once("://").unwrap_or(("", ""));
            authority == strip_default_port(scheme, &host.to_ascii_lowercase())
        });
        own || self.extra.contains(&origin)
    }
}

/// The site's own origin as its readers reach it (`--public-origin`), for the absolute
/// URLs of link cards and oEmbed; without it, the request's `Host` over `http`.
#[derive(Debug, Clone)]
pub struct PublicOrigin(Arc<str>);

impl PublicOrigin {
    /// `http(s)://host[:port]`, no path.
    pub fn new(origin: &str) -> Result<Self, BadOrigin> {
        normalise(origin)
            .map(|o| Self(o.into()))
            .ok_or_else(|| BadOrigin(origin.to_owned()))
    }
}

/// The origin of this site for a request: `public`, else `http://` and the request's
/// `Host` when it is a plain `host[:port]`, else `http://localhost`.
pub(crate) fn site_origin(public: Option<&PublicOrigin>, headers: &HeaderMap) -> String {
    if let Some(PublicOrigin(o)) = public {
        return o.to_string();
    }
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|host| normalise(&format!("http://{host}")))
        .unwrap_or_else(|| "http://localhost".to_owned())
}

/// Whether `url` (absolute) is on `site` (an origin from [`site_origin`]); its path and
/// query (`/…`, or empty) if so.
pub(crate) fn on_site<'a>(url: &'a str, site: &str) -> Option<&'a str> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let origin = normalise(&format!("{scheme}://{authority}"))?;
    (origin == site).then_some(tail)
}

/// `http(s)://host[:port]` lower-cased, the default port left out; `None` if it is not one.
fn normalise(origin: &str) -> Option<String> {
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, authority) = origin.split_once("://")?;
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._:[]".contains(c);
    if !matches!(scheme, "http" | "https") || authority.is_empty() || !authority.chars().all(plain)
    {
        return None;
    }
    Some(format!(
        "{scheme}://{}",
        strip_default_port(scheme, authority)
    ))
}

fn strip_default_port<'a>(scheme: &str, authority: &'a str) -> &'a str {
    let default = if scheme == "https" { ":443" } else { ":80" };
    authority.strip_suffix(default).unwrap_or(authority)
}

/// Whether the request is one the rule covers: a WebSocket upgrade or a state change.
fn guarded(method: &Method, headers: &HeaderMap) -> bool {
    let upgrade = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    upgrade || !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Middleware: refuses a guarded request from an origin that is not allowed.
/// Whether `request` may go on: a state-changing request or a WebSocket handshake that
/// names an `Origin` must come from this site or a listed one (`AppError::ForbiddenOrigin`,
/// 403, otherwise). Run by the per-request middleware, [`crate::edge`].
pub(crate) fn check(origins: &Origins, request: &Request) -> Result<(), AppError> {
    let headers = request.headers();
    if guarded(request.method(), headers)
        && let Some(origin) = headers.get(header::ORIGIN)
    {
        let origin = String::from_utf8_lossy(origin.as_bytes()).into_owned();
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        if !origins.allows(&origin, host) {
            return Err(AppError::ForbiddenOrigin(
                origin.chars().take(100).collect(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Origins;

    #[test]
    fn own_origin_and_listed_ones_pass_others_do_not() {
        let o = Origins::new(&["https://blog.example", "http://127.0.0.1:8081/"]).unwrap();
        let host = Some("127.0.0.1:8080");
        assert!(o.allows("http://127.0.0.1:8080", host));
        assert!(o.allows("HTTP://127.0.0.1:8080", host));
        assert!(o.allows("http://127.0.0.1:8081", host), "listed");
        assert!(o.allows("https://blog.example:443", host), "default port");
        assert!(!o.allows("https://evil.example", host));
        assert!(!o.allows("http://127.0.0.1:8082", host));
        assert!(!o.allows("null", host));
        assert!(
            !o.allows("http://127.0.0.1:8080", None),
            "no Host, not listed"
        );
        // Default ports: Host omits them, and so may the Origin.
        assert!(o.allows("http://duplex.example", Some("duplex.example")));
        assert!(o.allows("http://duplex.example:80", Some("duplex.example")));
        assert!(!o.allows("https://duplex.example:8443", Some("duplex.example")));
        // A look-alike host is not the same host.
        assert!(!o.allows("http://127.0.0.1:8080.evil.example", host));
    }

    #[test]
    fn an_allow_list_entry_must_be_an_origin() {
        for bad in [
            "example.com",
            "ftp://x",
            "https://x/path",
            "https://",
            "https://a b",
        ] {
            assert!(Origins::new(&[bad]).is_err(), "{bad}");
        }
    }
}
