//! Guided lessons (issue 10), the pure core: which lessons there are and their steps
//! ([`LessonId`], [`StepId`]), what the page hands over as evidence ([`Evidence`],
//! borrowed from the hooks' own models), the checks that turn each step green by
//! themselves and say what they saw ([`check`] → [`StepState`] with a [`Saw`]), the
//! reader's progress kept in localStorage ([`Progress`]), and the catalogue keys the page
//! shows them through ([`text`]). No browser, no network: tested natively
//! (`frontend/tests/lessons.rs`).

mod compare;
mod evidence;
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

/// Every step of `lesson` judged against `evidence`, in the lesson's step order.
pub fn check(lesson: LessonId, evidence: &Evidence<'_>) -> Vec<StepState> {
    match lesson {
        LessonId::OneRequest => http::one_request(evidence),
        LessonId::ConnectionClose => http::connection_close(evidence),
        LessonId::KeepAlive => http::keep_alive(evidence),
        LessonId::SixAtATime => http::six_at_a_time(evidence),
        LessonId::SocketStaysOpen => ws::socket_stays_open(evidence),
        LessonId::ServerSpeaksFirst => ws::server_speaks_first(evidence),
        LessonId::StreamingOverHttp => compare::streaming_over_http(evidence),
        LessonId::RealNetwork => compare::real_network(evidence),
        LessonId::ThreadPerClient => threads::thread_per_client(evidence),
    }
}
