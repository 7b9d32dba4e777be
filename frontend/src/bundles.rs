//! The page's bundles: one wasm per page (`protocol::pages::Bundle`), each a binary in
//! `src/bin/` that starts the app with its [`Pages`]. The app is generic over them, so a
//! bundle's binary reaches only its own pages and LTO drops every other page's code: a
//! first visit downloads one page, not five (sizes in ARCHITECTURE.md, "Sizes").

use protocol::pages::{Bundle, Place, Widget};
use yew::prelude::*;

use crate::model::lesson::LessonId;
use crate::pages::chat::Chat as ChatPage;
use crate::pages::compare::{Compare as ComparePage, CompareEmbed, Show};
use crate::pages::embed_this::EmbedThis as EmbedThisPage;
use crate::pages::home::{Home as HomePage, HttpEmbed, WsEmbed};
use crate::pages::http_lab::HttpLab as HttpLabPage;
use crate::pages::learn::Learn;
use crate::pages::lesson::{
    ChatLesson, CompareLesson, EchoLesson, HttpLesson, Lesson, SessionsLesson, WsLesson,
};
use crate::pages::not_found::NotFound;
use crate::pages::ws_lab::WsLab as WsLabPage;
use crate::route::Route;

/// The lesson a `Route::Lesson` names, if there is one.
fn lesson_of(route: &Route) -> Option<LessonId> {
    match route {
        Route::Lesson { lesson } | Route::EmbedLesson { lesson } => LessonId::from_slug(lesson),
        _ => None,
    }
}

/// What one bundle draws: the routes whose [`Route::bundle`] is [`Pages::BUNDLE`].
pub trait Pages: 'static {
    /// The bundle this is.
    const BUNDLE: Bundle;
    /// The page for a route of this bundle.
    fn page(route: &Route) -> Html;
}

/// `/`, the lessons' list, the basics' two panels as embeds, and "not found" for an
/// address no bundle claims.
#[derive(Debug)]
pub struct Home;

impl Pages for Home {
    const BUNDLE: Bundle = Bundle::Home;
    fn page(route: &Route) -> Html {
        match (route, route.place()) {
            (Route::Home, _) => html! { <HomePage /> },
            (Route::Learn, _) => html! { <Learn /> },
            (_, Place::Embed(Widget::Http)) => html! { <HttpEmbed /> },
            (_, Place::Embed(Widget::Ws)) => html! { <WsEmbed /> },
            _ => html! { <NotFound /> },
        }
    }
}

/// `/lab/http`.
#[derive(Debug)]
pub struct HttpLab;

impl Pages for HttpLab {
    const BUNDLE: Bundle = Bundle::HttpLab;
    fn page(_: &Route) -> Html {
        html! { <HttpLabPage /> }
    }
}

/// `/lab/ws`.
#[derive(Debug)]
pub struct WsLab;

impl Pages for WsLab {
    const BUNDLE: Bundle = Bundle::WsLab;
    fn page(_: &Route) -> Html {
        html! { <WsLabPage /> }
    }
}

/// `/compare`, and its race and feed as embeds.
#[derive(Debug)]
pub struct Compare;

impl Pages for Compare {
    const BUNDLE: Bundle = Bundle::Compare;
    fn page(route: &Route) -> Html {
        match route.place() {
            Place::Embed(Widget::Race) => html! { <CompareEmbed show={Show::Race} /> },
            Place::Embed(Widget::Feed) => html! { <CompareEmbed show={Show::Feed} /> },
            _ => html! { <ComparePage /> },
        }
    }
}

/// `/chat`.
#[derive(Debug)]
pub struct Chat;

impl Pages for Chat {
    const BUNDLE: Bundle = Bundle::Chat;
    fn page(_: &Route) -> Html {
        html! { <ChatPage /> }
    }
}

/// Lessons 1–4: one request (the basics' HTTP panel), then the HTTP lab's three.
#[derive(Debug)]
pub struct LearnHttp;

impl Pages for LearnHttp {
    const BUNDLE: Bundle = Bundle::LearnHttp;
    fn page(route: &Route) -> Html {
        match lesson_of(route) {
            Some(lesson @ LessonId::OneRequest) => html! { <Lesson<EchoLesson> {lesson} /> },
            Some(lesson) => html! { <Lesson<HttpLesson> {lesson} /> },
            None => html! { <NotFound /> },
        }
    }
}

/// Lessons 5, 6 and 10 (the WebSocket lab) and 9 (the hundred sessions).
#[derive(Debug)]
pub struct LearnWs;

impl Pages for LearnWs {
    const BUNDLE: Bundle = Bundle::LearnWs;
    fn page(route: &Route) -> Html {
        match lesson_of(route) {
            Some(lesson @ LessonId::ThreadPerClient) => {
                html! { <Lesson<SessionsLesson> {lesson} /> }
            }
            Some(lesson) => html! { <Lesson<WsLesson> {lesson} /> },
            None => html! { <NotFound /> },
        }
    }
}

/// Lessons 7 and 8: the feed and the race.
#[derive(Debug)]
pub struct LearnCompare;

impl Pages for LearnCompare {
    const BUNDLE: Bundle = Bundle::LearnCompare;
    fn page(route: &Route) -> Html {
        match lesson_of(route) {
            Some(lesson) => html! { <Lesson<CompareLesson> {lesson} /> },
            None => html! { <NotFound /> },
        }
    }
}

/// Lesson 11: the chat room with several clients.
#[derive(Debug)]
pub struct LearnChat;

impl Pages for LearnChat {
    const BUNDLE: Bundle = Bundle::LearnChat;
    fn page(route: &Route) -> Html {
        match lesson_of(route) {
            Some(lesson) => html! { <Lesson<ChatLesson> {lesson} /> },
            None => html! { <NotFound /> },
        }
    }
}

/// "Embed this" for every page's widgets and lessons.
#[derive(Debug)]
pub struct EmbedThis;

impl Pages for EmbedThis {
    const BUNDLE: Bundle = Bundle::EmbedThis;
    fn page(route: &Route) -> Html {
        match route.place() {
            place @ (Place::EmbedThis(_) | Place::EmbedThisLesson(_)) => {
                html! { <EmbedThisPage {place} /> }
            }
            _ => html! { <NotFound /> },
        }
    }
}
