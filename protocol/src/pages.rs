//! The page's own addresses and the bundle that draws each one.
//!
//! The page is not one wasm but one per page (a *bundle*: `frontend/src/bin/<name>.rs`),
//! so a first visit downloads the code of the page it opens and nothing else. The server
//! answers a page's address with its bundle's HTML ([`Bundle::html`]), the build makes
//! one HTML per bundle, and the page navigates in place within its bundle and loads the
//! other bundle's HTML for any other page. This table is the one both ends read.

/// `/`: the basics.
pub const HOME_PATH: &str = "/";
/// The HTTP lab.
pub const HTTP_LAB_PATH: &str = "/lab/http";
/// The WebSocket lab.
pub const WS_LAB_PATH: &str = "/lab/ws";
/// Compare: the race and the feed.
pub const COMPARE_PATH: &str = "/compare";
/// The chat room.
pub const CHAT_PATH: &str = "/chat";
/// The lessons' list; a lesson is `/learn/<slug>`.
pub const LEARN_PATH: &str = "/learn";

/// Each lesson's slug, in the course's order, and the bundle that draws it: the one that
/// already holds the widget the lesson needs (the basics' HTTP panel, the HTTP lab, the
/// WebSocket lab, Compare), so a lesson costs its bundle only the lesson's own code.
pub const LESSONS: [(&str, Bundle); 9] = [
    ("one-request", Bundle::Home),
    ("connection-close", Bundle::HttpLab),
    ("keep-alive", Bundle::HttpLab),
    ("six-at-a-time", Bundle::HttpLab),
    ("socket-stays-open", Bundle::WsLab),
    ("server-speaks-first", Bundle::WsLab),
    ("streaming-over-http", Bundle::Compare),
    ("real-network", Bundle::Compare),
    ("thread-per-client", Bundle::WsLab),
];

/// One wasm of the page, with the pages it draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bundle {
    /// The basics, the lessons' list, and the "not found" page for any address no
    /// bundle claims.
    Home,
    HttpLab,
    WsLab,
    Compare,
    Chat,
}

impl Bundle {
    /// Every bundle, in the tabs' order.
    pub const ALL: [Bundle; 5] = [
        Bundle::Home,
        Bundle::HttpLab,
        Bundle::WsLab,
        Bundle::Compare,
        Bundle::Chat,
    ];

    /// Its name: the binary (`frontend/src/bin/<name>.rs`), and so its built files
    /// (`<name>-<hash>.js`, `<name>-<hash>_bg.wasm`).
    pub const fn name(self) -> &'static str {
        match self {
            Bundle::Home => "home",
            Bundle::HttpLab => "lab_http",
            Bundle::WsLab => "lab_ws",
            Bundle::Compare => "compare",
            Bundle::Chat => "chat",
        }
    }

    /// The HTML file in `dist/` that loads it: `index.html` for [`Bundle::Home`] (what a
    /// plain static server or `trunk serve` answers), else `<name>.html`.
    pub const fn html(self) -> &'static str {
        match self {
            Bundle::Home => "index.html",
            Bundle::HttpLab => "lab_http.html",
            Bundle::WsLab => "lab_ws.html",
            Bundle::Compare => "compare.html",
            Bundle::Chat => "chat.html",
        }
    }

    /// The address of its (first) page.
    pub const fn path(self) -> &'static str {
        match self {
            Bundle::Home => HOME_PATH,
            Bundle::HttpLab => HTTP_LAB_PATH,
            Bundle::WsLab => WS_LAB_PATH,
            Bundle::Compare => COMPARE_PATH,
            Bundle::Chat => CHAT_PATH,
        }
    }

    /// The bundle that draws `path` (no query; a trailing slash does not matter). An
    /// address no page has goes to [`Bundle::Home`], which draws "not found".
    pub fn for_path(path: &str) -> Bundle {
        let trimmed = path.trim_end_matches('/');
        if let Some(slug) = trimmed
            .strip_prefix(LEARN_PATH)
            .and_then(|rest| rest.strip_prefix('/'))
        {
            return LESSONS
                .iter()
                .find(|(s, _)| *s == slug)
                .map_or(Bundle::Home, |(_, b)| *b);
        }
        Bundle::ALL
            .into_iter()
            .find(|b| b.path().trim_end_matches('/') == trimmed)
            .unwrap_or(Bundle::Home)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_has_its_bundle_and_unknown_goes_home() {
        for b in Bundle::ALL {
            assert_eq!(Bundle::for_path(b.path()), b);
            assert_eq!(Bundle::for_path(&format!("{}/", b.path())), b);
        }
        assert_eq!(Bundle::for_path(""), Bundle::Home);
        assert_eq!(Bundle::for_path("/nope"), Bundle::Home);
        assert_eq!(Bundle::for_path("/lab/http/more"), Bundle::Home);
        assert_eq!(Bundle::for_path("/lab"), Bundle::Home);
    }

    #[test]
    fn each_lesson_goes_to_the_bundle_with_its_widget() {
        assert_eq!(Bundle::for_path("/learn"), Bundle::Home);
        assert_eq!(Bundle::for_path("/learn/"), Bundle::Home);
        assert_eq!(Bundle::for_path("/learn/keep-alive"), Bundle::HttpLab);
        assert_eq!(Bundle::for_path("/learn/keep-alive/"), Bundle::HttpLab);
        assert_eq!(
            Bundle::for_path("/learn/server-speaks-first"),
            Bundle::WsLab
        );
        assert_eq!(Bundle::for_path("/learn/real-network"), Bundle::Compare);
        assert_eq!(Bundle::for_path("/learn/one-request"), Bundle::Home);
        // An unknown lesson is "not found", drawn by the home bundle.
        assert_eq!(Bundle::for_path("/learn/nope"), Bundle::Home);
        assert_eq!(Bundle::for_path("/learn/keep-alive/x"), Bundle::Home);
        let mut slugs: Vec<_> = LESSONS.iter().map(|(s, _)| *s).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), LESSONS.len());
    }

    #[test]
    fn names_and_files_are_distinct() {
        let mut names: Vec<_> = Bundle::ALL.iter().map(|b| b.name()).collect();
        let mut files: Vec<_> = Bundle::ALL.iter().map(|b| b.html()).collect();
        names.dedup();
        files.sort_unstable();
        files.dedup();
        assert_eq!(names.len(), Bundle::ALL.len());
        assert_eq!(files.len(), Bundle::ALL.len());
        for b in Bundle::ALL {
            // `site.rs`'s cache rule reads `<name>-<hash>`: no `-` inside a name.
            assert!(!b.name().contains('-'), "{}", b.name());
            assert!(b.html().ends_with(".html"));
        }
    }
}
