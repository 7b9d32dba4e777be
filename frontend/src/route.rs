//! The page's addresses. Every route is a real path the server answers with `index.html`,
//! so a link (with its `?lang=`) can be shared and reloaded.
//!
//! Paths are matched segment by segment against one table of patterns, where a `:name`
//! segment captures a parameter: adding `/learn/:lesson` is one row
//! (`("/learn/:lesson", |p| Some(Route::Learn { lesson: p[0].to_owned() }))`) plus its
//! variant. Hand-written rather than yew-router: a handful of routes need a path match,
//! `pushState` and a `popstate` listener (`hooks::use_route`), and yew-router cost 64 KB
//! of wasm (25 KB gzip) for them.

use yew::Callback;

/// The app's router as context (made by `hooks::use_route`): where the page is, and how to
/// go elsewhere. Pages and components (the tabs) read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Router {
    pub route: Route,
    pub go: Callback<Route>,
}

/// A page of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Home,
    HttpLab,
    WsLab,
    Compare,
    NotFound,
}

/// Makes a route from the parameters its pattern captured (in pattern order); `None`
/// refuses them (then the next row is tried).
pub type Build<R> = fn(&[&str]) -> Option<R>;

/// Every route with a path of its own, first match wins.
const ROUTES: &[(&str, Build<Route>)] = &[
    ("/", |_| Some(Route::Home)),
    ("/lab/http", |_| Some(Route::HttpLab)),
    ("/lab/ws", |_| Some(Route::WsLab)),
    ("/compare", |_| Some(Route::Compare)),
];

impl Route {
    /// The path of the route (`NotFound` has none of its own: it keeps the unknown one).
    pub fn path(self) -> String {
        let pattern = match self {
            Route::Home => "/",
            Route::HttpLab => "/lab/http",
            Route::WsLab => "/lab/ws",
            Route::Compare => "/compare",
            Route::NotFound => "/404",
        };
        fill(pattern, &[])
    }

    /// The route of a path; a trailing slash does not matter.
    pub fn from_path(path: &str) -> Route {
        match_table(ROUTES, path).unwrap_or(Route::NotFound)
    }
}

/// The first row of `table` whose pattern matches `path` and whose builder accepts the
/// captured parameters.
pub fn match_table<R>(table: &[(&str, Build<R>)], path: &str) -> Option<R> {
    table
        .iter()
        .find_map(|(pattern, build)| build(&captures(pattern, path)?))
}

/// The segments of a path: `/lab/http/` → `["lab", "http"]`, `/` and `` → `[]`.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_end_matches('/')
        .strip_prefix('/')
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty())
}

/// The parameters `path` gives `pattern`'s `:name` segments, or `None` if it does not
/// match (a different word, a segment more or less, an empty parameter).
pub fn captures<'a>(pattern: &str, path: &'a str) -> Option<Vec<&'a str>> {
    // An inner empty segment (`/lab//http`) is not a path this app makes.
    if path.trim_end_matches('/').contains("//") {
        return None;
    }
    let mut want = segments(pattern);
    let mut have = segments(path);
    let mut params = Vec::new();
    loop {
        match (want.next(), have.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(h)) if w.starts_with(':') => params.push(h),
            (Some(w), Some(h)) if w == h => {}
            _ => return None,
        }
    }
}

/// `pattern` with its `:name` segments replaced by `params`, in order.
pub fn fill(pattern: &str, params: &[&str]) -> String {
    let mut params = params.iter();
    let path: String = segments(pattern)
        .map(|s| {
            let s = if s.starts_with(':') {
                params.next().copied().unwrap_or_default()
            } else {
                s
            };
            format!("/{s}")
        })
        .collect();
    if path.is_empty() {
        "/".to_owned()
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::{Build, Route, captures, fill, match_table};

    #[test]
    fn paths_round_trip() {
        for r in [Route::Home, Route::HttpLab, Route::WsLab, Route::Compare] {
            assert_eq!(Route::from_path(&r.path()), r);
        }
        assert_eq!(Route::Home.path(), "/");
        assert_eq!(Route::from_path("/lab/http/"), Route::HttpLab);
        assert_eq!(Route::from_path("/compare//"), Route::Compare);
        assert_eq!(Route::from_path(""), Route::Home);
        assert_eq!(Route::from_path("/nope"), Route::NotFound);
        assert_eq!(Route::from_path("/lab"), Route::NotFound);
        assert_eq!(Route::from_path("/lab/http/x"), Route::NotFound);
        assert_eq!(Route::from_path("/lab//http"), Route::NotFound);
        assert_eq!(Route::from_path("/404"), Route::NotFound);
    }

    /// A route with a parameter, as `/learn/<lesson>` will be: one table row each.
    #[derive(Debug, PartialEq)]
    enum Example {
        Index,
        Learn { lesson: Option<String> },
        Embed { widget: String, size: u32 },
    }

    const EXAMPLE: &[(&str, Build<Example>)] = &[
        ("/", |_| Some(Example::Index)),
        ("/learn", |_| Some(Example::Learn { lesson: None })),
        ("/learn/:lesson", |p| {
            Some(Example::Learn {
                lesson: Some(p[0].to_owned()),
            })
        }),
        // A builder may refuse what it captured (a size that is not a number).
        ("/embed/:widget/:size", |p| {
            Some(Example::Embed {
                widget: p[0].to_owned(),
                size: p[1].parse().ok()?,
            })
        }),
    ];

    #[test]
    fn a_table_with_parameters_matches_segment_by_segment() {
        let m = |path| match_table(EXAMPLE, path);
        assert_eq!(m("/"), Some(Example::Index));
        assert_eq!(m("/learn/"), Some(Example::Learn { lesson: None }));
        assert_eq!(
            m("/learn/handshake/"),
            Some(Example::Learn {
                lesson: Some("handshake".into())
            })
        );
        assert_eq!(
            m("/embed/race/320"),
            Some(Example::Embed {
                widget: "race".into(),
                size: 320
            })
        );
        assert_eq!(m("/embed/race/wide"), None);
        assert_eq!(m("/embed/race"), None);
        assert_eq!(m("/learn/a/b"), None);
        assert_eq!(m("/learnx"), None);
    }

    #[test]
    fn captures_and_fill_are_inverse() {
        assert_eq!(captures("/learn/:lesson", "/learn/ws"), Some(vec!["ws"]));
        assert_eq!(captures("/learn/:lesson", "/learn"), None);
        assert_eq!(captures("/lab/http", "/lab/http"), Some(vec![]));
        assert_eq!(fill("/learn/:lesson", &["ws"]), "/learn/ws");
        assert_eq!(fill("/", &[]), "/");
        assert_eq!(
            captures("/embed/:w/:n", &fill("/embed/:w/:n", &["plot", "3"])),
            Some(vec!["plot", "3"])
        );
    }
}
