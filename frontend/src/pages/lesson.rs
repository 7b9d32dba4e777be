//! `/learn/<lesson>`: a lesson with its live widget inline. Each kind of widget has its
//! host here ([`EchoLesson`], [`HttpLesson`], [`WsLesson`]): it calls the widget's own
//! hooks (never copies of them), draws the widget the way its page does (with
//! [`CompareLesson`] for Compare's race and feed, [`SessionsLesson`] for the
//! many-sessions widget, [`ChatLesson`] for the chat room), hands the hooks'
//! models to the lesson's checks (`model::lesson::check`) and the states to `use_lesson`
//! and `LessonView`. [`Lesson`] wraps a host so "start over" gives it fresh hooks (a new
//! `key`): the widget's old evidence goes with the old progress.
//!
//! Which host draws which lesson is `bundles.rs`'s choice, in step with
//! `protocol::pages::LESSONS` (the bundle with the widget).

use std::rc::Rc;

use protocol::HttpMethod;
use yew::prelude::*;

use crate::components::http_panel::HttpPanel;
use crate::components::lesson_view::LessonView;
use crate::components::sessions_panel::SessionsPanel;
use crate::components::use_lang;
use crate::dom;
use crate::hooks::use_chat::use_chat;
use crate::hooks::use_client_key::use_client_key;
use crate::hooks::use_compare_form::use_compare_form;
use crate::hooks::use_echo::use_echo;
use crate::hooks::use_feed::use_feed;
use crate::hooks::use_http_lab::use_http_lab;
use crate::hooks::use_lesson::use_lesson;
use crate::hooks::use_observer::use_observer;
use crate::hooks::use_race::use_race;
use crate::hooks::use_sessions::use_sessions;
use crate::hooks::use_websocket::use_websocket;
use crate::model::chat::Via;
use crate::model::lab::{LabRun, LabSpec};
use crate::model::lesson::{Evidence, Host, LessonId, StepState, check_in};
use crate::model::ws_session::Dir;
use crate::model::ws_settings::WsSettings;
use crate::ui::use_viewport_width::use_viewport_width;

/// A lesson page's props: which lesson.
#[derive(Properties, PartialEq)]
pub(crate) struct LessonProps {
    pub(crate) lesson: LessonId,
}

/// A host's props: the lesson, and how to start it over.
#[derive(Properties, PartialEq)]
pub(crate) struct HostProps {
    pub(crate) lesson: LessonId,
    pub(crate) on_reset: Callback<()>,
}

/// Host `H` for `lesson`, made anew on "start over".
#[function_component]
pub(crate) fn Lesson<H: BaseComponent<Properties = HostProps>>(props: &LessonProps) -> Html {
    let generation = use_state(|| 0u32);
    let on_reset = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    html! { <H key={*generation} lesson={props.lesson} {on_reset} /> }
}

/// The lesson frame around `widget`, for `states`.
fn frame(lesson: LessonId, states: Vec<StepState>, on_reset: &Callback<()>, widget: Html) -> Html {
    html! { <Frame {lesson} states={Rc::new(states)} on_reset={on_reset.clone()} {widget} /> }
}

#[derive(Properties, PartialEq)]
struct FrameProps {
    lesson: LessonId,
    states: Rc<Vec<StepState>>,
    on_reset: Callback<()>,
    widget: Html,
}

/// `use_lesson` and `LessonView`, shared by the hosts.
#[function_component(Frame)]
fn frame_component(props: &FrameProps) -> Html {
    let lang = use_lang();
    let lesson = use_lesson(
        props.lesson,
        lang,
        Rc::clone(&props.states),
        props.on_reset.clone(),
    );
    html! {
        <LessonView lesson={props.lesson} states={Rc::clone(&props.states)}
            text={lesson.text} progress={lesson.progress} hints={lesson.hints}
            more_hint={lesson.more_hint} reset={lesson.reset}>
            { props.widget.clone() }
        </LessonView>
    }
}

/// Lesson 1: the basics' HTTP panel.
#[function_component(EchoLesson)]
pub(crate) fn echo_lesson(props: &HostProps) -> Html {
    let echo = use_echo();
    // What the panel sent last: an echo result keeps only what came back.
    let sent = use_state(|| None::<String>);
    let on_send = {
        let (send, sent) = (echo.send.clone(), sent.clone());
        Callback::from(move |(method, payload): (HttpMethod, String)| {
            sent.set(Some(payload.clone()));
            send.emit((method, payload));
        })
    };
    let states = check_in(
        Host::Echo,
        props.lesson,
        &Evidence {
            echo: Some(&echo.state),
            echo_sent: sent.as_deref(),
            ..Evidence::default()
        },
    );
    let widget = html! {
        <div class="panels panels-one">
            <HttpPanel state={Rc::clone(&echo.state)} {on_send} />
        </div>
    };
    frame(props.lesson, states, &props.on_reset, widget)
}

/// The HTTP lab's settings a lesson opens with.
fn lab_preset(lesson: LessonId) -> LabRun {
    let spec = LabSpec {
        method: HttpMethod::Get,
        request_bytes: 0,
        response_bytes: 1024,
        delay_ms: 0,
        close: lesson == LessonId::ConnectionClose,
    };
    match lesson {
        // Beyond six, with a server delay long enough that waiting shows.
        LessonId::SixAtATime => LabRun {
            spec: LabSpec {
                delay_ms: 300,
                ..spec
            },
            count: 12,
            parallel: true,
        },
        _ => LabRun {
            spec,
            count: 3,
            parallel: false,
        },
    }
}

