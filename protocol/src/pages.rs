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

/// Embeds live under this prefix: `/embed/<widget>` ([`Widget::slug`]) and
/// `/embed/learn/<lesson>`.
pub const EMBED_PATH: &str = "/embed";

/// "Embed this": a full page's embeds as a blog author pastes them, at
/// `/embed-this/<widget>` and `/embed-this/learn/<lesson>` (the embed's own path under
/// this prefix). A page of its own, in a bundle of its own ([`Bundle::EmbedThis`]), so
/// the pages a reader opens do not carry its code (ARCHITECTURE.md, "Sizes").
pub const EMBED_THIS_PATH: &str = "/embed-this";

/// A live widget a blog post can embed (`/embed/<slug>`): a chrome-less page with only
/// the widget, which runs nothing until the reader presses its start button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Widget {
    /// The basics' HTTP panel: one request, one answer.
    Http,
    /// The basics' WebSocket panel.
    Ws,
    LabHttp,
    LabWs,
    /// Compare's round-trip race.
    Race,
    /// Compare's live feed, four ways.
    Feed,
    Chat,
}

impl Widget {
    /// Every widget, in the site's order.
    pub const ALL: [Widget; 7] = [
        Widget::Http,
        Widget::Ws,
        Widget::LabHttp,
        Widget::LabWs,
        Widget::Race,
        Widget::Feed,
        Widget::Chat,
    ];

    /// Its segment in `/embed/<slug>`.
    pub const fn slug(self) -> &'static str {
        match self {
            Widget::Http => "http",
            Widget::Ws => "ws",
            Widget::LabHttp => "lab-http",
            Widget::LabWs => "lab-ws",
            Widget::Race => "race",
            Widget::Feed => "feed",
            Widget::Chat => "chat",
        }
    }

    /// The widget of a slug.
    pub fn from_slug(slug: &str) -> Option<Widget> {
        Widget::ALL.into_iter().find(|w| w.slug() == slug)
    }

    /// The bundle that draws it (the one of its full page).
    pub const fn bundle(self) -> Bundle {
        match self {
            Widget::Http | Widget::Ws => Bundle::Home,
            Widget::LabHttp => Bundle::HttpLab,
            Widget::LabWs => Bundle::WsLab,
            Widget::Race | Widget::Feed => Bundle::Compare,
            Widget::Chat => Bundle::Chat,
        }
    }

    /// `/embed/<slug>`.
    pub fn path(self) -> String {
        format!("{EMBED_PATH}/{}", self.slug())
    }
}

