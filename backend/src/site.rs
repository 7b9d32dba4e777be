//! The static page: files from Trunk's `dist/`, and each page's address.
//!
//! A path whose last segment has a file extension is a file: served if it exists, JSON 404
//! if not (so a missing `app-1234.wasm` is an error, not an HTML page), precompressed when
//! the build made `X.br`/`X.gz` beside it (`xtask/src/compress.rs`) and the browser accepts
//! that encoding (brotli first). Any other path is a page (`site/page.rs`): the HTML of the
//! bundle that draws it (`protocol::pages::Place`: `compare.html` for `/compare`,
//! `index.html` for `/` and for an address no page has, whose bundle says "not found",
//! with a 404), with the page's own link card written in (`site/meta.rs`). API responses
//! are never compressed, because the labs count their bytes on the wire. Full pages are
//! served cross-origin isolated (COOP + COEP) for fine-grained timers, embeds frameable by
//! any site ([`isolation`]); `site/oembed.rs` answers `/oembed`.
//!
//! The files come from disk (`--dist`, for front-end work) or from the binary itself
//! ([`Pages::Memory`]: `site/embedded.rs` with feature `embed-dist`, served by
//! `site/memory.rs`), chosen at start-up.

#[cfg(feature = "embed-dist")]
pub(crate) mod embedded;
pub(crate) mod memory;
pub(crate) mod meta;
pub(crate) mod oembed;
mod page;

pub(crate) use page::query_pairs;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use protocol::pages::Bundle;

use crate::error::AppError;
use crate::origin::PublicOrigin;

/// Where the page's files are.
#[derive(Debug, Clone)]
pub(crate) enum Pages {
    /// Trunk's output folder.
    Disk(Arc<PathBuf>),
    /// Files in memory (the binary's own, with `embed-dist`).
    #[cfg_attr(not(feature = "embed-dist"), allow(dead_code))]
    Memory(Arc<dyn memory::Assets>),
}

/// What the static routes need: the files, and where the site is.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub(crate) pages: Pages,
    /// `--public-origin`, for the absolute URLs in link cards and oEmbed.
    pub(crate) public: Option<PublicOrigin>,
}

pub(crate) async fn serve(State(site): State<Site>, req: Request<Body>) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return AppError::MethodNotAllowed.into_response();
    }
    let path = req.uri().path().to_owned();
    let is_file = path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    if !is_file {
        let (parts, _) = req.into_parts();
        return page::serve(&site, &parts).await;
    }
    let mut response = match site.pages {
        Pages::Disk(dist) => match from_disk(&dist, &path, req).await {
            Ok(response) => response,
            Err(refusal) => return refusal.into_response(),
        },
        Pages::Memory(assets) => memory::serve(
            assets.as_ref(),
            req.method(),
            req.headers(),
            path.trim_start_matches('/'),
        ),
    };
    if response.status().is_client_error() {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, cache_policy(true, &path));
    // The same URL is sent brotli, gzip or plain by the request's Accept-Encoding.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    isolation(headers, false);
    if path.starts_with("/cards/") {
        // Link-card images: any site may show them (a blog's own page, isolated or not).
        headers.insert(
            "cross-origin-resource-policy",
            HeaderValue::from_static("cross-origin"),
        );
    }
    response
}

