//! `GET /lessons/<lang>/<slug>.txt`: a lesson's prose in one language
//! (`model::lesson_text`), fetched when the lesson opens, never compiled into the wasm
//! (ARCHITECTURE.md, "i18n").

use gloo_net::http::Request;

use crate::i18n::Lang;
use crate::model::fetch::FetchError;
use crate::model::lesson_text::{self, LessonText};

/// The lesson's text in `lang`, parsed; a file that does not parse is `Unexpected` (the
/// build's completeness test keeps that from shipping).
pub(crate) async fn text(lang: Lang, slug: &str) -> Result<LessonText, FetchError> {
    let url = format!("{}{}", super::origin(), lesson_text::url(lang, slug));
    let resp = Request::get(&url)
        .send()
        .await
        .map_err(|_| FetchError::Network)?;
    if !resp.ok() {
        return Err(FetchError::Unexpected);
    }
    let body = resp.text().await.map_err(|_| FetchError::Network)?;
    LessonText::parse(&body).map_err(|_| FetchError::Unexpected)
}
