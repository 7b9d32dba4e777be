//! The browser page itself, not the network: the address bar (read, `pushState`,
//! `replaceState`, `popstate`), `<html lang>`, the browser's languages, the window's width, whether
//! the page is cross-origin isolated, and file downloads. Every function does nothing (or
//! answers "nothing") outside a browser window.

use wasm_bindgen::JsValue;

/// `location.pathname` (empty outside a browser).
pub(crate) fn pathname() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// The page's address as a `URL` (to read and change its query).
pub(crate) fn current_url() -> Option<web_sys::Url> {
    let href = web_sys::window()?.location().href().ok()?;
    web_sys::Url::new(&href).ok()
}

/// One query parameter of the page's address.
pub(crate) fn query_param(name: &str) -> Option<String> {
    current_url()?.search_params().get(name)
}

/// Shows `url` in the address bar without a new history entry or a reload.
pub(crate) fn replace_url(url: &web_sys::Url) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url.href()));
    }
}

/// Goes to `path` with a new history entry (back returns), keeping the query (`?lang=`).
pub(crate) fn push_path(path: &str) {
    let Some(w) = web_sys::window() else { return };
    let query = w.location().search().unwrap_or_default();
    if let Ok(history) = w.history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{query}")));
    }
}

/// Loads `path` with the current query string (`?lang=`) as a new page (another bundle's).
pub(crate) fn load_path(path: &str) {
    let Some(w) = web_sys::window() else { return };
    let query = w.location().search().unwrap_or_default();
    let _ = w.location().assign(&format!("{path}{query}"));
}

/// Whether a click on a link stays in the page (the main button, no modifier): the app
/// handles it; a modified or middle click is left to the browser (a new tab or window).
pub(crate) fn plain_click(e: &web_sys::MouseEvent) -> bool {
    !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0)
}

/// Loads the current address again (after `popstate` to another bundle's page).
pub(crate) fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Calls `f` on every `popstate` (the browser's back and forward buttons) until the
/// returned listener is dropped.
pub(crate) fn on_popstate(mut f: impl FnMut() + 'static) -> Option<gloo_events::EventListener> {
    let window = web_sys::window()?;
    Some(gloo_events::EventListener::new(
        &window,
        "popstate",
        move |_| f(),
    ))
}

/// The browser's preferred languages (`navigator.languages`), most wanted first.
pub(crate) fn preferred_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|arr| arr.iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default()
}

/// Sets `<html lang>` (fonts, screen readers).
pub(crate) fn set_root_lang(tag: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", tag);
    }
}

/// Removes the static shell `index.html` painted before the wasm ran (`#shell`, made by
/// `xtask/src/shell.rs`): the app draws the real header and tabs now.
pub(crate) fn remove_shell() {
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("shell"))
    {
        shell.remove();
    }
}

/// The static shell says the page could not start (its text could not be fetched): its
/// hidden failure line shows, the loading line goes.
pub(crate) fn shell_failed() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(Some(failed)) = doc.query_selector("#shell .shell-failed") {
        let _ = failed.remove_attribute("hidden");
    }
    if let Ok(Some(loading)) = doc.query_selector("#shell .shell-loading") {
        loading.remove();
    }
}

/// `localStorage[key]`, if the browser keeps one and lets the page read it.
pub(crate) fn stored(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Sets `localStorage[key]`; quietly nothing where storage is off or full (progress then
/// lasts until the page closes).
pub(crate) fn store(key: &str, value: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(key, value);
    }
}

/// The window's inner width in CSS pixels.
pub(crate) fn inner_width() -> Option<f64> {
    web_sys::window()?.inner_width().ok()?.as_f64()
}

/// Whether the page is cross-origin isolated (then `performance.now()` has 5 µs
/// resolution rather than 100 µs).
pub(crate) fn cross_origin_isolated() -> bool {
    // web-sys has no binding for `crossOriginIsolated`; read the property.
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"crossOriginIsolated".into()).ok())
        .is_some_and(|v| v.as_bool() == Some(true))
}

