//! The plain echo WebSocket (`/ws/echo`), apart from HTTP: every text and binary message
//! goes back unchanged — no commands, no welcome, no accounting — so anyone can point their
//! own client (or the Autobahn TestSuite, `cargo xtask conformance`) at it.
//! `routes/echo_ws.rs` upgrades and calls [`run`].
//!
//! The caps are `/ws`'s: a message over [`WS_MAX_MESSAGE_BYTES`] ends the session with
//! 1009, a flood beyond [`WS_MAX_MESSAGES_PER_SECOND`] (after a burst of
//! [`WS_FLOOD_BURST`]) with 1008, no message for the idle timeout with 1001, shutdown with
//! 1001; a frame that breaks the protocol with 1002 or 1007 ([`End::read_error`]).
//! Fragmented messages are reassembled by tungstenite and echoed as one message; pings are
//! answered by tungstenite.

use axum::extract::ws::{Message, WebSocket};
use protocol::limits::WS_MAX_MESSAGE_BYTES;
use protocol::ws::{WS_FLOOD_BURST, WS_MAX_MESSAGES_PER_SECOND, close_code};
use tokio::time::Instant;

use crate::quota::TokenBucket;
use crate::ws_loop::{self, End, WsLife};

/// tungstenite's own ceiling (the route sets it on the upgrade): above our cap, as on
/// `/ws`, so a message between the two is read whole and refused with a clean 1009.
pub(crate) const HARD_LIMIT_BYTES: usize = 4 * WS_MAX_MESSAGE_BYTES;

/// Why a data message of `len` bytes is refused (code and reason), if it is.
fn check(len: usize, flood: &mut TokenBucket, now: Instant) -> Option<End> {
    if len > WS_MAX_MESSAGE_BYTES {
        return Some(End::Close(
            close_code::TOO_BIG,
            format!("message of {len} bytes exceeds {WS_MAX_MESSAGE_BYTES}"),
        ));
    }
    if flood.take(1.0, now.into_std()).is_err() {
        return Some(End::Close(
            close_code::POLICY,
            format!("more than {WS_MAX_MESSAGES_PER_SECOND} messages per second"),
        ));
    }
    None
}

/// The loop on an upgraded `/ws/echo` socket (`ws_loop`'s shape), until it ends.
pub(crate) async fn run(mut socket: WebSocket, life: WsLife) {
    let now = Instant::now();
    let mut flood = TokenBucket::full(
        f64::from(WS_FLOOD_BURST),
        f64::from(WS_MAX_MESSAGES_PER_SECOND),
        now.into_std(),
    );
    let mut idle_at = now + life.idle;
    let end = loop {
        let incoming = tokio::select! {
            () = life.shutdown.cancelled() => break End::shutting_down(),
            () = tokio::time::sleep_until(idle_at) => break End::idle(life.idle),
            incoming = socket.recv() => incoming,
        };
        let msg = match incoming {
            Some(Ok(msg @ (Message::Text(_) | Message::Binary(_)))) => msg,
            // tungstenite has queued its reply to the close; drain until the socket ends.
            Some(Ok(Message::Close(_))) => break End::Drain,
            // Pings are answered by tungstenite; unsolicited pongs need nothing.
            Some(Ok(_)) => continue,
            Some(Err(err)) => {
                tracing::debug!(%err, "echo websocket read error");
                break End::read_error(err);
            }
            None => break End::Drop,
        };
        let now = Instant::now();
        idle_at = now + life.idle;
        let len = match &msg {
            Message::Text(t) => t.len(),
            Message::Binary(b) => b.len(),
            _ => 0,
        };
        if let Some(end) = check(len, &mut flood, now) {
            break end;
        }
        if socket.send(msg).await.is_err() {
            break End::Drop;
        }
    };
    ws_loop::finish(&mut socket, end).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(end: Option<End>) -> Option<u16> {
        match end {
            Some(End::Close(code, _)) => Some(code),
            Some(other) => panic!("expected a close, got {other:?}"),
            None => None,
        }
    }

    #[test]
    fn the_size_cap_is_inclusive_and_the_flood_cap_counts_messages() {
        let start = Instant::now();
        let mut flood = TokenBucket::full(2.0, 1.0, start.into_std());
        assert_eq!(code(check(WS_MAX_MESSAGE_BYTES, &mut flood, start)), None);
        assert_eq!(
            code(check(WS_MAX_MESSAGE_BYTES + 1, &mut flood, start)),
            Some(close_code::TOO_BIG)
        );
        assert_eq!(code(check(0, &mut flood, start)), None);
        assert_eq!(code(check(0, &mut flood, start)), Some(close_code::POLICY));
    }
}
