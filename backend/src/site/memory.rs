//! The page served from memory: the files Trunk built (and `xtask` compressed), compiled
//! into the binary (`site/embedded.rs`, feature `embed-dist`) so a self-hoster deploys one
//! file. Answers as the disk path does (`site.rs`): the brotli or gzip twin a build made
//! when the browser accepts it, else the file itself; `ETag` from the bytes sent, so a
//! revalidation (`If-None-Match`) is a `304`.

use std::borrow::Cow;
use std::fmt::Debug;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// A read-only set of files by path (`index.html`, `compare.html`, `compare-<hash>_bg.wasm.br`, …).
pub(crate) trait Assets: Send + Sync + Debug {
    fn get(&self, name: &str) -> Option<Asset>;
}

/// One file's bytes and a hash of them (for the `ETag`).
#[derive(Debug)]
pub(crate) struct Asset {
    pub(crate) bytes: Cow<'static, [u8]>,
    pub(crate) hash: u64,
}

/// The encodings a request accepts, in the order the server prefers them.
pub(crate) fn accepted(headers: &HeaderMap) -> (bool, bool) {
    let raw = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let takes = |coding: &str| {
        raw.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
    };
    (takes("br"), takes("gzip"))
}

/// The response for `name` (a file, or `index.html` for a page route) from `assets`.
pub(crate) fn serve(
    assets: &dyn Assets,
    method: &Method,
    headers: &HeaderMap,
    name: &str,
) -> Response {
    let (br, gzip) = accepted(headers);
    let twins = [(br, ".br", "br"), (gzip, ".gz", "gzip")];
    let chosen = twins
        .iter()
        .filter(|(ok, ..)| *ok)
        .find_map(|(_, suffix, coding)| {
            assets
                .get(&format!("{name}{suffix}"))
                .map(|asset| (asset, Some(*coding)))
        })
        .or_else(|| assets.get(name).map(|asset| (asset, None)));
    let Some((Asset { bytes, hash }, coding)) = chosen else {
        return AppError::NotFound(format!("/{name}")).into_response();
    };
    let etag = format!("\"{hash:016x}-{}\"", coding.unwrap_or("id"));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else if method == Method::HEAD {
        let mut r = Response::new(Body::empty());
        r.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
        r
    } else {
        Response::new(Body::from(bytes.into_owned()))
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Some(c) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Debug)]
    struct Files(HashMap<&'static str, &'static [u8]>);

    impl Assets for Files {
        fn get(&self, name: &str) -> Option<Asset> {
            use std::hash::{Hash, Hasher};
            self.0.get(name).map(|b| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                b.hash(&mut h);
                Asset {
                    bytes: Cow::Borrowed(*b),
                    hash: h.finish(),
                }
            })
        }
    }

    fn files() -> Files {
        Files(HashMap::from([
            ("index.html", &b"<html>page</html>"[..]),
            ("index.html.br", &b"BR-PAGE"[..]),
            ("app-0123456789abcdef_bg.wasm", &b"\0asm-plain"[..]),
            ("app-0123456789abcdef_bg.wasm.gz", &b"GZ-WASM"[..]),
        ]))
    }

    fn with(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        h
    }

    async fn body(r: Response) -> Vec<u8> {
        axum::body::to_bytes(r.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec()
    }

    #[tokio::test]
    async fn the_best_accepted_twin_is_sent_with_its_encoding() {
        let f = files();
        let r = serve(&f, &Method::GET, &with("gzip, deflate, br"), "index.html");
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "text/html");
        assert_eq!(body(r).await, b"BR-PAGE");
        // No brotli twin of the wasm: gzip.
        let wasm = "app-0123456789abcdef_bg.wasm";
        let r = serve(&f, &Method::GET, &with("br, gzip"), wasm);
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/wasm");
        // Refused encodings (q=0) and none at all: the file itself.
        for accept in ["br;q=0, gzip;q=0", "identity"] {
            let r = serve(&f, &Method::GET, &with(accept), "index.html");
            assert!(
                r.headers().get(header::CONTENT_ENCODING).is_none(),
                "{accept}"
            );
            assert_eq!(body(r).await, b"<html>page</html>");
        }
    }

    #[tokio::test]
    async fn an_etag_revalidates_and_head_has_no_body() {
        let f = files();
        let first = serve(&f, &Method::GET, &with("br"), "index.html");
        let etag = first.headers()[header::ETAG].clone();
        let mut again = with("br");
        again.insert(header::IF_NONE_MATCH, etag.clone());
        let r = serve(&f, &Method::GET, &again, "index.html");
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        // Another encoding is another representation: another tag.
        let plain = serve(&f, &Method::GET, &HeaderMap::new(), "index.html");
        assert_ne!(plain.headers()[header::ETAG], etag);
        let head = serve(&f, &Method::HEAD, &with("br"), "index.html");
        assert_eq!(head.headers()[header::CONTENT_LENGTH], "7");
        assert!(body(head).await.is_empty());
        let missing = serve(&f, &Method::GET, &HeaderMap::new(), "nope.js");
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }
}
