//! The race's WebSocket echo, apart from HTTP: on an upgraded `/ws/race` socket, echo the
//! binary messages [`Echoes`] admits (at most the `n` the handshake paid for, each within
//! the race's payload cap); anything else ends the session with a close code that says
//! why. `routes/compare/race.rs` upgrades and calls [`run`].

use axum::extract::ws::{Message, WebSocket};
use protocol::compare::RACE_MAX_PAYLOAD_BYTES;
use protocol::ws::close_code;

use super::Echoes;
use crate::conn::tally::HoldGuard;
use crate::ws_loop::{self, End, WsLife};

/// tungstenite's own ceiling (the route sets it on the upgrade), above the race's payload
/// cap so an oversize message is still read and closed with 1009 by [`Echoes::admit`].
pub(crate) const HARD_LIMIT_BYTES: usize = RACE_MAX_PAYLOAD_BYTES as usize * 4;

/// The loop (`ws_loop`'s shape, its idle deadline a timeout on each read). `_hold` counts
/// the socket as held open in its run's tally until the loop ends.
pub(crate) async fn run(
    mut socket: WebSocket,
    life: WsLife,
    mut echoes: Echoes,
    _hold: Option<HoldGuard>,
) {
    let end = loop {
        let msg = tokio::select! {
            () = life.shutdown.cancelled() => break End::shutting_down(),
            msg = tokio::time::timeout(life.idle, socket.recv()) => msg,
        };
        match msg {
            Err(_) => break End::close(close_code::GOING_AWAY, "idle for too long"),
            Ok(None) => break End::Drop,
            Ok(Some(Err(err))) => break End::read_error(err),
            Ok(Some(Ok(Message::Binary(bytes)))) => {
                if let Err((code, reason)) = echoes.admit(bytes.len()) {
                    break End::close(code, reason);
                }
                if socket.send(Message::Binary(bytes)).await.is_err() {
                    break End::Drop;
                }
            }
            Ok(Some(Ok(Message::Text(_)))) => {
                break End::close(close_code::UNSUPPORTED, "binary messages only");
            }
            // tungstenite answers the close; drain until the socket ends.
            Ok(Some(Ok(Message::Close(_)))) => break End::Drain,
            Ok(Some(Ok(_))) => {}
        }
    };
    ws_loop::finish(&mut socket, end).await;
}
