//! The page's addresses. Every route is a real path the server answers with `index.html`,
//! so a link (with its `?lang=`) can be shared and reloaded.
//!
//! One table ([`ROUTES`], written with `routes!`) serves both directions: a path is
//! matched segment by segment against its patterns, where a `:name` segment captures a
//! parameter ([`Route::from_path`]), and a route's path is its row's pattern filled with
//! its fields ([`Route::path`]). A parametrised route takes exactly this shape — the
//! variant, with one field per `:name` in pattern order, named alike, each `FromStr +
//! Display` (a `String`, a number):
//!
//! ```text
//! Learn { lesson: String },                 // in `Route`
//! "/learn/:lesson" => Learn { lesson },     // in `ROUTES`
//! Route::Learn { lesson } => …              // in `app::switch`
//! ```
//!
//! (`Route` is `Clone`, not `Copy`, so such a variant fits; the tests build an example
//! table just like it.) A parameter is percent-encoded into its segment and decoded out of
//! it, so any text round-trips (`/`, `?`, `#`, `%`, spaces, non-ASCII) but the three no URL
//! path segment can carry: empty, `.` and `..`.
//!
//! Hand-written rather than yew-router: a handful of routes need a path match,
//! `pushState` and a `popstate` listener (`hooks::use_route`), and yew-router cost 64 KB
//! of wasm (25 KB gzip) for them.

use protocol::pages::{self, Bundle};
use yew::Callback;

/// The app's router as context (made by `hooks::use_route`): where the page is, and how to
/// go elsewhere. Pages and components (the tabs) read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Router {
    pub route: Route,
    pub go: Callback<Route>,
}

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    HttpLab,
    WsLab,
    Compare,
    Chat,
    /// The lessons' list.
    Learn,
    /// One lesson, by its slug (`model::lesson::LessonId::slug`).
    Lesson {
        lesson: String,
    },
    /// A widget for a blog post (`protocol::pages::Widget::slug`), chrome-less.
    Embed {
        widget: String,
    },
    /// A lesson for a blog post, chrome-less.
    EmbedLesson {
        lesson: String,
    },
    /// "Embed this" for a widget (`protocol::pages::Place::EmbedThis`).
    EmbedThis {
        widget: String,
    },
    /// "Embed this" for a lesson.
    EmbedThisLesson {
        lesson: String,
    },
    NotFound,
}

/// One row of a route table: a pattern and the route it names, both ways. Written by
/// `routes!`, which keeps the three in step.
pub struct Row<R> {
    /// `/`-separated segments; `:name` captures a parameter.
    pub pattern: &'static str,
    /// The route's field names, in order (they must be the pattern's `:name`s).
    pub fields: &'static [&'static str],
    /// The route from the captured parameters (decoded, in pattern order); `None` refuses
    /// them (a number that does not parse), and the next row is tried.
    pub build: fn(Vec<String>) -> Option<R>,
    /// The route's parameters, in pattern order, if this row names it.
    pub params: fn(&R) -> Option<Vec<String>>,
}

/// A route table: `&[Row<R>]` from `R; "pattern" => Variant, "pattern" => Variant { field,
/// … }, …`, each field a `:name` of its pattern, in order.
macro_rules! routes {
    ($R:ident; $($pattern:expr => $variant:ident $({ $($field:ident),+ $(,)? })?),+ $(,)?) => {
        &[$(
            $crate::route::Row::<$R> {
                pattern: $pattern,
                fields: &[$($(stringify!($field)),+)?],
                build: |params| {
                    let mut params = params.into_iter();
                    let route = $R::$variant $({ $($field: params.next()?.parse().ok()?),+ })?;
                    params.next().is_none().then_some(route)
                },
                params: |route| match route {
                    $R::$variant $({ $($field),+ })? => Some(vec![$($($field.to_string()),+)?]),
                    #[allow(unreachable_patterns)]
                    _ => None,
                },
            }
        ),+]
    };
}

/// Every route with a path of its own; first match wins, both ways.
pub const ROUTES: &[Row<Route>] = routes![Route;
    pages::HOME_PATH => Home,
    pages::HTTP_LAB_PATH => HttpLab,
    pages::WS_LAB_PATH => WsLab,
    pages::COMPARE_PATH => Compare,
    pages::CHAT_PATH => Chat,
    pages::LEARN_PATH => Learn,
    "/learn/:lesson" => Lesson { lesson },
    "/embed/learn/:lesson" => EmbedLesson { lesson },
    "/embed/:widget" => Embed { widget },
    "/embed-this/learn/:lesson" => EmbedThisLesson { lesson },
    "/embed-this/:widget" => EmbedThis { widget },
];

