//! Each page brought to a busy, representative state (every panel drawn, results in the
//! tables, plots filled), so the screenshot, glyph and accessibility checks look at what a
//! user sees after using the page, not at an empty form. One function per page.

use protocol::pages::Widget;

use crate::common::TestServer;
use crate::harness::{Browser, wait_for};

/// A page the staging functions can bring to its busy state.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Page {
    Home,
    HttpLab,
    WsLab,
    Compare,
    Chat,
    /// A lesson mid-way: `connection-close` with two of three requests and a hint open.
    LessonMid,
    /// A lesson done: `server-speaks-first`, its takeaway showing.
    LessonDone,
    /// `connection-close` done: three requests, three connections closed by the server.
    LessonDoneHttp,
    /// `server-speaks-first` mid-way, started over: the pushes seen, no close yet.
    LessonMidWs,
    /// `streaming-over-http` done: the feed read four ways, the textbook's figures drawn
    /// beside the learner's.
    LessonFigures,
    /// The lessons' list (after the ones above: some done, one mid-way).
    Learn,
    NotFound,
}

impl Page {
    pub(crate) const ALL: [Page; 12] = [
        Page::Home,
        Page::HttpLab,
        Page::WsLab,
        Page::Compare,
        Page::Chat,
        Page::LessonMid,
        Page::LessonDoneHttp,
        Page::LessonDone,
        Page::LessonMidWs,
        Page::LessonFigures,
        Page::Learn,
        Page::NotFound,
    ];

    /// Short name for file names and failure messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Page::Home => "home",
            Page::HttpLab => "lab",
            Page::WsLab => "wslab",
            Page::Compare => "compare",
            Page::Chat => "chat",
            Page::LessonMid => "lesson-mid",
            Page::LessonDone => "lesson-done",
            Page::LessonDoneHttp => "lesson-done-http",
            Page::LessonMidWs => "lesson-mid-ws",
            Page::LessonFigures => "lesson-figures",
            Page::Learn => "learn",
            Page::NotFound => "notfound",
        }
    }
}

/// Compare's setup when staged (page and embeds alike).
const COMPARE_SETUP: &str = "net=lan&n=300&size=64&k=2&rate=20&secs=2&poll=250";

/// A chat room no earlier staging used: members and messages stay a while.
fn fresh_room() -> String {
    static ROOMS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = ROOMS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("class-{n}")
}

impl Browser {
    /// Opens `widget`'s embed (`/embed/<slug>`) in `lang`, presses start and uses the
    /// widget as its page's staging does.
    pub(crate) async fn stage_embed(&self, server: &TestServer, widget: Widget, lang: &str) {
        let setup = match widget {
            Widget::Race | Widget::Feed => COMPARE_SETUP.to_owned(),
            Widget::Chat => format!("room={}", fresh_room()),
            _ => String::new(),
        };
        let query = if setup.is_empty() {
            format!("lang={lang}")
        } else {
            format!("{setup}&lang={lang}")
        };
        self.client
            .goto(&server.url(&format!("{}?{query}", widget.path())))
            .await
            .unwrap();
        self.wait_visible("[data-test=embed-start]").await;
        self.click("[data-test=embed-start]").await;
        match widget {
            Widget::Http => self.use_http_panel().await,
            Widget::Ws => self.use_ws_panel().await,
            Widget::LabHttp | Widget::LabWs => {
                self.wait_attr("[data-test=observer-link]", "data-link", "live")
                    .await;
                if widget == Widget::LabHttp {
                    self.use_http_lab().await;
                } else {
                    self.use_ws_lab().await;
                }
            }
            Widget::Race => {
                self.wait_visible("[data-test=race-run]").await;
                self.run_race(3).await;
            }
            Widget::Feed => {
                self.wait_visible("[data-test=feed-start]").await;
                self.run_feed(4).await;
            }
            Widget::Chat => {
                self.wait_visible("[data-test=chat-join]").await;
                self.use_chat().await;
            }
        }
    }

    /// Opens `page` in `lang` and uses it until every part of it is drawn.
    pub(crate) async fn stage(&self, server: &TestServer, page: Page, lang: &str) {
        match page {
            Page::Home => self.stage_home(server, lang).await,
            Page::HttpLab => self.stage_http_lab(server, lang).await,
            Page::WsLab => self.stage_ws_lab(server, lang).await,
            Page::Compare => self.stage_compare(server, lang).await,
            Page::Chat => self.stage_chat(server, lang).await,
            Page::LessonMid => self.stage_lesson_mid(server, lang).await,
            Page::LessonDone => self.stage_lesson_done(server, lang).await,
            Page::LessonDoneHttp => self.stage_lesson_done_http(server, lang).await,
            Page::LessonMidWs => self.stage_lesson_mid_ws(server, lang).await,
            Page::LessonFigures => self.stage_lesson_figures(server, lang).await,
            Page::Learn => {
                self.client
                    .goto(&server.url(&format!("/learn?lang={lang}")))
                    .await
                    .unwrap();
                self.wait_visible("[data-test=lesson-list]").await;
            }
            Page::NotFound => {
                self.client
                    .goto(&server.url(&format!("/no/such/page?lang={lang}")))
                    .await
                    .unwrap();
                self.wait_visible("[data-test=not-found]").await;
            }
        }
    }

