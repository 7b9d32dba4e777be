//! The page's bundles: one wasm per page (`protocol::pages::Bundle`), each a binary in
//! `src/bin/` that starts the app with its [`Pages`]. The app is generic over them, so a
//! bundle's binary reaches only its own pages and LTO drops every other page's code: a
//! first visit downloads one page, not five (sizes in ARCHITECTURE.md, "Sizes").

use protocol::pages::{Bundle, Place, Widget};
use yew::prelude::*;

use crate::model::lesson::LessonId;
use crate::pages::chat::Chat as ChatPage;
use crate::pages::compare::{Compare as ComparePage, CompareEmbed, Show};
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

/// `/`, the lessons' list, lesson 1 (the basics' HTTP panel), the basics' two panels as
/// embeds, and "not found" for an address no bundle claims.
#[derive(Debug)]
pub struct Home;

impl Pages for Home {
    const BUNDLE: Bundle = Bundle::Home;
    fn page(route: &Route) -> Html {
        match (route, lesson_of(route)) {
            (Route::Home, _) => html! { <HomePage /> },
            (Route::Learn, _) => html! { <Learn /> },
            (Route::Embed { .. }, _) => match route.place() {
                Place::Embed(Widget::Http) => html! { <HttpEmbed /> },
                Place::Embed(Widget::Ws) => html! { <WsEmbed /> },
                _ => html! { <NotFound /> },
            },
            (_, Some(lesson @ LessonId::OneRequest)) => {
                html! { <Lesson<EchoLesson> {lesson} /> }
            }
            _ => html! { <NotFound /> },
        }
    }
}

/// `/lab/http`.
#[derive(Debug)]
pub struct HttpLab;

impl Pages for HttpLab {
    const BUNDLE: Bundle = Bundle::HttpLab;
    fn page(route: &Route) -> Html {
        match lesson_of(route) {
            Some(lesson) => html! { <Lesson<HttpLesson> {lesson} /> },
            None => html! { <HttpLabPage /> },
        }
    }
}

/// `/lab/ws`.
#[derive(Debug)]
pub struct WsLab;

impl Pages for WsLab {
    const BUNDLE: Bundle = Bundle::WsLab;
    fn page(route: &Route) -> Html {
        match lesson_of(route) {
            Some(
                lesson @ (LessonId::SocketStaysOpen
                | LessonId::ServerSpeaksFirst
                | LessonId::WhoClosedIt),
            ) => {
                html! { <Lesson<WsLesson> {lesson} /> }
            }
            Some(lesson) => html! { <Lesson<SessionsLesson> {lesson} /> },
            None => html! { <WsLabPage /> },
        }
    }
}

/// `/compare`.
#[derive(Debug)]
pub struct Compare;

impl Pages for Compare {
    const BUNDLE: Bundle = Bundle::Compare;
    fn page(route: &Route) -> Html {
        match (lesson_of(route), route.place()) {
            (Some(lesson), _) => html! { <Lesson<CompareLesson> {lesson} /> },
            (None, Place::Embed(Widget::Race)) => html! { <CompareEmbed show={Show::Race} /> },
            (None, Place::Embed(Widget::Feed)) => html! { <CompareEmbed show={Show::Feed} /> },
            (None, _) => html! { <ComparePage /> },
        }
    }
}

/// `/chat`, and lesson 11 (the chat room with several clients).
#[derive(Debug)]
pub struct Chat;

impl Pages for Chat {
    const BUNDLE: Bundle = Bundle::Chat;
    fn page(route: &Route) -> Html {
        match lesson_of(route) {
            Some(lesson) => html! { <Lesson<ChatLesson> {lesson} /> },
            None => html! { <ChatPage /> },
        }
    }
}
