//! One WebSocket session: a single task that reads the page's messages, pushes ticker
//! messages nobody asked for, pings at the page's chosen interval, and closes — cleanly
//! with a code and reason, or by dropping the TCP connection — when asked.
//!
//! Bad input never ends anyone else's session: a malformed command or an out-of-range
//! setting gets a [`ServerMsg::Error`] and the session stays open; a message over
//! [`WS_MAX_MESSAGE_BYTES`] ends *this* session with 1009, a flood beyond
//! [`WS_MAX_MESSAGES_PER_SECOND`] with 1008, and idleness past the state's idle timeout
//! with 1001.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use protocol::limits::WS_MAX_MESSAGE_BYTES;
use protocol::ws::{
    CLOSE_REASON_MAX_BYTES, ClientMsg, PING_MAX_INTERVAL_MS, PING_MIN_INTERVAL_MS, ServerMsg,
    TICKER_MAX_COUNT, TICKER_MAX_PAYLOAD_BYTES, TICKER_MAX_RATE_HZ, WS_FLOOD_BURST,
    WS_MAX_MESSAGES_PER_SECOND, WsErrorCode, close_code, frame_header_bytes,
};
use tokio::time::{Instant, Interval, MissedTickBehavior};

use super::Handshake;
use crate::clock::unix_us;
use crate::conn::record::ConnRecord;
use crate::quota::TokenBucket;
use crate::state::Sessions;
use crate::ws_loop::{self, End};

