//! `GET /ja.txt`, `/ko.txt`: the page's language, when it is not compiled in (see
//! `i18n::Lang::source`). index.html starts the request for the language it picks at
//! parse time (a `<link rel="preload">`), so this one is usually served from that.

use gloo_net::http::Request;

use crate::i18n::Lang;

/// Makes `lang`'s text available (`Lang::install`); on any failure the page stays in
/// English for the keys it lacks.
pub(crate) async fn load(lang: Lang) {
    if lang.is_loaded() {
        return;
    }
    let url = format!("{}{}", super::origin(), lang.file());
    let Ok(resp) = Request::get(&url).send().await else {
        return;
    };
    if !resp.ok() {
        return;
    }
    if let Ok(text) = resp.text().await {
        lang.install(text);
    }
}

/// Loads `lang` (if needed), then runs `then`, e.g. the first render.
pub(crate) fn load_then(lang: Lang, then: impl FnOnce() + 'static) {
    if lang.is_loaded() {
        then();
    } else {
        yew::platform::spawn_local(async move {
            load(lang).await;
            then();
        });
    }
}