    /// Opens lesson `slug` in `lang` started over: its own "start over" button (the
    /// progress of the others stays), then a fresh load, so no widget of the old host is
    /// still connected; with `live`, waits for its connection view too.
    async fn open_lesson_afresh(&self, server: &TestServer, slug: &str, lang: &str, live: bool) {
        let url = server.url(&format!("/learn/{slug}?lang={lang}"));
        self.client.goto(&url).await.unwrap();
        self.wait_visible("[data-test=lesson-claim]").await;
        self.click("[data-test=lesson-reset]").await;
        self.client.goto(&url).await.unwrap();
        self.wait_visible("[data-test=lesson-claim]").await;
        assert_eq!(
            self.count("[data-test^=step-][data-state=passed]").await,
            0,
            "{slug} started over"
        );
        if live {
            self.wait_attr("[data-test=observer-link]", "data-link", "live")
                .await;
        }
    }

    /// Lesson 2 mid-way: two requests with `Connection: close` (one short of the three),
    /// the first hint of the first step open.
    async fn stage_lesson_mid(&self, server: &TestServer, lang: &str) {
        self.open_lesson_afresh(server, "connection-close", lang, true)
            .await;
        self.set_input("[data-test=lab-count]", "2").await;
        self.run_lab(2).await;
        self.wait_attr("[data-test=step-three-requests]", "data-state", "partial")
            .await;
        self.click("[data-test=hint-three-requests]").await;
        self.wait_visible(".hint-item").await;
    }

    /// Connects the WebSocket lab and has the server push five messages, fast.
    async fn five_pushes(&self) {
        self.connect_ws().await;
        self.set_input("[data-test=ws-count]", "5").await;
        self.set_input("[data-test=ws-rate]", "50").await;
        self.click("[data-test=ws-ticker-start]").await;
        self.wait_text("[data-test=ws-pushes]", "5").await;
    }

    /// Lesson 6 done: five pushes, then a close the server started.
    async fn stage_lesson_done(&self, server: &TestServer, lang: &str) {
        self.open_live(
            server,
            &format!("/learn/server-speaks-first?lang={lang}"),
            "[data-test=lesson-claim]",
        )
        .await;
        self.five_pushes().await;
        self.click("[data-test=ws-server-close]").await;
        self.wait_phase("CLOSED").await;
        self.wait_attr("[data-test=step-server-close]", "data-state", "passed")
            .await;
        self.wait_visible("[data-test=takeaway]").await;
    }

    /// Lesson 2 done: three requests with `Connection: close`, each on its own connection
    /// closed by the server; the takeaway showing.
    async fn stage_lesson_done_http(&self, server: &TestServer, lang: &str) {
        self.open_lesson_afresh(server, "connection-close", lang, true)
            .await;
        self.run_lab(3).await;
        self.wait_attr("[data-test=step-server-closed]", "data-state", "passed")
            .await;
        self.wait_visible("[data-test=takeaway]").await;
    }

    /// Lesson 6 mid-way, started over: five pushes seen (the first step green), no close
    /// yet, the close step's first hint open.
    async fn stage_lesson_mid_ws(&self, server: &TestServer, lang: &str) {
        self.open_lesson_afresh(server, "server-speaks-first", lang, true)
            .await;
        self.five_pushes().await;
        self.wait_attr("[data-test=step-pushes]", "data-state", "passed")
            .await;
        self.click("[data-test=hint-server-close]").await;
        self.wait_visible(".hint-item").await;
    }

    /// Lesson 7 done: the feed read four ways (the lesson's settings), every step green,
    /// the textbook's figures (half the period; ~900 B of headers per poll against a 2 B
    /// frame header) drawn beside the measurements and agreeing.
    async fn stage_lesson_figures(&self, server: &TestServer, lang: &str) {
        self.open_lesson_afresh(server, "streaming-over-http", lang, false)
            .await;
        self.run_feed(4).await;
        for step in ["poll-vs-push", "half-period", "header-cost", "http-push"] {
            self.wait_attr(&format!("[data-test=step-{step}]"), "data-state", "passed")
                .await;
        }
        for law in ["half-period", "poll-headers", "frame-header"] {
            self.wait_attr(&format!("[data-test=formula-{law}]"), "data-agrees", "true")
                .await;
        }
        self.wait_visible("[data-test=takeaway]").await;
    }

    /// The basics: one request answered, a WebSocket open with two round trips.
    async fn stage_home(&self, server: &TestServer, lang: &str) {
        self.open(server, &format!("/?lang={lang}")).await;
        self.use_http_panel().await;
        self.use_ws_panel().await;
    }

    /// The basics' HTTP panel: one request answered.
    async fn use_http_panel(&self) {
        self.click("[data-test=http-send]").await;
        self.wait_text("[data-test=http-status]", "200").await;
    }

