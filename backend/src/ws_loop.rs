//! The one shape every WebSocket loop has, and the helpers it ends with: [`close`] (send a
//! close frame, then a bounded drain so the page's reply is read and it sees our code, not
//! 1006) and [`drain`] (the page closed: let tungstenite answer and read until the socket
//! ends, for at most [`DRAIN_WAIT`]).
//!
//! Each loop lives in its domain, never under `routes/`: `/ws` in `session.rs` (+
//! `session/`), `/ws/echo` in `echo_ws.rs`, `/ws/observe` in `observe.rs`, `/ws/race` in
//! `race/ws.rs`, `/ws/feed` in `feed/ws.rs`, `/ws/chat` in `chat/ws.rs`. The route only extracts, makes the checks that belong to HTTP (upgrade,
//! subprotocol, handshake headers, quota) and ends with
//! `ws.on_upgrade(move |socket| domain::run(socket, life, …))`.
//!
//! Upgraded sockets are not awaited by axum's graceful shutdown (axum#3003), so every loop
//! watches [`WsLife::shutdown`] and ends with 1001; a loop the page must keep busy also
//! ends after [`WsLife::idle`] without a message. Every upgrade goes through [`sized`],
//! whose [`Upgrade::on_upgrade`] counts the loop in [`WsLife::tasks`] from the handler
//! (before the `101`) until the loop returns, close frame and drain included; after
//! `axum::serve` ends, `backend::serve` waits for that count to reach zero (at most the
//! shutdown grace period), so the process does not exit before the close frames are out.
//!
//! **To add a loop** (the chat room, `chat/ws.rs`, is the sixth): give it a domain module
//! (say `chat.rs`) with a `pub(crate) async fn run`; its route takes `State<WsLife>` (or a
//! sub-state holding it, like `session::Sessions`) and moves it into `run`. The example
//! to copy is `session::run` (`session.rs`, the fullest): shutdown, an idle deadline the
//! page's data messages push back, two more sources (ticker, pings), a flood cap, in-band
//! refusals and close codes, all through one `Next` that carries an [`End`]. For a
//! broadcast source (what a chat room reads), see `observe::run` (`observe.rs`): `Lagged`
//! becomes `Missed`, never the end. The shape:
//!
//! ```text
//! pub(crate) async fn run(mut socket: WebSocket, life: WsLife /* , what it serves */) {
//!     let mut idle_at = Instant::now() + life.idle;
//!     let end = loop {
//!         tokio::select! {
//!             () = life.shutdown.cancelled() => break End::shutting_down(),
//!             () = tokio::time::sleep_until(idle_at) => break End::idle(life.idle),
//!             // … one branch per source the session pushes from (a broadcast, a ticker) …
//!             incoming = socket.recv() => match incoming {
//!                 Some(Ok(Message::Text(t))) => { idle_at = Instant::now() + life.idle; /* handle */ }
//!                 Some(Ok(Message::Close(_))) => break End::Drain,
//!                 Some(Ok(_)) => {}           // pings are answered by tungstenite
//!                 None | Some(Err(_)) => break End::Drop,
//!             },
//!         }
//!     };
//!     ws_loop::finish(&mut socket, end).await;
//! }
//! ```
//!
//! Bad input is answered in-band where the protocol has a message for it; a close code
//! (from `protocol::close_code`) ends only *this* session. Never end a session on
//! `broadcast::RecvError::Lagged`: tell the page what it missed and go on.

use std::borrow::Cow;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use protocol::close_code;
use tokio_util::sync::CancellationToken;
use tokio_util::task::{TaskTracker, task_tracker::TaskTrackerToken};

use crate::conn::gate::{Full, Place, Places};
use crate::error::AppError;

/// Each socket's read buffer. tungstenite allocates its read buffer (128 KiB by default)
/// for every connection up front: an idle session cost 127.6 KiB of server memory with
/// the default and 2,000 idle sessions a quarter of a GiB (`cargo xtask bench`,
/// `idle_sessions`). Messages larger than this are read in several chunks.
pub(crate) const READ_BUFFER_BYTES: usize = 4 * 1024;

/// The write buffer's target before tungstenite writes to the socket. Every send here
/// flushes at once anyway (a measuring tool wants each frame on the wire now), so a large
/// target only holds memory.
pub(crate) const WRITE_BUFFER_BYTES: usize = 4 * 1024;

/// Caps on WebSocket sessions open at once (`--max-sessions`, `--max-sessions-per-ip`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub total: usize,
    pub per_ip: usize,
}

impl Default for SessionLimits {
    /// Below the connection caps (15,000 in all, 1,000 per address), so a server (or an
    /// address) full of sessions can still load the page and answer HTTP; 800 per address
    /// lets a classroom behind one NAT run the 100-session lesson several at a time.
    fn default() -> Self {
        Self {
            total: 12_000,
            per_ip: 800,
        }
    }
}

/// Every WebSocket endpoint's upgrade: a place under the session caps for `peer` (refused
/// with 503 `too_many_sessions` before the `101` when there is none), small buffers
/// (above) and the endpoint's own hard message limit (kept above the protocol's cap, so an
/// oversize message is read and refused with its close code rather than cut off by
/// tungstenite), counted in `life`'s live tasks from now until its loop returns (see
/// [`Upgrade`]). `peer` is `None` only without the connection layer (in-process tests).
pub(crate) fn sized(
    ws: WebSocketUpgrade,
    life: &WsLife,
    peer: Option<IpAddr>,
    hard_limit_bytes: usize,
) -> Result<Upgrade, AppError> {
    let place = peer
        .map(|ip| life.places.admit(ip))
        .transpose()
        .map_err(|full| AppError::TooManySessions(full == Full::All))?;
    Ok(Upgrade {
        ws: ws
            .read_buffer_size(READ_BUFFER_BYTES)
            .write_buffer_size(WRITE_BUFFER_BYTES)
            .max_message_size(hard_limit_bytes)
            .max_frame_size(hard_limit_bytes),
        live: life.tasks.token(),
        place,
    })
}

