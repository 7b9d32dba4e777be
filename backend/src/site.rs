//! The static page: files from Trunk's `dist/`, with `index.html` for client-side routes.
//!
//! A path whose last segment has a file extension is a file: served if it exists, JSON 404
//! if not (so a missing `app-1234.wasm` is an error, not an HTML page). Any other path
//! (`/`, `/lab/http`, `/embed`) gets `index.html` and the page routes it. Every file is
//! served cross-origin isolated (COOP + COEP) for fine-grained timers, and precompressed
//! when the build made `X.br`/`X.gz` beside it (`xtask/src/compress.rs`) and the browser
//! accepts that encoding (brotli first); API responses are never compressed, because the
//! labs count their bytes on the wire.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::AppError;
use crate::state::Dist;

pub(crate) async fn serve(State(Dist(dist)): State<Dist>, req: Request<Body>) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return AppError::MethodNotAllowed.into_response();
    }
    let index = dist.join("index.html");
    if !index.is_file() {
        return AppError::FrontendMissing.into_response();
    }
    let path = req.uri().path().to_owned();
    let is_file = path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    let result = if is_file {
        ServeDir::new(dist.as_path())
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
    let mut response = match result {
        Ok(response) => response.map(Body::new),
        Err(err) => {
            tracing::error!(%err, "static file error");
            return AppError::Internal.into_response();
        }
    };
    if response.status() == StatusCode::NOT_FOUND {
        return AppError::NotFound(path).into_response();
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
                hash.len() >= 16 && hash.chars().all(|c| c.is_ascii_hexdigit())
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
        assert_eq!(
            cache_policy(true, "/frontend-3e5a2b9c0d1f4a7b.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_policy(false, "/lab"), "no-cache");
        assert_eq!(cache_policy(true, "/style.css"), "no-cache");
    }
}