/// The headers that make a page cross-origin isolated, and say who may frame it.
///
/// A full page: COOP + COEP, so its timers resolve to 5 µs instead of 100 µs, which
/// loopback round trips and connects need (everything it loads is same-origin, so
/// `require-corp` costs nothing); only this site may frame it (`frame-ancestors 'self'`).
/// An embed (`/embed/…`): any site may frame it, and it is isolated when the host page is
/// too — COEP, and `Cross-Origin-Resource-Policy: cross-origin` so an isolated host may
/// load it (with `allow="cross-origin-isolated"` on the iframe); COOP does not apply in a
/// frame and is left out.
pub(crate) fn isolation(headers: &mut axum::http::HeaderMap, embed: bool) {
    headers.insert(
        "cross-origin-embedder-policy",
        HeaderValue::from_static("require-corp"),
    );
    if embed {
        headers.insert(
            "cross-origin-resource-policy",
            HeaderValue::from_static("cross-origin"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors *"),
        );
    } else {
        headers.insert(
            "cross-origin-opener-policy",
            HeaderValue::from_static("same-origin"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'self'"),
        );
    }
}

/// A file of the page's, as text (a bundle's HTML, a catalogue, a lesson's text).
pub(crate) async fn read_text(pages: &Pages, name: &str) -> Result<String, AppError> {
    let bytes = match pages {
        Pages::Disk(dist) => match tokio::fs::read(dist.join(name)).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(AppError::NotFound(format!("/{name}")));
            }
            Err(err) => {
                tracing::error!(%err, name, "static file error");
                return Err(AppError::Internal);
            }
        },
        Pages::Memory(assets) => assets
            .get(name)
            .ok_or_else(|| AppError::NotFound(format!("/{name}")))?
            .bytes
            .into_owned(),
    };
    String::from_utf8(bytes).map_err(|_| {
        tracing::error!(name, "a page file is not UTF-8");
        AppError::Internal
    })
}

/// A file from `dist`, precompressed when it can be.
async fn from_disk(dist: &Path, path: &str, req: Request<Body>) -> Result<Response, AppError> {
    if !dist.join(Bundle::Home.html()).is_file() {
        return Err(AppError::FrontendMissing);
    }
    let response = ServeDir::new(dist)
        .append_index_html_on_directories(false)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(req)
        .await
        .map_err(|err| {
            tracing::error!(%err, "static file error");
            AppError::Internal
        })?;
    if response.status() == StatusCode::NOT_FOUND {
        return Err(AppError::NotFound(path.to_owned()));
    }
    Ok(response.map(Body::new))
}

/// The page compiled into this binary, if it carries one (feature `embed-dist`).
pub(crate) fn embedded() -> Option<Pages> {
    #[cfg(feature = "embed-dist")]
    if embedded::present() {
        return Some(Pages::Memory(Arc::new(embedded::Embedded)));
    }
    None
}

/// Trunk names built assets `name-<hash>.ext`, so they can be cached forever; the page
/// itself must always be revalidated so a rebuild is picked up.
fn cache_policy(is_file: bool, path: &str) -> HeaderValue {
    let hashed = is_file
        && path
            .rsplit('/')
            .next()
            .and_then(|f| f.rsplit_once('.'))
            // wasm-bindgen names the module `<name>-<hash>_bg.wasm`.
            .map(|(stem, _)| stem.strip_suffix("_bg").unwrap_or(stem))
            .and_then(|stem| stem.rsplit_once('-'))
            .is_some_and(|(_, hash)| {
                hash.len() >= 12 && hash.chars().all(|c| c.is_ascii_hexdigit())
            });
    HeaderValue::from_static(if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    })
}

#[cfg(test)]
mod tests {
    use super::cache_policy;

    #[test]
    fn hashed_assets_are_immutable() {
        assert_eq!(
            cache_policy(true, "/frontend-3e5a2b9c0d1f4a7b_bg.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_policy(true, "/frontend-xyz_bg.wasm"), "no-cache");
        // A bundle's name may hold `_` (`protocol::pages::Bundle::name`).
        assert_eq!(
            cache_policy(true, "/lab_http-3e5a2b9c0d1f4a7b_bg.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_policy(true, "/compare.html"), "no-cache");
        assert_eq!(
            cache_policy(true, "/frontend-3e5a2b9c0d1f4a7b.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_policy(false, "/lab"), "no-cache");
        assert_eq!(cache_policy(true, "/style.css"), "no-cache");
    }
}
