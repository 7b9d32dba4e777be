//! The `/ws` session's pings: one every `interval_ms` the page chose (0: none), each
//! carrying the µs since the session started, so its pong tells the round trip
//! (`PingRtt`). tungstenite answers the page's own pings; unsolicited pongs mean nothing.

use std::time::Duration;

use axum::extract::ws::Message;
use protocol::ws::{PING_MAX_INTERVAL_MS, PING_MIN_INTERVAL_MS, ServerMsg, WsErrorCode};
use tokio::time::Interval;

use super::{Next, Session, interval};

/// The ping period `interval_ms` asks for (`None`: off), or why it is refused.
fn period(interval_ms: u32) -> Result<Option<Duration>, String> {
    if interval_ms == 0 {
        return Ok(None);
    }
    if !(PING_MIN_INTERVAL_MS..=PING_MAX_INTERVAL_MS).contains(&interval_ms) {
        return Err(format!(
            "interval_ms must be 0 (off) or {PING_MIN_INTERVAL_MS} to {PING_MAX_INTERVAL_MS}"
        ));
    }
    Ok(Some(Duration::from_millis(u64::from(interval_ms))))
}

/// The round trip a pong of `payload` tells at `now_us` (µs since the session started),
/// or `None` when it answers no ping of ours.
fn rtt_us(payload: &[u8], now_us: u64) -> Option<u64> {
    let sent = u64::from_be_bytes(<[u8; 8]>::try_from(payload).ok()?);
    Some(now_us.saturating_sub(sent))
}

/// Waits for the next ping; never resolves while pings are off.
pub(super) async fn tick(ping: &mut Option<Interval>) {
    match ping {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}

impl Session {
    /// `SetPing`: a new interval, off, or an in-band refusal.
    pub(super) async fn set_ping(&mut self, interval_ms: u32) -> Next {
        match period(interval_ms) {
            Ok(every) => {
                self.ping = every.map(interval);
                Next::Continue
            }
            Err(message) => self.refuse(WsErrorCode::OutOfRange, message).await,
        }
    }

    /// Sends a ping carrying the µs since the session started, to time its pong.
    pub(super) async fn ping(&mut self) -> Next {
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

    pub(super) async fn pong(&mut self, payload: &[u8]) -> Next {
        let now = self.started.elapsed().as_micros() as u64;
        // Unsolicited pongs are allowed (RFC 6455 §5.5.3) and mean nothing here.
        let Some(rtt_us) = rtt_us(payload, now) else {
            return Next::Continue;
        };
        self.send_or_drop(&ServerMsg::PingRtt { rtt_us }).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_off_and_only_the_bounds_are_taken() {
        assert_eq!(period(0), Ok(None));
        for ms in [PING_MIN_INTERVAL_MS, PING_MAX_INTERVAL_MS] {
            assert_eq!(period(ms), Ok(Some(Duration::from_millis(u64::from(ms)))));
        }
        let refused = format!(
            "interval_ms must be 0 (off) or {PING_MIN_INTERVAL_MS} to {PING_MAX_INTERVAL_MS}"
        );
        assert_eq!(period(PING_MIN_INTERVAL_MS - 1), Err(refused.clone()));
        assert_eq!(period(PING_MAX_INTERVAL_MS + 1), Err(refused));
    }

    #[test]
    fn a_pong_times_its_own_ping_only() {
        assert_eq!(rtt_us(&1_000u64.to_be_bytes(), 1_250), Some(250));
        // A clock that seems to go back gives 0, never a wrap.
        assert_eq!(rtt_us(&2_000u64.to_be_bytes(), 1_000), Some(0));
        assert_eq!(rtt_us(b"", 5), None);
        assert_eq!(rtt_us(b"seven b", 5), None);
    }
}
