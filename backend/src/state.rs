//! Shared server state, built from the sub-states the domains own. Handlers take
//! `State<Part>` of only what they need; each part is cut out of [`AppState`] by axum's
//! `FromRef` (impls below; cheap clones, every field is shared).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::extract::FromRef;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::chat::{Chat, ChatHub, ChatLimits, Fanout};
use crate::conn::Observatory;
use crate::feed::FeedHub;
use crate::origin::Origins;
use crate::quota::{DEFAULT_CLIENTS_PER_ADDRESS, LabQuotas};
use crate::race::Race;
use crate::session::Sessions;
use crate::site::Pages;
use crate::ws_loop::{SessionLimits, WsLife};

/// How long `serve` waits, after shutdown starts, for WebSocket sessions to send their
/// close frames and finish their drains (`--shutdown-grace-secs`).
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The server's state: one pointer to [`Shared`], so a clone is one reference count.
///
/// axum clones the router's state for every request it routes (`HandlerService::call`),
/// whatever the handler extracts. Cloning the fields one by one (a dozen `Arc`s, a
/// cancellation token, a task tracker) showed as ~4 % of the server's CPU under
/// `GET /api/echo` load (perf, `AppState::clone` + its drop); one `Arc` is one atomic
/// increment. Builders mutate through [`DerefMut`] (copy-on-write, `Arc::make_mut`),
/// which only ever runs before the state is served.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }
}

/// Every part of [`AppState`]; each field is itself shared, so cutting one out
/// (`FromRef`) is cheap.
#[derive(Clone)]
pub struct Shared {
    /// Where the page's files are: `dist/` on disk, or the binary's own.
    pub(crate) pages: Pages,
    /// Shutdown token, idle timeout and live-task count of every WebSocket loop. Upgraded
    /// WebSocket tasks are not awaited by axum's graceful shutdown (axum#3003), so each
    /// watches the token and is counted until its close frame is out and drained.
    pub(crate) life: WsLife,
    /// How long `serve` waits for the loops to close after the token is cancelled.
    pub(crate) shutdown_grace: Duration,
    /// Caps on TCP connections, in all and per address.
    pub(crate) conn_limits: crate::conn::ConnLimits,
    /// How long a connection may take over a request head, a body, an idle keep-alive.
    pub(crate) http_timeouts: crate::conn::HttpTimeouts,
    next_session: Arc<AtomicU64>,
    /// The connection layer's clock, live table, event bus and run tallies.
    pub(crate) obs: Arc<Observatory>,
    pub(crate) lab: LabQuotas,
    pub(crate) race: Race,
    /// The Compare page's live feeds.
    pub(crate) feeds: FeedHub,
    /// The pages besides this site's own that may open sessions and change state.
    pub(crate) origins: Origins,
    /// `--public-origin`: this site as readers reach it (link cards, oEmbed).
    pub(crate) public_origin: Option<crate::origin::PublicOrigin>,
    /// The chat rooms.
    pub(crate) chat: Arc<Chat>,
    chat_limits: ChatLimits,
    /// `--chat-redis`: the fan-out rooms share with other instances (else each `Chat`
    /// makes its own, in this process).
    chat_shared: Option<Arc<dyn Fanout>>,
    clients_per_address: u64,
}

impl AppState {
    /// State serving the front end from `dist`.
    pub fn new(dist: impl Into<PathBuf>) -> Self {
        let shutdown = CancellationToken::new();
        Self(Arc::new(Shared {
            pages: Pages::Disk(Arc::new(dist.into())),
            life: WsLife {
                shutdown: shutdown.clone(),
                idle: Duration::from_secs(protocol::ws::WS_IDLE_TIMEOUT_SECS),
                tasks: TaskTracker::new(),
                places: crate::conn::gate::Places::new(
                    SessionLimits::default().total,
                    SessionLimits::default().per_ip,
                ),
            },
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            conn_limits: crate::conn::ConnLimits::default(),
            http_timeouts: crate::conn::HttpTimeouts::default(),
            next_session: Arc::new(AtomicU64::new(1)),
            obs: Arc::new(Observatory::new()),
            lab: LabQuotas::new(DEFAULT_CLIENTS_PER_ADDRESS),
            race: Race::new(DEFAULT_CLIENTS_PER_ADDRESS),
            feeds: FeedHub::new(shutdown, DEFAULT_CLIENTS_PER_ADDRESS),
            origins: Origins::default(),
            public_origin: None,
            chat: Chat::new(ChatLimits::default(), DEFAULT_CLIENTS_PER_ADDRESS, None),
            chat_limits: ChatLimits::default(),
            chat_shared: None,
            clients_per_address: DEFAULT_CLIENTS_PER_ADDRESS,
        }))
    }

    /// The same state serving the page compiled into this binary, when it carries one
    /// (feature `embed-dist`); else unchanged. Says which.
    pub fn with_embedded_page(mut self) -> (Self, bool) {
        match crate::site::embedded() {
            Some(pages) => {
                self.pages = pages;
                (self, true)
            }
            None => (self, false),
        }
    }

    /// The folder the page is served from, when it is served from disk.
    pub fn dist_folder(&self) -> Option<&std::path::Path> {
        match &self.pages {
            Pages::Disk(dist) => Some(dist.as_path()),
            Pages::Memory(_) => None,
        }
    }

