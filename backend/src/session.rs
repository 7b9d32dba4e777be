//! The `/ws` command session, apart from HTTP: one task that reads the page's messages,
//! pushes ticker messages nobody asked for, pings at the page's chosen interval, and
//! closes — cleanly with a code and reason, or by dropping the TCP connection — when asked.
//! `routes/ws.rs` upgrades and calls [`run`].
//!
//! Bad input never ends anyone else's session: a malformed command or an out-of-range
//! setting gets a [`ServerMsg::Error`] and the session stays open; a message over
//! [`WS_MAX_MESSAGE_BYTES`] ends *this* session with 1009, a flood beyond
//! [`WS_MAX_MESSAGES_PER_SECOND`] with 1008, and idleness past the state's idle timeout
//! with 1001.
//!
//! - this file: [`Sessions`] (the handlers' view), [`Handshake`], [`HARD_LIMIT_BYTES`],
//!   and the loop ([`run`], `ws_loop`'s shape with two more sources);
//! - `session/command.rs`: a message from the page — the size and flood caps, binary
//!   echo, then each [`protocol::ws::ClientMsg`] command and its in-band refusals;
//! - `session/ticker.rs`: the ticker (its settings' bounds, its pushes, its end);
//! - `session/ping.rs`: pings at the page's interval and the round trip of their pongs.

mod command;
mod ping;
mod ticker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use protocol::lab::HeaderLine;
use protocol::limits::WS_MAX_MESSAGE_BYTES;
use protocol::ws::{ServerMsg, WS_FLOOD_BURST, WS_MAX_MESSAGES_PER_SECOND, WsErrorCode};
use tokio::time::{Instant, Interval, MissedTickBehavior};

use crate::conn::record::ConnRecord;
use crate::quota::TokenBucket;
use crate::ws_loop::{self, End, WsLife};
use ticker::Ticker;

/// tungstenite's own ceiling (the route sets it on the upgrade), above our cap so that a
/// message between the two is still read and answered with a clean 1009 close; anything
/// larger fails inside tungstenite without being buffered whole.
pub(crate) const HARD_LIMIT_BYTES: usize = 4 * WS_MAX_MESSAGE_BYTES;

/// `/ws` sessions as handlers see them: the shared life of WebSocket loops plus session
/// ids.
#[derive(Debug, Clone)]
pub(crate) struct Sessions {
    pub(crate) life: WsLife,
    next: Arc<AtomicU64>,
}

impl Sessions {
    /// Sessions living by `life`, numbered from the shared counter `next`.
    pub(crate) fn new(life: WsLife, next: Arc<AtomicU64>) -> Self {
        Self { life, next }
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }
}

/// What the session knows of its own handshake (the route copies the headers), so it can
/// show the page the handshake for what it is: an HTTP request that became a WebSocket.
#[derive(Debug, Default)]
pub(crate) struct Handshake {
    pub(crate) request: Vec<HeaderLine>,
    /// Filled in once the `101` response exists (before the upgrade completes).
    pub(crate) response: OnceLock<Vec<HeaderLine>>,
}

/// What the loop should do after handling something.
enum Next {
    Continue,
    /// End as `ws_loop` says: `End::Close` sends a close frame, then waits for the page's
    /// reply; `End::Drop` ends the task without one (the TCP connection just drops).
    End(End),
}

impl Next {
    const DROP: Next = Next::End(End::Drop);

    fn close(code: u16, reason: String) -> Self {
        Next::End(End::Close(code, reason))
    }
}

struct Session {
    socket: WebSocket,
    ticker: Option<Ticker>,
    ping: Option<Interval>,
    /// Against floods: [`WS_FLOOD_BURST`] messages at once, then
    /// [`WS_MAX_MESSAGES_PER_SECOND`].
    flood: TokenBucket,
    last_message: Instant,
    started: Instant,
}

/// The session on an upgraded `/ws` socket, until it ends; `record` is its connection's
/// (absent without the connection layer).
pub(crate) async fn run(
    socket: WebSocket,
    sessions: Sessions,
    record: Option<Arc<ConnRecord>>,
    handshake: Arc<Handshake>,
) {
    let id = sessions.next_id();
    let life = sessions.life;
    tracing::debug!(session = id, "websocket open");
    let now = Instant::now();
    let mut s = Session {
        socket,
        ticker: None,
        ping: None,
        flood: TokenBucket::full(
            f64::from(WS_FLOOD_BURST),
            f64::from(WS_MAX_MESSAGES_PER_SECOND),
            now.into_std(),
        ),
        last_message: now,
        started: now,
    };
    let welcome = ServerMsg::Welcome {
        session: id,
        conn: record.as_ref().map(|r| r.id),
        max_message_bytes: WS_MAX_MESSAGE_BYTES as u64,
        subprotocol: s
            .socket
            .protocol()
            .and_then(|p| p.to_str().ok())
            .map(str::to_owned),
        request_headers: handshake.request.clone(),
        response_headers: handshake.response.get().cloned().unwrap_or_default(),
    };
    if s.send(&welcome).await.is_err() {
        return;
    }
    // The `ws_loop` shape, with a ticker and a ping interval as more sources.
    let idle = life.idle;
    let end = loop {
        let idle_at = s.last_message + idle;
        let next = tokio::select! {
            () = life.shutdown.cancelled() => Next::End(End::shutting_down()),
            () = tokio::time::sleep_until(idle_at), if s.ticker.is_none() => Next::End(End::idle(idle)),
            () = ticker::tick(&mut s.ticker) => s.push().await,
            () = ping::tick(&mut s.ping) => s.ping().await,
            incoming = s.socket.recv() => match incoming {
                Some(Ok(msg)) => s.handle(msg).await,
                Some(Err(err)) => {
                    tracing::debug!(session = id, %err, "websocket read error");
                    Next::End(End::read_error(err))
                }
                None => Next::DROP,
            },
        };
        match next {
            Next::Continue => {}
            Next::End(end) => break end,
        }
    };
    ws_loop::finish(&mut s.socket, end).await;
    tracing::debug!(session = id, "websocket closed");
}

/// An interval whose first tick is one `period` from now.
fn interval(period: Duration) -> Interval {
    let mut every = tokio::time::interval_at(Instant::now() + period, period);
    // A slow page delays the next message rather than getting a burst to catch up.
    every.set_missed_tick_behavior(MissedTickBehavior::Delay);
    every
}

impl Session {
    async fn send(&mut self, msg: &ServerMsg) -> Result<(), axum::Error> {
        // Serialising our own enum cannot fail (no maps with non-string keys, no NaN).
        let text = serde_json::to_string(msg).unwrap_or_default();
        self.socket.send(Message::Text(Utf8Bytes::from(text))).await
    }

    async fn send_or_drop(&mut self, msg: &ServerMsg) -> Next {
        match self.send(msg).await {
            Ok(()) => Next::Continue,
            Err(_) => Next::DROP,
        }
    }

    async fn refuse(&mut self, code: WsErrorCode, message: String) -> Next {
        self.send_or_drop(&ServerMsg::Error { code, message }).await
    }
}