/// Offers `text` as a file download named `name`.
pub(crate) fn download(name: &str, mime: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = anchor {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Sets `<html data-theme>` from `?theme=` (`light`, `dark`; anything else, or none, is
/// `auto`: the reader's system setting), which the CSS reads (`style.css`, top).
pub(crate) fn apply_theme() {
    let theme = query_param("theme").filter(|t| t == "light" || t == "dark");
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = match theme {
            Some(t) => root.set_attribute("data-theme", &t),
            None => root.remove_attribute("data-theme"),
        };
    }
}

/// While alive, posts the page's height to the page that frames it (`postMessage`
/// `{ type: "duplex:height", height }`, [`protocol::oembed::HEIGHT_MESSAGE`]) on every
/// change of size; the embed snippet's script applies it to the iframe.
pub(crate) struct HeightReport {
    observer: web_sys::ResizeObserver,
    _on_resize: wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for HeightReport {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// A [`HeightReport`] if the page is in a frame; `None` at the top (nothing to tell).
pub(crate) fn report_height() -> Option<HeightReport> {
    use wasm_bindgen::JsCast as _;
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    if js_sys::Object::is(&parent, &window) {
        return None;
    }
    let body = window.document()?.body()?;
    let measured = body.clone();
    let on_resize = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(
        move |_entries: js_sys::Array| {
            let height = measured.get_bounding_client_rect().height().ceil();
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &message,
                &"type".into(),
                &protocol::oembed::HEIGHT_MESSAGE.into(),
            );
            let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
            // Any host may read a height: nothing private is in it.
            let _ = parent.post_message(&message, "*");
        },
    );
    let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
    observer.observe(&body);
    Some(HeightReport {
        observer,
        _on_resize: on_resize,
    })
}

/// Makes every link open in a new tab (`<base target="_blank">`): in an embed, a link
/// followed inside the blog's iframe would load a full page that only this site may frame.
pub(crate) fn links_open_outside() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let (Ok(Some(head)), Ok(base)) = (doc.query_selector("head"), doc.create_element("base")) {
        let _ = base.set_attribute("target", "_blank");
        let _ = head.append_child(&base);
    }
}

/// The page's origin (`https://host[:port]`).
pub(crate) fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The page's query without its `?` (settings and `lang`).
pub(crate) fn query() -> String {
    current_url()
        .map(|u| u.search().trim_start_matches('?').to_owned())
        .unwrap_or_default()
}

/// The page's query without its `?`, with `lang` set to `tag` (in its place, or added):
/// the address as it is once a language just chosen is written into it (`app::reflect`
/// runs after the redraw that chose it).
pub(crate) fn query_with_lang(tag: &str) -> String {
    let Some(url) = current_url() else {
        return String::new();
    };
    url.search_params().set("lang", tag);
    url.search().trim_start_matches('?').to_owned()
}

/// Shows `path` in the address bar, with the page's query, without a new history entry or
/// a reload.
pub(crate) fn replace_path(path: &str) {
    if let Some(url) = current_url() {
        url.set_pathname(path);
        replace_url(&url);
    }
}

/// Starts writing `text` to the clipboard; the promise settles when it is there (`None`
/// where the browser offers no clipboard).
pub(crate) fn clipboard_write(text: &str) -> Option<js_sys::Promise> {
    Some(web_sys::window()?.navigator().clipboard().write_text(text))
}

/// Calls `f` with each height an embed of this site's own posts from a frame of this page
/// (`protocol::oembed::HEIGHT_MESSAGE`), while the listener lives.
pub(crate) fn on_embed_height(f: impl Fn(f64) + 'static) -> Option<gloo_events::EventListener> {
    let window = web_sys::window()?;
    let own = origin();
    Some(gloo_events::EventListener::new(
        &window,
        "message",
        move |e| {
            use wasm_bindgen::JsCast as _;
            let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else {
                return;
            };
            if e.origin() != own {
                return;
            }
            let data = e.data();
            let kind = js_sys::Reflect::get(&data, &"type".into()).ok();
            let height = js_sys::Reflect::get(&data, &"height".into()).ok();
            if kind.and_then(|k| k.as_string()).as_deref() == Some(protocol::oembed::HEIGHT_MESSAGE)
                && let Some(h) = height.and_then(|h| h.as_f64())
            {
                f(h);
            }
        },
    ))
}
