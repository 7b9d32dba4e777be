//! A message from the page to the `/ws` session: data messages reset the idle deadline and
//! meet the size cap (1009) and the flood cap (1008) first; binary is echoed after a
//! `BinaryReceived` note; text is a [`ClientMsg`] command (malformed → in-band
//! `malformed_message`), each answered here or handed to the ticker or the pings.

use axum::extract::ws::Message;
use protocol::limits::WS_MAX_MESSAGE_BYTES;
use protocol::ws::{
    CLOSE_REASON_MAX_BYTES, ClientMsg, ServerMsg, WS_MAX_MESSAGES_PER_SECOND, WsErrorCode,
    close_code, frame_header_bytes,
};
use tokio::time::Instant;

use super::{Next, Session};
use crate::clock::unix_us;

/// Why a `CloseMe` is refused (`out_of_range`), if it is.
fn check_close(code: u16, reason: &str) -> Option<String> {
    if !close_code::allowed_from_page(code) {
        return Some("code must be 1000 or 3000 to 4999".to_owned());
    }
    if reason.len() > CLOSE_REASON_MAX_BYTES {
        return Some(format!(
            "reason must be at most {CLOSE_REASON_MAX_BYTES} bytes"
        ));
    }
    None
}

impl Session {
    /// Takes one token from the flood bucket; false when the page sends too fast. Tokio's
    /// clock, as the bucket was made with (`session::run`).
    fn within_rate(&mut self) -> bool {
        self.flood.take(1.0, Instant::now().into_std()).is_ok()
    }

    /// One message read from the socket.
    pub(super) async fn handle(&mut self, msg: Message) -> Next {
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
            } => self.start_ticker(rate_hz, count, payload_bytes).await,
            ClientMsg::StopTicker => self.stop_ticker().await,
            ClientMsg::SetPing { interval_ms } => self.set_ping(interval_ms).await,
            ClientMsg::CloseMe { code, reason } => match check_close(code, &reason) {
                Some(message) => self.refuse(WsErrorCode::OutOfRange, message).await,
                None => Next::close(code, reason),
            },
            ClientMsg::Drop => Next::DROP,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_me_takes_page_codes_and_short_reasons_only() {
        assert_eq!(check_close(close_code::NORMAL, ""), None);
        assert_eq!(check_close(3000, "bye"), None);
        assert_eq!(check_close(4999, &"r".repeat(CLOSE_REASON_MAX_BYTES)), None);
        let code = Some("code must be 1000 or 3000 to 4999".to_owned());
        for bad in [0, 999, 1001, 1006, 2999, 5000] {
            assert_eq!(check_close(bad, ""), code, "code {bad}");
        }
        // The code is checked before the reason.
        assert_eq!(check_close(1001, &"r".repeat(500)), code);
        assert_eq!(
            check_close(4000, &"r".repeat(CLOSE_REASON_MAX_BYTES + 1)),
            Some(format!(
                "reason must be at most {CLOSE_REASON_MAX_BYTES} bytes"
            ))
        );
    }
}
