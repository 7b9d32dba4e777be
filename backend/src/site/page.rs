//! A page's address (`/`, `/lab/http`, `/learn/keep-alive`, `/embed/race`, …): its
//! bundle's HTML with that page's link card written in (`meta.rs`), in the requested
//! language, compressed for the browser.
//!
//! The HTML differs per page, language and site origin, so it is not the build's
//! precompressed file: it is compressed per request (brotli quality 5, else gzip level 6;
//! ~5 KB of HTML). An `ETag` of the bytes makes a revalidation a `304`.

use std::hash::{Hash, Hasher};
use std::io::Write as _;

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use protocol::pages::Place;

use super::meta::{self, Lang, Texts};
use super::{Site, read_text};
use crate::error::AppError;
use crate::origin::site_origin;

/// Brotli's quality for a page (0–11): 5 is within a few % of 11 on ~5 KB of HTML and
/// takes well under a millisecond.
const BROTLI_QUALITY: u32 = 5;

pub(super) async fn serve(site: &Site, req: &Parts) -> Response {
    let place = Place::of(req.uri.path());
    let html = match read_text(&site.pages, place.bundle().html()).await {
        Ok(html) => html,
        Err(AppError::NotFound(_)) => return AppError::FrontendMissing.into_response(),
        Err(e) => return e.into_response(),
    };
    let pairs = query_pairs(req.uri.query().unwrap_or(""));
    let query_lang = pairs
        .iter()
        .find(|(n, _)| n == "lang")
        .map(|(_, v)| v.as_str());
    let accept = req
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = Lang::choose(query_lang, accept);
    let origin = site_origin(site.public.as_ref(), &req.headers);
    let body = match with_card(site, &html, place, lang, &origin, &pairs).await {
        Some(body) => body,
        None => html,
    };
    let status = if place == Place::NotFound {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    let mut response = respond(&req.method, &req.headers, status, body.into_bytes());
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("accept-encoding, accept-language"),
    );
    super::isolation(headers, place.is_embed());
    response
}

/// `html` with `place`'s card; `None` (the build's English card stays) when a text file
/// is missing or the HTML has no markers — logged, the page still works.
async fn with_card(
    site: &Site,
    html: &str,
    place: Place,
    lang: Lang,
    origin: &str,
    pairs: &[(String, String)],
) -> Option<String> {
    let catalogue = read_text(&site.pages, &format!("{}.txt", lang.tag()))
        .await
        .ok()?;
    let english = if lang == Lang::En {
        None
    } else {
        Some(read_text(&site.pages, "en.txt").await.ok()?)
    };
    let lesson = match place {
        Place::Lesson(slug) | Place::EmbedLesson(slug) => {
            read_text(&site.pages, &format!("lessons/{}/{slug}.txt", lang.tag()))
                .await
                .ok()
        }
        _ => None,
    };
    let texts = Texts {
        catalogue: &catalogue,
        english: english.as_deref().unwrap_or(&catalogue),
        lesson: lesson.as_deref(),
    };
    let card = meta::card(place, lang, origin, pairs, &texts);
    match meta::inject(html, &meta::head(&card), lang, place.is_embed()) {
        Ok(body) => Some(body),
        Err(err) => {
            tracing::warn!(%err, "page served without its link card");
            None
        }
    }
}

/// The query's `name=value` pairs, decoded; a pair that does not decode is left out (the
/// page reports a bad parameter itself).
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            Some((
                protocol::query::decode(n).ok()?,
                protocol::query::decode(v).ok()?,
            ))
        })
        .take(32)
        .collect()
}

/// `bytes` as HTML, compressed as the request accepts, `304` when its `ETag` matches.
fn respond(method: &Method, headers: &HeaderMap, status: StatusCode, bytes: Vec<u8>) -> Response {
    let (br, gzip) = super::memory::accepted(headers);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    let (body, coding) = if br {
        (brotli(&bytes), Some("br"))
    } else if gzip {
        (gzip_of(&bytes), Some("gzip"))
    } else {
        (bytes, None)
    };
    let etag = format!("\"{:016x}-{}\"", hasher.finish(), coding.unwrap_or("id"));
    let fresh = status == StatusCode::OK
        && headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let len = body.len();
        let mut r = if method == Method::HEAD {
            Response::new(Body::empty())
        } else {
            Response::new(Body::from(body))
        };
        *r.status_mut() = status;
        r.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        r
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Some(c) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, 22);
        // Writing into a Vec cannot fail.
        let _ = w.write_all(bytes);
    }
    out
}

fn gzip_of(bytes: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::default(),
    );
    let _ = w.write_all(bytes);
    w.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_decode_and_bad_ones_are_left_out() {
        assert_eq!(
            query_pairs("n=3&lang=ja&x=%E3%81%82&bad=%ZZ&flag"),
            vec![
                ("n".into(), "3".into()),
                ("lang".into(), "ja".into()),
                ("x".into(), "あ".into()),
                ("flag".into(), String::new()),
            ]
        );
    }

    #[test]
    fn compressed_bodies_decompress_to_the_page() {
        use std::io::Read as _;
        let page = "<html>ページ</html>".repeat(50).into_bytes();
        let mut out = Vec::new();
        brotli::Decompressor::new(&brotli(&page)[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, page);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&gzip_of(&page)[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, page);
    }
}
