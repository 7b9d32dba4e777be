//! The page's addresses. Every route is a real path the server answers with `index.html`,
//! so a link (with its `?lang=`) can be shared and reloaded.
//!
//! Hand-written rather than yew-router: four routes need a path match, `pushState` and a
//! `popstate` listener (`hooks::use_route`), and yew-router cost 64 KB of wasm (25 KB
//! gzip) for them.

/// A page of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Home,
    HttpLab,
    WsLab,
    Compare,
    NotFound,
}

impl Route {
    /// The path of the route (`NotFound` has none of its own: it keeps the unknown one).
    pub fn path(self) -> &'static str {
        match self {
            Route::Home => "/",
            Route::HttpLab => "/lab/http",
            Route::WsLab => "/lab/ws",
            Route::Compare => "/compare",
            Route::NotFound => "/404",
        }
    }

    /// The route of a path; a trailing slash does not matter.
    pub fn from_path(path: &str) -> Route {
        match path.trim_end_matches('/') {
            "" => Route::Home,
            "/lab/http" => Route::HttpLab,
            "/lab/ws" => Route::WsLab,
            "/compare" => Route::Compare,
            _ => Route::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Route;

    #[test]
    fn paths_round_trip() {
        for r in [Route::Home, Route::HttpLab, Route::WsLab, Route::Compare] {
            assert_eq!(Route::from_path(r.path()), r);
        }
        assert_eq!(Route::from_path("/lab/http/"), Route::HttpLab);
        assert_eq!(Route::from_path(""), Route::Home);
        assert_eq!(Route::from_path("/nope"), Route::NotFound);
    }
}
