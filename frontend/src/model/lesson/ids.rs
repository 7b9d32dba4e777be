//! The lessons and their steps as data: each [`LessonId`] has a slug (its address,
//! `/learn/<slug>`), a place in the order, the next lesson, and its [`StepId`]s in the
//! order the page lists them.

/// One lesson, in the order the page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LessonId {
    OneRequest,
    ConnectionClose,
    KeepAlive,
    SixAtATime,
    SocketStaysOpen,
    ServerSpeaksFirst,
    StreamingOverHttp,
    RealNetwork,
    ThreadPerClient,
    WhoClosedIt,
    ManyClients,
}

/// One step of a lesson. A name may recur in several lessons (`three-requests`,
/// `one-connection`, `server-close`, `half-period`); it is only ever meaningful together
/// with its lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StepId {
    Answered,
    Echoed,
    ThreeRequests,
    ThreeConnections,
    ServerClosed,
    OneConnection,
    ConnectPhase,
    Parallel,
    SixConnections,
    Queued,
    Upgrade,
    Exchange,
    Pushes,
    ServerClose,
    PollVsPush,
    HalfPeriod,
    HeaderCost,
    HttpPush,
    Emulated,
    HandshakeCost,
    WebSocket,
    Hundred,
    Threads,
    Closed,
    PageClose,
    Dropped,
    Clients,
    Pushed,
}

impl LessonId {
    /// Every lesson, in order.
    pub const ALL: [LessonId; 11] = [
        LessonId::OneRequest,
        LessonId::ConnectionClose,
        LessonId::KeepAlive,
        LessonId::SixAtATime,
        LessonId::SocketStaysOpen,
        LessonId::ServerSpeaksFirst,
        LessonId::StreamingOverHttp,
        LessonId::RealNetwork,
        LessonId::ThreadPerClient,
        LessonId::WhoClosedIt,
        LessonId::ManyClients,
    ];

    /// The lesson's name in its address (`/learn/<slug>`) and in the saved progress.
    pub const fn slug(self) -> &'static str {
        match self {
            LessonId::OneRequest => "one-request",
            LessonId::ConnectionClose => "connection-close",
            LessonId::KeepAlive => "keep-alive",
            LessonId::SixAtATime => "six-at-a-time",
            LessonId::SocketStaysOpen => "socket-stays-open",
            LessonId::ServerSpeaksFirst => "server-speaks-first",
            LessonId::StreamingOverHttp => "streaming-over-http",
            LessonId::RealNetwork => "real-network",
            LessonId::ThreadPerClient => "thread-per-client",
            LessonId::WhoClosedIt => "who-closed-it",
            LessonId::ManyClients => "many-clients",
        }
    }

    pub fn from_slug(slug: &str) -> Option<LessonId> {
        Self::ALL.into_iter().find(|l| l.slug() == slug)
    }

    /// 1-based place in the list.
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// The lesson after this one, `None` after the last.
    pub fn next(self) -> Option<LessonId> {
        Self::ALL.get(self as usize + 1).copied()
    }

    /// The lesson's steps, in the order the page lists them (and [`crate::model::lesson::check`]
    /// answers them).
    pub const fn steps(self) -> &'static [StepId] {
        use StepId::*;
        match self {
            LessonId::OneRequest => &[Answered, Echoed],
            LessonId::ConnectionClose => &[ThreeRequests, ThreeConnections, ServerClosed],
            LessonId::KeepAlive => &[ThreeRequests, OneConnection, ConnectPhase],
            LessonId::SixAtATime => &[Parallel, SixConnections, Queued],
            LessonId::SocketStaysOpen => &[Upgrade, Exchange, OneConnection],
            LessonId::ServerSpeaksFirst => &[Pushes, ServerClose],
            LessonId::StreamingOverHttp => &[PollVsPush, HalfPeriod, HeaderCost, HttpPush],
            LessonId::RealNetwork => &[Emulated, HandshakeCost, WebSocket],
            LessonId::ThreadPerClient => &[Hundred, Threads, Closed],
            LessonId::WhoClosedIt => &[PageClose, ServerClose, Dropped],
            LessonId::ManyClients => &[Clients, Pushed, HalfPeriod],
        }
    }

    /// The step named `slug` in this lesson.
    pub fn step(self, slug: &str) -> Option<StepId> {
        self.steps().iter().copied().find(|s| s.slug() == slug)
    }
}

impl StepId {
    /// The step's name in the saved progress.
    pub const fn slug(self) -> &'static str {
        match self {
            StepId::Answered => "answered",
            StepId::Echoed => "echoed",
            StepId::ThreeRequests => "three-requests",
            StepId::ThreeConnections => "three-connections",
            StepId::ServerClosed => "server-closed",
            StepId::OneConnection => "one-connection",
            StepId::ConnectPhase => "connect-phase",
            StepId::Parallel => "parallel",
            StepId::SixConnections => "six-connections",
            StepId::Queued => "queued",
            StepId::Upgrade => "upgrade",
            StepId::Exchange => "exchange",
            StepId::Pushes => "pushes",
            StepId::ServerClose => "server-close",
            StepId::PollVsPush => "poll-vs-push",
            StepId::HalfPeriod => "half-period",
            StepId::HeaderCost => "header-cost",
            StepId::HttpPush => "http-push",
            StepId::Emulated => "emulated",
            StepId::HandshakeCost => "handshake-cost",
            StepId::WebSocket => "websocket",
            StepId::Hundred => "hundred",
            StepId::Threads => "threads",
            StepId::Closed => "closed",
            StepId::PageClose => "page-close",
            StepId::Dropped => "dropped",
            StepId::Clients => "clients",
            StepId::Pushed => "pushed",
        }
    }
}
