//! `GET /en.txt`, `/ja.txt`, `/ko.txt`: the page's language (none is compiled into the
//! wasm; see `i18n::Lang::source`). index.html starts the request for the language it
//! picks at parse time (a `<link rel="preload">`), so this one is usually served from
//! that.

use gloo_net::http::Request;

use crate::i18n::Lang;

/// Makes `lang`'s text available (`Lang::install`); on a failure the language is not
/// loaded (the caller falls back).
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

/// Loads `lang` (if needed), then runs `then`, e.g. the first render. If `lang` cannot
/// be fetched, English (the page shows in English); if no text at all can be, `then`
/// does not run and the static shell says so (`dom::shell_failed`) — a page of key names
/// would help no one.
pub(crate) fn load_then(lang: Lang, then: impl FnOnce() + 'static) {
    if lang.is_loaded() {
        then();
        return;
    }
    yew::platform::spawn_local(async move {
        load(lang).await;
        if !lang.is_loaded() {
            load(Lang::En).await;
        }
        if lang.is_loaded() || Lang::En.is_loaded() {
            then();
        } else {
            crate::dom::shell_failed();
        }
    });
}
