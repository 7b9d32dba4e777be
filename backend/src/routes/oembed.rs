//! `GET /oembed` (`protocol::oembed::OEMBED_PATH`): adapts the request to
//! [`crate::site::oembed`] — the query's pairs in, the catalogue of the answer's language
//! read from the page's files, the JSON out (errors as the API's JSON body: 400, 404, 501).

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::origin::site_origin;
use crate::site::meta::{Lang, Texts};
use crate::site::oembed::{Ask, answer, target};
use crate::site::{Site, query_pairs, read_text};

pub(crate) async fn oembed(State(site): State<Site>, req: Request) -> Result<Response, AppError> {
    let ask = Ask::from_pairs(&query_pairs(req.uri().query().unwrap_or("")))?;
    let origin = site_origin(site.public.as_ref(), req.headers());
    let target = target(&ask, &origin)?;
    let catalogue = read_text(&site.pages, &format!("{}.txt", target.lang.tag())).await?;
    let english = match target.lang {
        Lang::En => None,
        _ => Some(read_text(&site.pages, "en.txt").await?),
    };
    let lesson = match target.place {
        protocol::pages::Place::Lesson(slug) | protocol::pages::Place::EmbedLesson(slug) => {
            read_text(
                &site.pages,
                &format!("lessons/{}/{slug}.txt", target.lang.tag()),
            )
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
    let body = answer(&ask, &target, &origin, &texts)?;
    let mut response = Json(body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    // A consumer may fetch it from its readers' browsers.
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}
