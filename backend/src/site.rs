//! The static page: files from Trunk's `dist/`, with a page bundle's HTML for the page's
//! own addresses.
//!
//! A path whose last segment has a file extension is a file: served if it exists, JSON 404
//! if not (so a missing `app-1234.wasm` is an error, not an HTML page). Any other path is
//! a page: it gets the HTML of the bundle that draws it (`protocol::pages::Bundle::html`:
//! `compare.html` for `/compare`, `index.html` for `/` and for an address no page has,
//! whose bundle says "not found"), and the page routes it. Every file is
//! served cross-origin isolated (COOP + COEP) for fine-grained timers, and precompressed
//! when the build made `X.br`/`X.gz` beside it (`xtask/src/compress.rs`) and the browser
//! accepts that encoding (brotli first); API responses are never compressed, because the
//! labs count their bytes on the wire.
//!
//! The files come from disk (`--dist`, for front-end work) or from the binary itself
//! ([`Pages::Memory`]: `site/embedded.rs` with feature `embed-dist`, served by
//! `site/memory.rs`), chosen at start-up.

#[cfg(feature = "embed-dist")]
pub(crate) mod embedded;
pub(crate) mod memory;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use protocol::pages::Bundle;

use crate::error::AppError;

/// Where the page's files are.
#[derive(Debug, Clone)]
pub(crate) enum Pages {
    /// Trunk's output folder.
    Disk(Arc<PathBuf>),
    /// Files in memory (the binary's own, with `embed-dist`).
    #[cfg_attr(not(feature = "embed-dist"), allow(dead_code))]
    Memory(Arc<dyn memory::Assets>),
}

pub(crate) async fn serve(State(pages): State<Pages>, req: Request<Body>) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return AppError::MethodNotAllowed.into_response();
    }
    let path = req.uri().path().to_owned();
    let is_file = path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    let mut response = match pages {
        Pages::Disk(dist) => match from_disk(&dist, is_file, &path, req).await {
            Ok(response) => response,
            Err(refusal) => return refusal.into_response(),
        },
        Pages::Memory(assets) => {
            let name = if is_file {
                path.trim_start_matches('/')
            } else {
                Bundle::for_path(&path).html()
            };
            memory::serve(assets.as_ref(), req.method(), req.headers(), name)
        }
    };
    if response.status().is_client_error() {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, cache_policy(is_file, &path));
    // The same URL is sent brotli, gzip or plain by the request's Accept-Encoding.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    // Cross-origin isolation: the page's timers then resolve to 5 µs instead of 100 µs,
    // which loopback round trips and connects need. Everything the page loads is
    // same-origin, so `require-corp` costs nothing.
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-embedder-policy",
        HeaderValue::from_static("require-corp"),
    );
    response
}

/// The file (or `index.html`) from `dist`, precompressed when it can be.
async fn from_disk(
    dist: &Path,
    is_file: bool,
    path: &str,
    req: Request<Body>,
) -> Result<Response, AppError> {
    let index = dist.join(Bundle::for_path(path).html());
    if !index.is_file() {
        return Err(AppError::FrontendMissing);
    }
    let result = if is_file {
        ServeDir::new(dist)
            .append_index_html_on_directories(false)
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(req)
            .await
    } else {
        ServeFile::new(index)
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(req)
            .await
    };
    let response = result.map_err(|err| {
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