    /// The same state naming this site's public origin (`--public-origin`) in link cards
    /// and oEmbed answers, instead of the request's `Host` over `http`.
    pub fn with_public_origin(mut self, origin: crate::origin::PublicOrigin) -> Self {
        self.public_origin = Some(origin);
        self
    }

    /// The same state allowing pages on `origins` too (`--allow-origin`).
    pub fn with_allowed_origins(mut self, origins: Origins) -> Self {
        self.origins = origins;
        self
    }

    /// The same state with another WebSocket idle timeout (tests use a short one).
    pub fn with_ws_idle_timeout(mut self, timeout: Duration) -> Self {
        self.life.idle = timeout;
        self
    }

    /// The same state with other connection caps (`--max-connections`,
    /// `--max-connections-per-ip`).
    pub fn with_conn_limits(mut self, limits: crate::conn::ConnLimits) -> Self {
        self.conn_limits = limits;
        self
    }

    /// The same state with other caps on WebSocket sessions (`--max-sessions`,
    /// `--max-sessions-per-ip`).
    pub fn with_session_limits(mut self, limits: SessionLimits) -> Self {
        self.life.places = crate::conn::gate::Places::new(limits.total, limits.per_ip);
        self
    }

    /// The same state with an address's quota ceilings at `n` clients' worth of each
    /// per-client quota (`--clients-per-address`).
    pub fn with_clients_per_address(mut self, n: u64) -> Self {
        self.lab = LabQuotas::new(n);
        self.race = Race::new(n);
        self.feeds = FeedHub::new(self.life.shutdown.clone(), n);
        self.chat = Chat::new(self.chat_limits, n, self.chat_shared.clone());
        self.clients_per_address = n;
        self
    }

    /// The same state with other chat caps and timings (tests lower them).
    pub fn with_chat_limits(mut self, limits: ChatLimits) -> Self {
        self.chat_limits = limits;
        self.chat = Chat::new(limits, self.clients_per_address, self.chat_shared.clone());
        self
    }

    /// The same state with its chat rooms shared through the Redis at `url` with every
    /// other instance started so (`--chat-redis`); call it after the chat's limits are set
    /// (its channels take their capacity). Fails if Redis does not answer now.
    #[cfg(feature = "chat-redis")]
    pub async fn with_chat_redis(
        mut self,
        url: &str,
    ) -> Result<Self, crate::chat::redis::ChatRedisError> {
        let fanout = crate::chat::redis::RedisFanout::connect(
            url,
            self.chat_limits.fanout_capacity,
            self.chat_limits.room_idle,
            self.life.shutdown.clone(),
        )
        .await?;
        self.chat_shared = Some(fanout);
        self.chat = Chat::new(
            self.chat_limits,
            self.clients_per_address,
            self.chat_shared.clone(),
        );
        Ok(self)
    }

    /// The same state with other HTTP timeouts (`--header-timeout-secs`,
    /// `--body-timeout-secs`, `--keep-alive-secs`).
    pub fn with_http_timeouts(mut self, timeouts: crate::conn::HttpTimeouts) -> Self {
        self.http_timeouts = timeouts;
        self
    }

    /// The same state with another shutdown grace period (`--shutdown-grace-secs`).
    pub fn with_shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// The token that, once cancelled, closes every open WebSocket session.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.life.shutdown.clone()
    }

    /// The connection layer this state's server observes through.
    pub fn observatory(&self) -> Arc<Observatory> {
        Arc::clone(&self.obs)
    }
}

impl FromRef<AppState> for Pages {
    fn from_ref(s: &AppState) -> Self {
        s.pages.clone()
    }
}

impl FromRef<AppState> for crate::site::Site {
    fn from_ref(s: &AppState) -> Self {
        crate::site::Site {
            pages: s.pages.clone(),
            public: s.public_origin.clone(),
        }
    }
}

impl FromRef<AppState> for WsLife {
    fn from_ref(s: &AppState) -> Self {
        s.life.clone()
    }
}

impl FromRef<AppState> for Sessions {
    fn from_ref(s: &AppState) -> Self {
        Sessions::new(s.life.clone(), Arc::clone(&s.next_session))
    }
}

impl FromRef<AppState> for Arc<Observatory> {
    fn from_ref(s: &AppState) -> Self {
        Arc::clone(&s.obs)
    }
}

impl FromRef<AppState> for LabQuotas {
    fn from_ref(s: &AppState) -> Self {
        s.lab.clone()
    }
}

impl FromRef<AppState> for Race {
    fn from_ref(s: &AppState) -> Self {
        s.race.clone()
    }
}

impl FromRef<AppState> for Origins {
    fn from_ref(s: &AppState) -> Self {
        s.origins.clone()
    }
}

impl FromRef<AppState> for FeedHub {
    fn from_ref(s: &AppState) -> Self {
        s.feeds.clone()
    }
}

impl FromRef<AppState> for ChatHub {
    fn from_ref(s: &AppState) -> Self {
        ChatHub {
            chat: Arc::clone(&s.chat),
            life: s.life.clone(),
        }
    }
}
