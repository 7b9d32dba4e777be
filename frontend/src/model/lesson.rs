//! Guided lessons (issue 10), the pure core: which lessons there are and their steps
//! ([`LessonId`], [`StepId`]), what the page hands over as evidence ([`Evidence`],
//! borrowed from the hooks' own models), the checks that turn each step green by
//! themselves and say what they saw ([`check`] → [`StepState`] with a [`Saw`]), the
//! reader's progress kept in localStorage ([`Progress`]), and the catalogue keys the page
//! shows them through ([`text`]). No browser, no network: tested natively
//! (`frontend/tests/lessons.rs`).

mod chat;
mod compare;
mod evidence;
pub mod formula;
mod http;
mod ids;
mod progress;
mod saw;
pub mod text;
mod threads;
pub mod tolerance;
mod ws;

pub use evidence::{Evidence, ServerSample};
pub use ids::{LessonId, StepId};
pub use progress::{LessonStatus, PROGRESS_STORAGE_KEY, Progress};
pub use saw::{Saw, StepState};

/// The checks of the lessons one widget hosts (a page calls its own, so its wasm carries
/// only those checks: [`check`] reaches all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// The basics' HTTP panel.
    Echo,
    /// The HTTP lab.
    HttpLab,
    /// The WebSocket lab.
    WsLab,
    /// Compare's race and feed.
    Compare,
    /// The many-sessions widget.
    Sessions,
    /// The chat page's room.
    Chat,
}

/// Every step of `lesson` judged against `evidence` by `host`'s checks: all pending for a
/// lesson `host` does not hold.
pub fn check_in(host: Host, lesson: LessonId, evidence: &Evidence<'_>) -> Vec<StepState> {
    match (host, lesson) {
        (Host::Echo, LessonId::OneRequest) => http::one_request(evidence),
        (Host::HttpLab, LessonId::ConnectionClose) => http::connection_close(evidence),
        (Host::HttpLab, LessonId::KeepAlive) => http::keep_alive(evidence),
        (Host::HttpLab, LessonId::SixAtATime) => http::six_at_a_time(evidence),
        (Host::WsLab, LessonId::SocketStaysOpen) => ws::socket_stays_open(evidence),
        (Host::WsLab, LessonId::ServerSpeaksFirst) => ws::server_speaks_first(evidence),
        (Host::Compare, LessonId::StreamingOverHttp) => compare::streaming_over_http(evidence),
        (Host::Compare, LessonId::RealNetwork) => compare::real_network(evidence),
        (Host::Sessions, LessonId::ThreadPerClient) => threads::thread_per_client(evidence),
        (Host::WsLab, LessonId::WhoClosedIt) => ws::who_closed_it(evidence),
        (Host::Chat, LessonId::ManyClients) => chat::many_clients(evidence),
        _ => vec![StepState::Pending; lesson.steps().len()],
    }
}

/// The widget that hosts `lesson`.
pub fn host_of(lesson: LessonId) -> Host {
    match lesson {
        LessonId::OneRequest => Host::Echo,
        LessonId::ConnectionClose | LessonId::KeepAlive | LessonId::SixAtATime => Host::HttpLab,
        LessonId::SocketStaysOpen | LessonId::ServerSpeaksFirst | LessonId::WhoClosedIt => {
            Host::WsLab
        }
        LessonId::StreamingOverHttp | LessonId::RealNetwork => Host::Compare,
        LessonId::ThreadPerClient => Host::Sessions,
        LessonId::ManyClients => Host::Chat,
    }
}

/// Every step of `lesson` judged against `evidence`, in the lesson's step order.
pub fn check(lesson: LessonId, evidence: &Evidence<'_>) -> Vec<StepState> {
    check_in(host_of(lesson), lesson, evidence)
}
