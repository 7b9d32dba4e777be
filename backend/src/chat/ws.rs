//! The `/ws/chat` session: `ws_loop`'s shape with the room's subscription as a source
//! (`observe::run`'s rule: a lag becomes `Missed {count}`, never the end) and pings that
//! keep a listening member alive.
//!
//! The member is sent its welcome, then every room event after its own `joined`. What it
//! says goes through the room ([`super::rooms::Rooms::say`]); a refused message (too long,
//! blank, over the member's rate, not a [`ChatClientMsg`]) is answered in-band and the
//! session stays open. Frames beyond the flood cap ([`protocol::chat::CHAT_FRAMES_PER_SECOND`]
//! with the room's limits) close it with 1008, a message over
//! [`CHAT_MAX_FRAME_BYTES`] with 1009, a binary one with 1003, and no frame at all (not
//! even a pong) for the idle timeout with 1001. A close frame from the page is presence
//! "left"; every other end "dropped".

use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use protocol::chat::{
    CHAT_MAX_FRAME_BYTES, ChatClientMsg, ChatErrorCode, ChatServerMsg, Departure,
};
use protocol::close_code;
use tokio::time::Instant;

use super::fanout::Delivery;
use super::{ChatError, WsJoin};
use crate::clock::unix_us;
use crate::quota::TokenBucket;
use crate::ws_loop::{self, End, WsLife};

/// tungstenite's own ceiling, above [`CHAT_MAX_FRAME_BYTES`] so a message between the two
/// is read and refused with a clean 1009.
pub(crate) const HARD_LIMIT_BYTES: usize = 4 * CHAT_MAX_FRAME_BYTES;

/// The longest between two server pings: a browser answers them by itself, so a member
/// that only listens is not taken for gone.
const PING_EVERY: Duration = Duration::from_secs(30);

/// The session of a member who joined as `join` says, until it ends.
pub(crate) async fn run(mut socket: WebSocket, life: WsLife, join: WsJoin) {
    let WsJoin { joined, seat } = join;
    let limits = seat.rooms().limits();
    let since = joined.welcome.seq;
    let Some(mut sub) = joined.sub else {
        return;
    };
    let welcome = ChatServerMsg::Welcome {
        welcome: joined.welcome,
    };
    if send(&mut socket, &welcome).await.is_err() {
        seat.leave(Departure::Dropped).await;
        return;
    }
    let idle = life.idle;
    let every = (idle / 3).clamp(Duration::from_millis(50), PING_EVERY);
    let mut ping = tokio::time::interval_at(Instant::now() + every, every);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut heard = Instant::now();
    let mut frames = TokenBucket::full(
        4.0 * f64::from(limits.burst),
        4.0 * f64::from(limits.messages_per_second),
        heard.into_std(),
    );
    let (end, how) = loop {
        tokio::select! {
            () = life.shutdown.cancelled() => break (End::shutting_down(), Departure::Left),
            () = tokio::time::sleep_until(heard + idle) => break (End::idle(idle), Departure::Dropped),
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    break (End::Drop, Departure::Dropped);
                }
            }
            delivery = sub.recv() => {
                let msg = match delivery {
                    Delivery::Event(e) if e.seq() <= since => continue,
                    Delivery::Event(e) => ChatServerMsg::Event { event: (*e).clone() },
                    Delivery::Missed(count) => ChatServerMsg::Missed { count, at_us: unix_us() },
                    Delivery::Closed if seat.rooms().check().is_err() => {
                        break (unavailable(), Departure::Dropped)
                    }
                    Delivery::Closed => {
                        break (End::close(close_code::GOING_AWAY, "the room was closed"), Departure::Left)
                    }
                };
                if send(&mut socket, &msg).await.is_err() {
                    break (End::Drop, Departure::Dropped);
                }
            }
            incoming = socket.recv() => {
                let at_us = unix_us();
                heard = Instant::now();
                let text = match incoming {
                    Some(Ok(Message::Close(_))) => break (End::Drain, Departure::Left),
                    Some(Ok(msg)) if frames.take(1.0, heard.into_std()).is_err() => {
                        drop(msg);
                        let reason = format!(
                            "flood: more than {} frames per second",
                            4 * limits.messages_per_second
                        );
                        break (End::close(close_code::POLICY, &reason), Departure::Dropped);
                    }
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Binary(_))) => {
                        break (
                            End::close(close_code::UNSUPPORTED, "chat messages are JSON text"),
                            Departure::Dropped,
                        )
                    }
                    Some(Ok(_)) => continue, // pings and pongs: tungstenite answers
                    Some(Err(err)) => break (End::read_error(err), Departure::Dropped),
                    None => break (End::Drop, Departure::Dropped),
                };
                if text.len() > CHAT_MAX_FRAME_BYTES {
                    let reason = format!("message over {CHAT_MAX_FRAME_BYTES} bytes");
                    break (End::close(close_code::TOO_BIG, &reason), Departure::Dropped);
                }
                let refusal = match serde_json::from_str::<ChatClientMsg>(&text) {
                    Ok(ChatClientMsg::Say { text, client_seq }) => match seat
                        .rooms()
                        .say(seat.room(), seat.id(), &text, client_seq, at_us)
                        .await
                    {
                        Ok(_) => None,
                        Err(ChatError::Unavailable) => break (unavailable(), Departure::Dropped),
                        Err(e) => Some((code_of(&e), e.to_string())),
                    },
                    Err(e) => Some((ChatErrorCode::MalformedMessage, e.to_string())),
                };
                if let Some((code, message)) = refusal
                    && send(&mut socket, &ChatServerMsg::Error { code, message }).await.is_err()
                {
                    break (End::Drop, Departure::Dropped);
                }
            }
        }
    };
    // Announced before the closing handshake, so the others see it at once.
    seat.leave(how).await;
    ws_loop::finish(&mut socket, end).await;
}

/// The shared store (`--chat-redis`) cannot be reached: 1013, "try again later".
fn unavailable() -> End {
    End::close(
        close_code::TRY_AGAIN_LATER,
        "the chat's shared store is unreachable; join again later",
    )
}

/// The in-band code of a refused message.
fn code_of(e: &ChatError) -> ChatErrorCode {
    match e {
        ChatError::TooLong => ChatErrorCode::TooLong,
        ChatError::Empty => ChatErrorCode::Empty,
        ChatError::TooFast { .. } => ChatErrorCode::RateLimited,
        // The room and the member exist while the session does; nothing else refuses a
        // message.
        _ => ChatErrorCode::MalformedMessage,
    }
}

async fn send(socket: &mut WebSocket, msg: &ChatServerMsg) -> Result<(), axum::Error> {
    // Serialising our own enum cannot fail.
    let text = serde_json::to_string(msg).unwrap_or_default();
    socket.send(Message::Text(Utf8Bytes::from(text))).await
}
