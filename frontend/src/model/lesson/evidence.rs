//! What the lessons judge: one struct the page fills from its hooks' state, borrowing
//! the existing models (never copies of them), plus the server's aggregate counts as the
//! many-sessions widget samples them ([`ServerSample`]).

use super::super::chat::ChatRoom;
use super::super::echo::EchoState;
use super::super::feed::FeedModel;
use super::super::lab::LabRow;
use super::super::observed::Observed;
use super::super::race::RaceModel;
use super::super::ws_session::SessionView;

/// One reading of the server's own counts (`protocol::stats::ServerStats`, as
/// `model::sessions` maps each `GET /api/stats` answer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerSample {
    /// WebSocket sessions open on the whole server.
    pub sessions_open: u32,
    /// The server process's OS threads (`None` where the server cannot tell).
    pub os_threads: Option<u32>,
    /// When the page read it (`performance.now()`, ms).
    pub at_ms: f64,
}

/// Everything a lesson's checks may read; a lesson page fills what its widgets have.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// The basics HTTP panel (`use_echo`).
    pub echo: Option<&'a EchoState>,
    /// The payload the panel sent last (its text field): an [`EchoResult`] does not keep
    /// what was sent, only what came back.
    ///
    /// [`EchoResult`]: super::super::echo::EchoResult
    pub echo_sent: Option<&'a str>,
    /// The HTTP lab's rows, oldest first (`use_http_lab`).
    pub lab: &'a [LabRow],
    /// The server-reported TCP connections (`use_observer`).
    pub observed: Option<&'a Observed>,
    /// The WebSocket lab's session (`use_websocket`).
    pub session: Option<&'a SessionView>,
    /// Compare's race (`use_race`).
    pub race: Option<&'a RaceModel>,
    /// Compare's feed (`use_feed`).
    pub feed: Option<&'a FeedModel>,
    /// The server's counts, oldest first.
    pub server: &'a [ServerSample],
    /// The chat page's clients and fan-out (`use_chat`).
    pub chat: Option<&'a ChatRoom>,
}