/// The path `NotFound` (and a route the table cannot write) is given: no row matches it.
const NOT_FOUND_PATH: &str = "/404";

impl Route {
    /// The path of the route; `NotFound` has none of its own (it keeps the unknown one)
    /// and gets `/404`.
    pub fn path(&self) -> String {
        path_of(ROUTES, self).unwrap_or_else(|| NOT_FOUND_PATH.to_owned())
    }

    /// The bundle (wasm) that draws it (`protocol::pages`).
    pub fn bundle(&self) -> Bundle {
        Bundle::for_path(&self.path())
    }

    /// The site's table of what this route shows (`protocol::pages::Place`).
    pub fn place(&self) -> pages::Place {
        pages::Place::of(&self.path())
    }

    /// Whether it is an embed: no site header, tabs or footer, nothing runs until the
    /// reader presses start.
    pub fn is_embed(&self) -> bool {
        matches!(self, Route::Embed { .. } | Route::EmbedLesson { .. })
    }

    /// The route of a path; a trailing slash does not matter.
    pub fn from_path(path: &str) -> Route {
        match_table(ROUTES, path).unwrap_or(Route::NotFound)
    }
}

/// The first row of `table` whose pattern matches `path` and whose builder accepts the
/// captured parameters.
pub fn match_table<R>(table: &[Row<R>], path: &str) -> Option<R> {
    table
        .iter()
        .find_map(|row| (row.build)(captures(row.pattern, path)?))
}

/// The path of `route` in `table`: the first row naming it, filled with its parameters.
/// `None` if no row names it, a parameter has no segment (empty, `.`, `..`), or an
/// earlier row would read the path back as another route.
pub fn path_of<R: PartialEq>(table: &[Row<R>], route: &R) -> Option<String> {
    table
        .iter()
        .find_map(|row| fill(row.pattern, &(row.params)(route)?))
        .filter(|path| match_table(table, path).as_ref() == Some(route))
}

/// The segments of a path: `/lab/http/` → `["lab", "http"]`, `/` and `` → `[]`.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_end_matches('/')
        .strip_prefix('/')
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty())
}