/// A WebSocket upgrade that counts as a live task of [`WsLife::tasks`] until its loop
/// returns: the only way a route hands a loop its socket, so no loop can be forgotten by
/// the shutdown wait. Counted from the handler on, so a session upgraded just as the
/// server stops is waited for too; an upgrade that fails drops the count with its closure.
/// It holds its place under the session caps the same way.
#[must_use]
pub(crate) struct Upgrade {
    ws: WebSocketUpgrade,
    live: TaskTrackerToken,
    place: Option<Place>,
}

impl Upgrade {
    /// Offers these subprotocols (axum's `WebSocketUpgrade::protocols`).
    pub(crate) fn protocols<I>(mut self, protocols: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Cow<'static, str>>,
    {
        self.ws = self.ws.protocols(protocols);
        self
    }

    /// The `101` response; `run` gets the socket once upgraded and stays counted until it
    /// returns (after its close frame and drain, through [`finish`]).
    pub(crate) fn on_upgrade<F, Fut>(self, run: F) -> Response
    where
        F: FnOnce(WebSocket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (live, place) = (self.live, self.place);
        self.ws.on_upgrade(move |socket| async move {
            run(socket).await;
            drop((live, place));
        })
    }
}

/// The longest a loop waits for the page's side of a closing handshake.
pub(crate) const DRAIN_WAIT: Duration = Duration::from_secs(5);

/// What every WebSocket loop watches besides its socket.
#[derive(Debug, Clone)]
pub(crate) struct WsLife {
    /// Cancelled on shutdown: every loop closes with 1001.
    pub(crate) shutdown: CancellationToken,
    /// A session with no message from the page this long is closed with 1001.
    pub(crate) idle: Duration,
    /// Every live loop, from its handler to its last drained frame ([`Upgrade`]):
    /// `backend::serve` waits on it after the token is cancelled.
    pub(crate) tasks: TaskTracker,
    /// WebSocket sessions open, in all and per address, under [`SessionLimits`].
    pub(crate) places: Arc<Places>,
}

/// How a loop ends.
#[derive(Debug)]
pub(crate) enum End {
    /// Send a close frame with this code and reason, then drain.
    Close(u16, String),
    /// The page sent a close frame: drain (tungstenite has queued its reply).
    Drain,
    /// The socket is gone (or must just drop): nothing more to send.
    Drop,
}

impl End {
    /// The server is shutting down: 1001.
    pub(crate) fn shutting_down() -> Self {
        Self::Close(close_code::GOING_AWAY, "server shutting down".to_owned())
    }

    /// Nothing from the page for `idle`: 1001.
    pub(crate) fn idle(idle: Duration) -> Self {
        Self::Close(
            close_code::GOING_AWAY,
            format!("idle for {} s", idle.as_secs()),
        )
    }

    pub(crate) fn close(code: u16, reason: &str) -> Self {
        Self::Close(code, reason.to_owned())
    }

    /// The socket could not be read: say why with RFC 6455's code where the peer can still
    /// hear it — 1007 for text that is not UTF-8, 1002 for a frame that breaks the
    /// protocol, 1009 for a message over the endpoint's hard limit — else just drop.
    pub(crate) fn read_error(err: axum::Error) -> Self {
        use tungstenite::error::{CapacityError, Error as WsError};
        let inner = err.into_inner();
        let Some(err) = inner.downcast_ref::<WsError>() else {
            return Self::Drop;
        };
        match err {
            WsError::Utf8(_) => Self::close(close_code::INVALID_DATA, "text is not valid UTF-8"),
            WsError::Protocol(p) => {
                // Reasons are the protocol error in English (they fit in a close frame's
                // 123 bytes).
                let mut reason = p.to_string();
                reason.truncate(reason.floor_char_boundary(120));
                Self::Close(close_code::PROTOCOL_ERROR, reason)
            }
            WsError::Capacity(CapacityError::MessageTooLong { .. }) => {
                Self::close(close_code::TOO_BIG, "message too big")
            }
            WsError::Capacity(_) => Self::close(close_code::TOO_BIG, "frame too big"),
            _ => Self::Drop,
        }
    }
}

/// Ends a loop as `end` says.
pub(crate) async fn finish(socket: &mut WebSocket, end: End) {
    match end {
        End::Close(code, reason) => close(socket, code, &reason).await,
        End::Drain => drain(socket).await,
        End::Drop => {}
    }
}

/// Sends a close frame and waits (up to [`DRAIN_WAIT`]) for the page's reply, so the page
/// sees our code and a clean close rather than 1006.
pub(crate) async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from(reason),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    drain(socket).await;
}

/// Reads until the socket ends (at most [`DRAIN_WAIT`]): after a close frame either way,
/// this lets tungstenite send its reply and see the TCP connection end.
pub(crate) async fn drain(socket: &mut WebSocket) {
    let rest = async { while let Some(Ok(_)) = socket.recv().await {} };
    let _ = tokio::time::timeout(DRAIN_WAIT, rest).await;
}