/// What an address of the site shows: the one table the page's bundles, the server's
/// link-card metadata and its oEmbed endpoint read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A bundle's own page (`/`, `/lab/http`, …).
    Page(Bundle),
    /// The lessons' list.
    Learn,
    /// `/learn/<slug>`, a lesson of [`LESSONS`].
    Lesson(&'static str),
    /// `/embed/<widget>`.
    Embed(Widget),
    /// `/embed/learn/<slug>`: a lesson, embedded.
    EmbedLesson(&'static str),
    /// `/embed-this/<widget>`: how to embed the widget in a post.
    EmbedThis(Widget),
    /// `/embed-this/learn/<slug>`: how to embed the lesson in a post.
    EmbedThisLesson(&'static str),
    /// An address no page has.
    NotFound,
}

impl Place {
    /// The place at `path` (no query; a trailing slash does not matter).
    pub fn of(path: &str) -> Place {
        let trimmed = path.trim_end_matches('/');
        let lesson = |slug: &str| LESSONS.iter().find(|(s, _)| *s == slug).map(|(s, _)| *s);
        if let Some(rest) = trimmed
            .strip_prefix(EMBED_THIS_PATH)
            .and_then(|rest| rest.strip_prefix('/'))
        {
            return match Place::of(&format!("{EMBED_PATH}/{rest}")) {
                Place::Embed(w) => Place::EmbedThis(w),
                Place::EmbedLesson(slug) => Place::EmbedThisLesson(slug),
                _ => Place::NotFound,
            };
        }
        if let Some(rest) = trimmed
            .strip_prefix(EMBED_PATH)
            .and_then(|rest| rest.strip_prefix('/'))
        {
            if let Some(slug) = rest
                .strip_prefix(LEARN_PATH.trim_start_matches('/'))
                .and_then(|rest| rest.strip_prefix('/'))
            {
                return lesson(slug).map_or(Place::NotFound, Place::EmbedLesson);
            }
            return Widget::from_slug(rest).map_or(Place::NotFound, Place::Embed);
        }
        if let Some(slug) = trimmed
            .strip_prefix(LEARN_PATH)
            .and_then(|rest| rest.strip_prefix('/'))
        {
            return lesson(slug).map_or(Place::NotFound, Place::Lesson);
        }
        if trimmed == LEARN_PATH {
            return Place::Learn;
        }
        Bundle::PAGES
            .into_iter()
            .find(|b| b.path().trim_end_matches('/') == trimmed)
            .map_or(Place::NotFound, Place::Page)
    }

    /// The bundle that draws it ([`Bundle::Home`] draws the list and "not found").
    pub fn bundle(self) -> Bundle {
        let of_lesson = |slug: &str| {
            LESSONS
                .iter()
                .find(|(s, _)| *s == slug)
                .map_or(Bundle::Home, |(_, b)| *b)
        };
        match self {
            Place::Page(b) => b,
            Place::Learn | Place::NotFound => Bundle::Home,
            Place::Lesson(slug) | Place::EmbedLesson(slug) => of_lesson(slug),
            Place::Embed(w) => w.bundle(),
            Place::EmbedThis(_) | Place::EmbedThisLesson(_) => Bundle::EmbedThis,
        }
    }

    /// Whether it is an embed (chrome-less, frameable by any site).
    pub fn is_embed(self) -> bool {
        matches!(self, Place::Embed(_) | Place::EmbedLesson(_))
    }

    /// Its path: the inverse of [`Place::of`] (`/404` for [`Place::NotFound`]).
    pub fn path(self) -> String {
        match self {
            Place::Page(b) => b.path().to_owned(),
            Place::Learn => LEARN_PATH.to_owned(),
            Place::Lesson(slug) => format!("{LEARN_PATH}/{slug}"),
            Place::Embed(w) => w.path(),
            Place::EmbedLesson(slug) => format!("{EMBED_PATH}{LEARN_PATH}/{slug}"),
            Place::EmbedThis(w) => format!("{EMBED_THIS_PATH}/{}", w.slug()),
            Place::EmbedThisLesson(slug) => format!("{EMBED_THIS_PATH}{LEARN_PATH}/{slug}"),
            Place::NotFound => "/404".to_owned(),
        }
    }

    /// The embed that shows this place in a blog post, if it has one: a page's main
    /// widget (Compare's race), a lesson's embed, an embed itself, the embed an
    /// "Embed this" page offers.
    pub fn embed(self) -> Option<Place> {
        match self {
            Place::Page(Bundle::Home) => Some(Place::Embed(Widget::Http)),
            Place::Page(Bundle::HttpLab) => Some(Place::Embed(Widget::LabHttp)),
            Place::Page(Bundle::WsLab) => Some(Place::Embed(Widget::LabWs)),
            Place::Page(Bundle::Compare) => Some(Place::Embed(Widget::Race)),
            Place::Page(Bundle::Chat) => Some(Place::Embed(Widget::Chat)),
            Place::Lesson(slug) => Some(Place::EmbedLesson(slug)),
            Place::Embed(_) | Place::EmbedLesson(_) => Some(self),
            Place::EmbedThis(w) => Some(Place::Embed(w)),
            Place::EmbedThisLesson(slug) => Some(Place::EmbedLesson(slug)),
            // A lesson bundle has no page of its own ([`Place::of`] never makes one).
            Place::Page(_) | Place::Learn | Place::NotFound => None,
        }
    }

    /// The full page an embed's "Open in Duplex" link goes to (itself for a full page).
    pub fn full_page(self) -> Place {
        match self {
            Place::Embed(w) => match w {
                Widget::Http | Widget::Ws => Place::Page(Bundle::Home),
                Widget::LabHttp => Place::Page(Bundle::HttpLab),
                Widget::LabWs => Place::Page(Bundle::WsLab),
                Widget::Race | Widget::Feed => Place::Page(Bundle::Compare),
                Widget::Chat => Place::Page(Bundle::Chat),
            },
            Place::EmbedLesson(slug) | Place::EmbedThisLesson(slug) => Place::Lesson(slug),
            Place::EmbedThis(w) => Place::Embed(w).full_page(),
            other => other,
        }
    }

    /// The "Embed this" page for a full page's own embed ([`Place::embed`]), or for an
    /// embed itself; `None` for a place with no embed and for an "Embed this" page.
    pub fn embed_this(self) -> Option<Place> {
        if self.bundle() == Bundle::EmbedThis {
            return None;
        }
        match self.embed()? {
            Place::Embed(w) => Some(Place::EmbedThis(w)),
            Place::EmbedLesson(slug) => Some(Place::EmbedThisLesson(slug)),
            _ => None,
        }
    }
}

/// Each lesson's slug, in the course's order, and the bundle that draws it: a lesson
/// bundle per widget family (the HTTP panels, the WebSocket lab, Compare, the chat room),
/// so the lessons' frame, texts and checks cost the pages people open from a blog post
/// nothing (they were 20–48 KB of gzip in every page bundle: ARCHITECTURE.md, "Sizes"),
/// and a lesson's "next" stays in place while its family lasts.
pub const LESSONS: [(&str, Bundle); 11] = [
    ("one-request", Bundle::LearnHttp),
    ("connection-close", Bundle::LearnHttp),
    ("keep-alive", Bundle::LearnHttp),
    ("six-at-a-time", Bundle::LearnHttp),
    ("socket-stays-open", Bundle::LearnWs),
    ("server-speaks-first", Bundle::LearnWs),
    ("streaming-over-http", Bundle::LearnCompare),
    ("real-network", Bundle::LearnCompare),
    ("thread-per-client", Bundle::LearnWs),
    ("who-closed-it", Bundle::LearnWs),
    ("many-clients", Bundle::LearnChat),
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
    /// Lessons 1–4: the basics' HTTP panel and the HTTP lab, in lessons.
    LearnHttp,
    /// Lessons 5, 6, 9 and 10: the WebSocket lab and the hundred sessions.
    LearnWs,
    /// Lessons 7 and 8: the feed and the race.
    LearnCompare,
    /// Lesson 11: the chat room.
    LearnChat,
    /// "Embed this" for every page ([`EMBED_THIS_PATH`]).
    EmbedThis,
}

impl Bundle {
    /// Every bundle the build makes: the pages' ([`Bundle::PAGES`]), the lessons', then
    /// "Embed this".
    pub const ALL: [Bundle; 10] = [
        Bundle::Home,
        Bundle::HttpLab,
        Bundle::WsLab,
        Bundle::Compare,
        Bundle::Chat,
        Bundle::LearnHttp,
        Bundle::LearnWs,
        Bundle::LearnCompare,
        Bundle::LearnChat,
        Bundle::EmbedThis,
    ];

    /// The bundles with a page of their own ([`Place::Page`]), in the tabs' order.
    pub const PAGES: [Bundle; 5] = [
        Bundle::Home,
        Bundle::HttpLab,
        Bundle::WsLab,
        Bundle::Compare,
        Bundle::Chat,
    ];

    /// Whether it draws lessons only (no page of its own).
    pub const fn is_lessons(self) -> bool {
        matches!(
            self,
            Bundle::LearnHttp | Bundle::LearnWs | Bundle::LearnCompare | Bundle::LearnChat
        )
    }

    /// Its name: the binary (`frontend/src/bin/<name>.rs`), and so its built files
    /// (`<name>-<hash>.js`, `<name>-<hash>_bg.wasm`).
    pub const fn name(self) -> &'static str {
        match self {
            Bundle::Home => "home",
            Bundle::HttpLab => "lab_http",
            Bundle::WsLab => "lab_ws",
            Bundle::Compare => "compare",
            Bundle::Chat => "chat",
            Bundle::LearnHttp => "learn_http",
            Bundle::LearnWs => "learn_ws",
            Bundle::LearnCompare => "learn_compare",
            Bundle::LearnChat => "learn_chat",
            Bundle::EmbedThis => "embed_this",
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
            Bundle::LearnHttp => "learn_http.html",
            Bundle::LearnWs => "learn_ws.html",
            Bundle::LearnCompare => "learn_compare.html",
            Bundle::LearnChat => "learn_chat.html",
            Bundle::EmbedThis => "embed_this.html",
        }
    }

    /// The address of its (first) page; a lesson bundle's first lesson; "Embed this" for
    /// the basics' HTTP panel.
    pub const fn path(self) -> &'static str {
        match self {
            Bundle::Home => HOME_PATH,
            Bundle::HttpLab => HTTP_LAB_PATH,
            Bundle::WsLab => WS_LAB_PATH,
            Bundle::Compare => COMPARE_PATH,
            Bundle::Chat => CHAT_PATH,
            Bundle::LearnHttp => "/learn/one-request",
            Bundle::LearnWs => "/learn/socket-stays-open",
            Bundle::LearnCompare => "/learn/streaming-over-http",
            Bundle::LearnChat => "/learn/many-clients",
            Bundle::EmbedThis => "/embed-this/http",
        }
    }

    /// The bundle that draws `path` (no query; a trailing slash does not matter). An
    /// address no page has goes to [`Bundle::Home`], which draws "not found".
    pub fn for_path(path: &str) -> Bundle {
        Place::of(path).bundle()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_has_its_bundle_and_unknown_goes_home() {
        for b in Bundle::ALL {
            // A lesson bundle's address is its first lesson's, and no page's.
            assert_eq!(
                matches!(Place::of(b.path()), Place::Page(_)),
                Bundle::PAGES.contains(&b),
                "{b:?}"
            );
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
        assert_eq!(Bundle::for_path("/learn/keep-alive"), Bundle::LearnHttp);
        assert_eq!(Bundle::for_path("/learn/keep-alive/"), Bundle::LearnHttp);
        assert_eq!(
            Bundle::for_path("/learn/server-speaks-first"),
            Bundle::LearnWs
        );
        assert_eq!(
            Bundle::for_path("/learn/real-network"),
            Bundle::LearnCompare
        );
        assert_eq!(Bundle::for_path("/learn/one-request"), Bundle::LearnHttp);
        assert_eq!(Bundle::for_path("/learn/many-clients"), Bundle::LearnChat);
        // Every lesson bundle draws a lesson, and no page bundle does.
        for b in Bundle::ALL {
            let draws = LESSONS.iter().any(|(_, l)| *l == b);
            assert_eq!(draws, b.is_lessons(), "{b:?}");
        }
        // An unknown lesson is "not found", drawn by the home bundle.
        assert_eq!(Bundle::for_path("/learn/nope"), Bundle::Home);
        assert_eq!(Bundle::for_path("/learn/keep-alive/x"), Bundle::Home);
        let mut slugs: Vec<_> = LESSONS.iter().map(|(s, _)| *s).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), LESSONS.len());
    }

    #[test]
    fn every_place_reads_back_from_its_path() {
        let mut places: Vec<Place> = Bundle::PAGES.into_iter().map(Place::Page).collect();
        places.push(Place::Learn);
        places.extend(LESSONS.iter().map(|(s, _)| Place::Lesson(s)));
        places.extend(LESSONS.iter().map(|(s, _)| Place::EmbedLesson(s)));
        places.extend(Widget::ALL.into_iter().map(Place::Embed));
        places.extend(Widget::ALL.into_iter().map(Place::EmbedThis));
        places.extend(LESSONS.iter().map(|(s, _)| Place::EmbedThisLesson(s)));
        for p in &places {
            assert_eq!(Place::of(&p.path()), *p, "{}", p.path());
            assert_eq!(Place::of(&format!("{}/", p.path())), *p);
            let embed = p.embed();
            assert_eq!(embed.is_some(), *p != Place::Learn, "{p:?}");
            if let Some(e) = embed {
                assert!(e.is_embed());
                // The embed and its full page are drawn by the same bundle ("Embed this"
                // by its own).
                if p.bundle() != Bundle::EmbedThis {
                    assert_eq!(e.bundle(), p.bundle(), "{p:?}");
                }
                // Its "Embed this" page offers that very embed (and has none of its own).
                let this = match p.embed_this() {
                    Some(this) => this,
                    None if p.bundle() == Bundle::EmbedThis => *p,
                    None => panic!("{p:?} has an embed but no \"Embed this\" page"),
                };
                assert_eq!(this.bundle(), Bundle::EmbedThis);
                assert!(!this.is_embed());
                assert_eq!(this.embed_this(), None);
                assert_eq!(this.embed(), Some(e), "{p:?}");
                assert_eq!(this.full_page(), p.full_page(), "{p:?}");
                assert_eq!(e.full_page(), p.full_page());
                assert!(!e.full_page().is_embed());
            }
        }
        for bad in [
            "/embed",
            "/embed/",
            "/embed/nope",
            "/embed/lab-http/x",
            "/embed/learn",
            "/embed/learn/nope",
            "/learn/nope",
            "/404",
            "/embed-this",
            "/embed-this/",
            "/embed-this/nope",
            "/embed-this/race/x",
            "/embed-this/learn",
            "/embed-this/learn/nope",
            "/embed-thisx/race",
            "/embed-this/embed/race",
        ] {
            assert_eq!(Place::of(bad), Place::NotFound, "{bad}");
        }
        assert_eq!(Place::of("/embed/race"), Place::Embed(Widget::Race));
        assert_eq!(
            Place::of("/embed-this/race"),
            Place::EmbedThis(Widget::Race)
        );
        assert_eq!(
            Place::Page(Bundle::Compare).embed_this(),
            Some(Place::EmbedThis(Widget::Race))
        );
        assert_eq!(Place::Learn.embed_this(), None);
        assert_eq!(Bundle::for_path("/embed/feed"), Bundle::Compare);
        assert_eq!(
            Bundle::for_path("/embed/learn/keep-alive"),
            Bundle::LearnHttp
        );
        assert_eq!(
            Place::of("/embed/ws").full_page(),
            Place::Page(Bundle::Home)
        );
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