/// The parameters (decoded) `path` gives `pattern`'s `:name` segments, or `None` if it
/// does not match (a different word, a segment more or less, an empty parameter, a bad
/// escape).
pub fn captures(pattern: &str, path: &str) -> Option<Vec<String>> {
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
            (Some(w), Some(h)) => {
                let h = decode_segment(h)?;
                if w.starts_with(':') {
                    params.push(h);
                } else if w != h {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// `pattern` with its `:name` segments replaced by `params` (encoded), in order; `None`
/// if there are more or fewer, or one has no segment ([`encode_segment`]).
pub fn fill(pattern: &str, params: &[String]) -> Option<String> {
    let mut params = params.iter();
    let mut path = String::new();
    for s in segments(pattern) {
        path.push('/');
        if s.starts_with(':') {
            path.push_str(&encode_segment(params.next()?)?);
        } else {
            path.push_str(s);
        }
    }
    if params.next().is_some() {
        return None;
    }
    if path.is_empty() {
        path.push('/');
    }
    Some(path)
}

/// `text` as one path segment: every byte but `A–Z a–z 0–9 - . _ ~ ,` percent-encoded
/// (protocol's query encoder, so `/`, `?`, `#`, `%`, `+`, spaces and non-ASCII stay inside
/// the segment). `None` for the text no segment can carry: empty (no segment), `.` and
/// `..` (a browser drops or climbs them, `%2E` included).
pub fn encode_segment(text: &str) -> Option<String> {
    if matches!(text, "" | "." | "..") {
        return None;
    }
    Some(protocol::query::encode(text))
}

/// Undoes [`encode_segment`] (and a browser's path encoding): `%XX` is a byte, the result
/// must be UTF-8. Unlike in a query, `+` is itself, not a space.
fn decode_segment(segment: &str) -> Option<String> {
    protocol::query::decode(&segment.replace('+', "%2B")).ok()
}

#[cfg(test)]
mod tests {
    use super::{ROUTES, Route, Row, captures, encode_segment, fill, match_table, path_of};

    #[test]
    fn paths_round_trip() {
        for r in [
            Route::Home,
            Route::HttpLab,
            Route::WsLab,
            Route::Compare,
            Route::Chat,
        ] {
            assert_eq!(Route::from_path(&r.path()), r);
        }
        assert_eq!(Route::Home.path(), "/");
        assert_eq!(Route::HttpLab.path(), "/lab/http");
        assert_eq!(Route::NotFound.path(), "/404");
        assert_eq!(Route::from_path("/lab/http/"), Route::HttpLab);
        assert_eq!(Route::from_path("/compare//"), Route::Compare);
        assert_eq!(Route::from_path(""), Route::Home);
        assert_eq!(Route::from_path("/nope"), Route::NotFound);
        assert_eq!(Route::from_path("/lab"), Route::NotFound);
        assert_eq!(Route::from_path("/lab/http/x"), Route::NotFound);
        assert_eq!(Route::from_path("/lab//http"), Route::NotFound);
        assert_eq!(Route::from_path("/404"), Route::NotFound);
        // A word is compared decoded; a bad escape matches nothing.
        assert_eq!(Route::from_path("/lab/%68ttp"), Route::HttpLab);
        assert_eq!(Route::from_path("/lab/%zz"), Route::NotFound);
    }

    #[test]
    fn each_route_is_drawn_by_the_bundle_the_server_sends_for_its_path() {
        use protocol::pages::Bundle;
        let want = [
            (Route::Home, Bundle::Home),
            (Route::HttpLab, Bundle::HttpLab),
            (Route::WsLab, Bundle::WsLab),
            (Route::Compare, Bundle::Compare),
            (Route::Chat, Bundle::Chat),
            (Route::Learn, Bundle::Home),
            (
                Route::Lesson {
                    lesson: "keep-alive".into(),
                },
                Bundle::LearnHttp,
            ),
            (
                Route::Lesson {
                    lesson: "server-speaks-first".into(),
                },
                Bundle::LearnWs,
            ),
            (Route::NotFound, Bundle::Home),
            (
                Route::Embed {
                    widget: "race".into(),
                },
                Bundle::Compare,
            ),
            (
                Route::Embed {
                    widget: "ws".into(),
                },
                Bundle::Home,
            ),
            (
                Route::EmbedLesson {
                    lesson: "keep-alive".into(),
                },
                Bundle::LearnHttp,
            ),
            (
                Route::EmbedThis {
                    widget: "feed".into(),
                },
                Bundle::EmbedThis,
            ),
            (
                Route::EmbedThisLesson {
                    lesson: "keep-alive".into(),
                },
                Bundle::EmbedThis,
            ),
        ];
        for (route, bundle) in want {
            assert_eq!(route.bundle(), bundle, "{route:?}");
        }
        // Every bundle's own address is a route of its own.
        for bundle in Bundle::ALL {
            assert_eq!(Route::from_path(bundle.path()).bundle(), bundle);
        }
        // Every embed the server knows is a route, and reads back.
        for w in protocol::pages::Widget::ALL {
            let route = Route::from_path(&w.path());
            assert!(route.is_embed(), "{route:?}");
            assert_eq!(route.path(), w.path());
            assert_eq!(route.place(), protocol::pages::Place::Embed(w));
            // And so is its "Embed this" page, which is no embed.
            let this = protocol::pages::Place::EmbedThis(w);
            let route = Route::from_path(&this.path());
            assert!(!route.is_embed(), "{route:?}");
            assert_eq!(route.path(), this.path());
            assert_eq!(route.place(), this);
        }
        for (slug, _) in protocol::pages::LESSONS {
            let this = protocol::pages::Place::EmbedThisLesson(slug);
            assert_eq!(Route::from_path(&this.path()).place(), this);
        }
        let lesson = Route::from_path("/embed/learn/six-at-a-time");
        assert!(lesson.is_embed());
        assert_eq!(lesson.path(), "/embed/learn/six-at-a-time");
    }

    /// A table with parameters, the shape `/learn/:lesson` will take in `ROUTES`.
    #[derive(Debug, Clone, PartialEq)]
    enum Example {
        Index,
        Lessons,
        Learn { lesson: String },
        Embed { widget: String, size: u32 },
        // Shadowed by `Learn` for the lesson `new`: its path would read back as `Learn`.
        NewLesson,
    }

    const EXAMPLE: &[Row<Example>] = routes![Example;
        "/" => Index,
        "/learn" => Lessons,
        "/learn/:lesson" => Learn { lesson },
        // A builder refuses what does not parse (a size that is not a number).
        "/embed/:widget/:size" => Embed { widget, size },
        "/learn/new" => NewLesson,
    ];

    fn learn(lesson: &str) -> Example {
        Example::Learn {
            lesson: lesson.to_owned(),
        }
    }

    #[test]
    fn every_row_names_its_parameters_in_pattern_order() {
        fn check<R>(table: &[Row<R>]) {
            for row in table {
                let names: Vec<&str> = super::segments(row.pattern)
                    .filter_map(|s| s.strip_prefix(':'))
                    .collect();
                assert_eq!(names, row.fields, "{}", row.pattern);
            }
        }
        check(ROUTES);
        check(EXAMPLE);
    }

    #[test]
    fn a_route_with_a_string_parameter_round_trips_path_to_route_to_path() {
        let m = |path: &str| match_table(EXAMPLE, path);
        for path in ["/", "/learn", "/learn/handshake", "/embed/race/320"] {
            let route = m(path).unwrap_or_else(|| panic!("{path}"));
            assert_eq!(path_of(EXAMPLE, &route).as_deref(), Some(path));
        }
        assert_eq!(m("/learn/handshake/"), Some(learn("handshake")));
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
        // Route → path → route, with text a path segment must encode.
        for lesson in [
            "web socket",
            "a/b",
            "q?x=1#top",
            "100%",
            "a+b",
            "日本語",
            "ü",
            "~.-_,",
        ] {
            let path = path_of(EXAMPLE, &learn(lesson)).unwrap();
            assert!(path.starts_with("/learn/") && path[7..].is_ascii());
            assert!(!path[7..].contains(['/', '?', '#', ' ']), "{path}");
            assert_eq!(m(&path), Some(learn(lesson)), "{path}");
        }
        assert_eq!(path_of(EXAMPLE, &learn("a/b")).unwrap(), "/learn/a%2Fb");
        // What no segment can carry, and a path an earlier row would read as another
        // route, have no path.
        for lesson in ["", ".", ".."] {
            assert_eq!(path_of(EXAMPLE, &learn(lesson)), None, "{lesson:?}");
        }
        assert_eq!(path_of(EXAMPLE, &Example::NewLesson), None);
        assert_eq!(m("/learn/new"), Some(learn("new")));
    }

    #[test]
    fn fill_encodes_and_captures_decodes_any_segment_text() {
        let p = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(captures("/learn/:lesson", "/learn/ws"), Some(p(&["ws"])));
        assert_eq!(captures("/learn/:lesson", "/learn"), None);
        assert_eq!(captures("/lab/http", "/lab/http"), Some(vec![]));
        assert_eq!(fill("/learn/:lesson", &p(&["ws"])).unwrap(), "/learn/ws");
        assert_eq!(fill("/", &[]).unwrap(), "/");
        // Too many or too few parameters.
        assert_eq!(fill("/learn/:lesson", &[]), None);
        assert_eq!(fill("/learn", &p(&["x"])), None);
        // A browser's path: `+` is itself, `%20` a space, UTF-8 bytes a character.
        assert_eq!(
            captures("/w/:w", "/w/a+b%20c%E6%97%A5"),
            Some(p(&["a+b c日"]))
        );
        // Not UTF-8, or a broken escape: no match.
        assert_eq!(captures("/w/:w", "/w/%FF"), None);
        assert_eq!(captures("/w/:w", "/w/%4"), None);
        // Every string of up to three characters from an alphabet of the awkward ones.
        let alphabet = [
            'a', 'Z', '0', '/', '?', '#', '%', ' ', '+', '&', '=', '.', ':', ';', '\'', '"', 'é',
            '日', '😀', '\\', '~',
        ];
        let mut texts = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        let mut checked = 0;
        for text in &texts {
            let Some(segment) = encode_segment(text) else {
                assert!(matches!(text.as_str(), "" | "." | ".."), "{text:?}");
                continue;
            };
            assert!(!segment.contains(['/', '?', '#', ' ']), "{segment}");
            let path = fill("/x/:a/:b", &p(&[text, "tail"])).unwrap();
            assert_eq!(
                captures("/x/:a/:b", &path),
                Some(p(&[text, "tail"])),
                "{path}"
            );
            checked += 1;
        }
        assert!(checked > 9_000, "{checked}");
    }
}