/// Lessons 2–4: the HTTP lab.
#[function_component(HttpLesson)]
pub(crate) fn http_lesson(props: &HostProps) -> Html {
    let lang = use_lang();
    let key = use_client_key();
    let observer = use_observer(key.clone());
    let lab = use_http_lab(key);
    let selected = use_state(|| None::<(u32, u32)>);
    let states = check_in(
        Host::HttpLab,
        props.lesson,
        &Evidence {
            lab: &lab.state.rows,
            observed: Some(&observer.view.observed),
            ..Evidence::default()
        },
    );
    let widget = super::http_lab::view(
        lang,
        &lab,
        &observer,
        &selected,
        Some(lab_preset(props.lesson)),
        None,
    );
    frame(props.lesson, states, &props.on_reset, widget)
}

/// The WebSocket lab's settings a lesson opens with: the lab's defaults, but for
/// `who-closed-it` a normal close (1000) from the page, so its first step is one press.
fn ws_preset(lesson: LessonId) -> WsSettings {
    let lab = WsSettings::default();
    match lesson {
        LessonId::WhoClosedIt => WsSettings {
            code: protocol::close_code::NORMAL.to_string(),
            reason: "done".into(),
            ..lab
        },
        // Five pushes a second for a second: slow enough to watch each arrive unasked,
        // more than the three the check needs; then the server's close with its own code.
        LessonId::ServerSpeaksFirst => WsSettings {
            count: "5".into(),
            rate: "5".into(),
            code: "4000".into(),
            reason: "lesson over".into(),
            ..lab
        },
        _ => lab,
    }
}

/// Lessons 5, 6 and 10: the WebSocket lab.
#[function_component(WsLesson)]
pub(crate) fn ws_lesson(props: &HostProps) -> Html {
    let lang = use_lang();
    let key = use_client_key();
    let observer = use_observer(key.clone());
    let ws = use_websocket(key);
    let filter = use_state(|| None::<Dir>);
    let states = check_in(
        Host::WsLab,
        props.lesson,
        &Evidence {
            session: Some(&ws.view),
            observed: Some(&observer.view.observed),
            ..Evidence::default()
        },
    );
    let widget = super::ws_lab::view(lang, &ws, &observer, &filter, ws_preset(props.lesson), None);
    frame(props.lesson, states, &props.on_reset, widget)
}

/// Compare's settings a lesson opens with (query pairs, under the address's own): the race
/// on an emulated 4G network for `real-network`; the page's defaults (all four ways to
/// read the feed, polling every 500 ms, on loopback) for `streaming-over-http`.
fn compare_preset(lesson: LessonId) -> &'static [(&'static str, &'static str)] {
    match lesson {
        // 30 round trips each: ~7 s on 4G instead of the page's 200 (~45 s), well above
        // the ten the check needs.
        LessonId::RealNetwork => &[("net", "4g"), ("n", "30")],
        _ => &[],
    }
}

/// Lessons 7–8: Compare's race and feed.
#[function_component(CompareLesson)]
pub(crate) fn compare_lesson(props: &HostProps) -> Html {
    let lang = use_lang();
    let key = use_client_key();
    let form = use_compare_form(compare_preset(props.lesson));
    let race = use_race(key.clone());
    let feed = use_feed(key);
    let narrow = use_viewport_width().is_some_and(|w| w < 600.0);
    let isolated = use_memo((), |_| dom::cross_origin_isolated());
    let rm = race.model.read(Clone::clone);
    let fm = feed.model.read(Clone::clone);
    let states = check_in(
        Host::Compare,
        props.lesson,
        &Evidence {
            race: Some(&rm),
            feed: Some(&fm),
            ..Evidence::default()
        },
    );
    let widget = super::compare::view(
        lang,
        &form,
        &race,
        &feed,
        narrow,
        *isolated,
        super::compare::Show::All,
    );
    frame(props.lesson, states, &props.on_reset, widget)
}

/// Lesson 9: the many-sessions widget (100 WebSocket sessions against the server's own
/// counts, `GET /api/stats`).
#[function_component(SessionsLesson)]
pub(crate) fn sessions_lesson(props: &HostProps) -> Html {
    let key = use_client_key();
    let sessions = use_sessions(key);
    let narrow = use_viewport_width().is_some_and(|w| w < 600.0);
    let states = check_in(
        Host::Sessions,
        props.lesson,
        &Evidence {
            server: &sessions.state.samples,
            ..Evidence::default()
        },
    );
    let widget = html! {
        <SessionsPanel state={Rc::clone(&sessions.state)} on_open={sessions.open.clone()}
            on_close={sessions.close_all.clone()} {narrow} />
    };
    frame(props.lesson, states, &props.on_reset, widget)
}

/// The chat room a lesson opens: a room of its own (unless the address names one, so a
/// class can share a link), and the Join form on the transport the lesson starts with.
struct ChatPreset {
    room: &'static str,
    via: Via,
}

/// `many-clients` starts on polling every 500 ms (half the period, 250 ms, stands well
/// apart from a push's few ms); the learner adds the WebSocket client.
fn chat_preset(_lesson: LessonId) -> ChatPreset {
    ChatPreset {
        room: "many-clients",
        via: Via::Poll { every_ms: 500 },
    }
}

/// Lesson 11: the chat page's room, with several clients.
#[function_component(ChatLesson)]
pub(crate) fn chat_lesson(props: &HostProps) -> Html {
    let lang = use_lang();
    let key = use_client_key();
    let preset = chat_preset(props.lesson);
    let chat = use_chat(key, preset.room);
    let states = check_in(
        Host::Chat,
        props.lesson,
        &Evidence {
            chat: Some(&chat.state),
            ..Evidence::default()
        },
    );
    let widget = super::chat::view(lang, &chat, Some(preset.via));
    frame(props.lesson, states, &props.on_reset, widget)
}