    /// The basics' WebSocket panel: open, with two round trips.
    async fn use_ws_panel(&self) {
        self.click("[data-test=ws-connect]").await;
        self.wait_phase("OPEN").await;
        self.click("[data-test=ws-send]").await;
        self.click("[data-test=ws-send]").await;
        wait_for("two round trips", || async {
            (self.count("[data-test=ws-rtt]").await == 2).then_some(())
        })
        .await;
    }

    /// The HTTP lab: three keep-alive requests, three closed by the server, a row open.
    async fn stage_http_lab(&self, server: &TestServer, lang: &str) {
        self.open_lab(server, lang).await;
        self.use_http_lab().await;
    }

    /// The HTTP lab, open and live: three keep-alive requests, three closed by the
    /// server, a row open.
    async fn use_http_lab(&self) {
        let kept = self.run_lab(3).await;
        self.click("[data-test=lab-close]").await;
        let closed = self.run_lab(3).await;
        self.wait_bar_end(&closed[2], "server").await;
        assert_eq!(kept.len(), 3);
        self.click("[data-test=lab-row]").await;
        self.wait_visible("[data-test=lab-detail]").await;
    }

    /// The WebSocket lab: echoes, five pushes, a ping round trip.
    async fn stage_ws_lab(&self, server: &TestServer, lang: &str) {
        self.open_ws_lab(server, lang).await;
        self.use_ws_lab().await;
    }

    /// The WebSocket lab, open and live: echoes, five pushes, a ping round trip.
    async fn use_ws_lab(&self) {
        self.connect_ws().await;
        self.set_input("[data-test=ws-repeat]", "3").await;
        self.click("[data-test=ws-send]").await;
        self.set_input("[data-test=ws-count]", "5").await;
        self.set_input("[data-test=ws-rate]", "20").await;
        self.click("[data-test=ws-ticker-start]").await;
        self.wait_text("[data-test=ws-pushes]", "5").await;
        self.click("[data-test=ws-ping-set]").await;
        wait_for("a ping round trip", || async {
            self.text("[data-test=ws-ping-rtt]")
                .await
                .filter(|t| t != "—")
        })
        .await;
    }

    /// Compare: a race of three contenders and a feed read four ways, both finished.
    async fn stage_compare(&self, server: &TestServer, lang: &str) {
        self.open_compare(server, &format!("lang={lang}&{COMPARE_SETUP}"))
            .await;
        self.run_race(3).await;
        self.run_feed(4).await;
    }

    /// Chat: two WebSocket clients and one polling every 500 ms, three messages fanned
    /// out to all three, and empty polls between them.
    async fn stage_chat(&self, server: &TestServer, lang: &str) {
        self.open_chat(server, &format!("room={}&lang={lang}", fresh_room()))
            .await;
        self.use_chat().await;
    }

    /// The chat, open: two WebSocket clients and a poller every 500 ms, three messages.
    async fn use_chat(&self) {
        let ana = self.chat_join("Ana", "ws").await;
        let bo = self.chat_join("Bo", "ws").await;
        let pat = self.chat_join("Pat", "poll-500").await;
        // A few polls come back empty before anyone speaks: the cost of asking.
        self.chat_wait_empty_polls(pat, 3).await;
        self.chat_say(ana, "Hello, class!").await;
        self.chat_wait_message(pat, "in", "Hello, class!").await;
        self.chat_say(bo, "Pushed to me at once.").await;
        self.chat_wait_message(pat, "in", "Pushed to me at once.")
            .await;
        self.chat_say(pat, "I only see it when I ask.").await;
        self.chat_wait_message(bo, "push", "I only see it when I ask.")
            .await;
        wait_for("three messages, each to all three clients", || async {
            (self.count("[data-test=chat-arrival]").await == 9).then_some(())
        })
        .await;
        self.wait_visible(&format!("{} [data-kind=empty]", crate::chat::client(pat)))
            .await;
    }
}

impl Browser {
    /// Opens `page` in `lang` and waits until it is drawn, without using it.
    pub(crate) async fn open_plain(&self, server: &TestServer, page: Page, lang: &str) {
        let (path, marker) = match page {
            Page::Home => ("/", "[data-test=http-send]"),
            Page::HttpLab => ("/lab/http", "[data-test=lab-run]"),
            Page::WsLab => ("/lab/ws", "[data-test=ws-connect]"),
            Page::Compare => ("/compare", "[data-test=race-run]"),
            Page::Chat => ("/chat", "[data-test=chat-join]"),
            Page::LessonMid => ("/learn/connection-close", "[data-test=lesson-claim]"),
            Page::LessonDone | Page::LessonMidWs => {
                ("/learn/server-speaks-first", "[data-test=lesson-claim]")
            }
            Page::LessonDoneHttp => ("/learn/connection-close", "[data-test=lesson-claim]"),
            Page::LessonFigures => ("/learn/streaming-over-http", "[data-test=lesson-claim]"),
            Page::Learn => ("/learn", "[data-test=lesson-list]"),
            Page::NotFound => ("/no/such/page", "[data-test=not-found]"),
        };
        self.client
            .goto(&server.url(&format!("{path}?lang={lang}")))
            .await
            .unwrap();
        self.wait_visible(marker).await;
    }
}