/// A running ticker.
struct Ticker {
    every: Interval,
    sent: u32,
    count: u32,
    payload: String,
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

pub(super) async fn run(
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
            () = tick(&mut s.ticker) => s.push().await,
            () = ping_tick(&mut s.ping) => s.ping().await,
            incoming = s.socket.recv() => match incoming {
                Some(Ok(msg)) => s.handle(msg).await,
                // Most often tungstenite refusing a message over WS_HARD_LIMIT_BYTES.
                Some(Err(err)) => {
                    tracing::debug!(session = id, %err, "websocket read error");
                    Next::close(close_code::TOO_BIG, "message too big or malformed frame".into())
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

/// Waits for the ticker's next tick; never resolves without a ticker.
async fn tick(ticker: &mut Option<Ticker>) {
    match ticker {
        Some(t) => {
            t.every.tick().await;
        }
        None => std::future::pending().await,
    }
}

async fn ping_tick(ping: &mut Option<Interval>) {
    match ping {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}

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

    /// Takes one token from the flood bucket; false when the page sends too fast.
    fn within_rate(&mut self) -> bool {
        self.flood.take(1.0, std::time::Instant::now()).is_ok()
    }

    async fn handle(&mut self, msg: Message) -> Next {
        let received = unix_us();
        let (len, data) = match &msg {
            Message::Text(t) => (t.len(), true),
            Message::Binary(b) => (b.len(), true),
            Message::Pong(p) => {
                return self.pong(p).await;
            }
            // tungstenite answers pings itself and has queued its reply to a close; it
            // goes out on the next read, which then ends the stream. Returning here
            // would drop the socket before the reply and the page would see 1006.
            Message::Ping(_) | Message::Close(_) => (0, false),
        };
        if !data {
            return Next::Continue;
        }
        self.last_message = Instant::now();
        if len > WS_MAX_MESSAGE_BYTES {
            return Next::close(
                close_code::TOO_BIG,
                format!("message of {len} bytes exceeds {WS_MAX_MESSAGE_BYTES}"),
            );
        }
        if !self.within_rate() {
            return Next::close(
                close_code::POLICY,
                format!("more than {WS_MAX_MESSAGES_PER_SECOND} messages per second"),
            );
        }
        // Browsers send each message as one unfragmented frame: its size on the wire is
        // the payload plus a header computed per RFC 6455 (masked, page → server).
        let frame_bytes = len as u64 + frame_header_bytes(len as u64, true);
        match msg {
            Message::Text(text) => match serde_json::from_str::<ClientMsg>(&text) {
                Ok(cmd) => self.command(cmd, received, frame_bytes).await,
                Err(err) => {
                    self.refuse(WsErrorCode::MalformedMessage, err.to_string())
                        .await
                }
            },
            Message::Binary(bytes) => {
                let note = ServerMsg::BinaryReceived {
                    payload_bytes: bytes.len() as u64,
                    frame_bytes,
                };
                if let Next::End(end) = self.send_or_drop(&note).await {
                    return Next::End(end);
                }
                match self.socket.send(Message::Binary(bytes)).await {
                    Ok(()) => Next::Continue,
                    Err(_) => Next::DROP,
                }
            }
            _ => Next::Continue,
        }
    }

    async fn command(&mut self, cmd: ClientMsg, received: u64, frame_bytes: u64) -> Next {
        match cmd {
            ClientMsg::Echo { seq, payload } => {
                let reply = ServerMsg::Echo {
                    seq,
                    payload_bytes: payload.len() as u64,
                    payload,
                    server_received_unix_us: received,
                    frame_bytes,
                };
                self.send_or_drop(&reply).await
            }
            ClientMsg::Clock { seq } => {
                let reply = ServerMsg::Clock {
                    seq,
                    server_received_unix_us: received,
                    server_sent_unix_us: unix_us(),
                };
                self.send_or_drop(&reply).await
            }
            ClientMsg::StartTicker {
                rate_hz,
                count,
                payload_bytes,
            } => {
                let problem = if !(1..=TICKER_MAX_RATE_HZ).contains(&rate_hz) {
                    Some(format!("rate_hz must be 1 to {TICKER_MAX_RATE_HZ}"))
                } else if !(1..=TICKER_MAX_COUNT).contains(&count) {
                    Some(format!("count must be 1 to {TICKER_MAX_COUNT}"))
                } else if payload_bytes > TICKER_MAX_PAYLOAD_BYTES {
                    Some(format!(
                        "payload_bytes must be at most {TICKER_MAX_PAYLOAD_BYTES}"
                    ))
                } else {
                    None
                };
                if let Some(message) = problem {
                    return self.refuse(WsErrorCode::OutOfRange, message).await;
                }
                self.ticker = Some(Ticker {
                    every: interval(Duration::from_secs_f64(1.0 / f64::from(rate_hz))),
                    sent: 0,
                    count,
                    payload: "x".repeat(payload_bytes as usize),
                });
                Next::Continue
            }
            ClientMsg::StopTicker => match self.ticker.take() {
                Some(t) => {
                    self.send_or_drop(&ServerMsg::TickerDone {
                        sent: t.sent,
                        stopped: true,
                    })
                    .await
                }
                None => Next::Continue,
            },
            ClientMsg::SetPing { interval_ms } => {
                if interval_ms == 0 {
                    self.ping = None;
                    return Next::Continue;
                }
                if !(PING_MIN_INTERVAL_MS..=PING_MAX_INTERVAL_MS).contains(&interval_ms) {
                    let message = format!(
                        "interval_ms must be 0 (off) or {PING_MIN_INTERVAL_MS} to {PING_MAX_INTERVAL_MS}"
                    );
                    return self.refuse(WsErrorCode::OutOfRange, message).await;
                }
                self.ping = Some(interval(Duration::from_millis(u64::from(interval_ms))));
                Next::Continue
            }
            ClientMsg::CloseMe { code, reason } => {
                if !close_code::allowed_from_page(code) {
                    let message = "code must be 1000 or 3000 to 4999".to_owned();
                    return self.refuse(WsErrorCode::OutOfRange, message).await;
                }
                if reason.len() > CLOSE_REASON_MAX_BYTES {
                    let message = format!("reason must be at most {CLOSE_REASON_MAX_BYTES} bytes");
                    return self.refuse(WsErrorCode::OutOfRange, message).await;
                }
                Next::close(code, reason)
            }
            ClientMsg::Drop => Next::DROP,
        }
    }

    async fn push(&mut self) -> Next {
        let Some(t) = self.ticker.as_mut() else {
            return Next::Continue;
        };
        t.sent += 1;
        let msg = ServerMsg::Push {
            n: t.sent,
            count: t.count,
            sent_unix_us: unix_us(),
            payload: t.payload.clone(),
        };
        let done = t.sent >= t.count;
        let sent = t.sent;
        if let Next::End(end) = self.send_or_drop(&msg).await {
            return Next::End(end);
        }
        if done {
            self.ticker = None;
            return self
                .send_or_drop(&ServerMsg::TickerDone {
                    sent,
                    stopped: false,
                })
                .await;
        }
        Next::Continue
    }

    /// Sends a ping carrying the µs since the session started, to time its pong.
    async fn ping(&mut self) -> Next {
        let at = self.started.elapsed().as_micros() as u64;
        match self
            .socket
            .send(Message::Ping(at.to_be_bytes().to_vec().into()))
            .await
        {
            Ok(()) => Next::Continue,
            Err(_) => Next::DROP,
        }
    }

    async fn pong(&mut self, payload: &[u8]) -> Next {
        let Ok(bytes) = <[u8; 8]>::try_from(payload) else {
            // Unsolicited pongs are allowed (RFC 6455 §5.5.3) and mean nothing here.
            return Next::Continue;
        };
        let sent = u64::from_be_bytes(bytes);
        let now = self.started.elapsed().as_micros() as u64;
        let rtt_us = now.saturating_sub(sent);
        self.send_or_drop(&ServerMsg::PingRtt { rtt_us }).await
    }
}
