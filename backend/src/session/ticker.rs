//! The `/ws` session's ticker: messages nobody asked for, `count` of them at `rate_hz`,
//! each carrying its send time and `payload_bytes` of filler, then `TickerDone`. Its
//! settings are checked against `protocol::ws`'s bounds; a bad one is refused in-band.

use std::time::Duration;

use protocol::ws::{
    ServerMsg, TICKER_MAX_COUNT, TICKER_MAX_PAYLOAD_BYTES, TICKER_MAX_RATE_HZ, WsErrorCode,
};
use tokio::time::Interval;

use super::{Next, Session, interval};
use crate::clock::unix_us;

/// A running ticker.
pub(super) struct Ticker {
    every: Interval,
    sent: u32,
    count: u32,
    payload: String,
}

/// Why these ticker settings are refused (`out_of_range`), if they are.
fn check(rate_hz: u32, count: u32, payload_bytes: u32) -> Option<String> {
    if !(1..=TICKER_MAX_RATE_HZ).contains(&rate_hz) {
        Some(format!("rate_hz must be 1 to {TICKER_MAX_RATE_HZ}"))
    } else if !(1..=TICKER_MAX_COUNT).contains(&count) {
        Some(format!("count must be 1 to {TICKER_MAX_COUNT}"))
    } else if payload_bytes > TICKER_MAX_PAYLOAD_BYTES {
        Some(format!(
            "payload_bytes must be at most {TICKER_MAX_PAYLOAD_BYTES}"
        ))
    } else {
        None
    }
}

/// Waits for the ticker's next tick; never resolves without a ticker.
pub(super) async fn tick(ticker: &mut Option<Ticker>) {
    match ticker {
        Some(t) => {
            t.every.tick().await;
        }
        None => std::future::pending().await,
    }
}

impl Session {
    /// `StartTicker`: replaces any running ticker, or refuses the settings.
    pub(super) async fn start_ticker(
        &mut self,
        rate_hz: u32,
        count: u32,
        payload_bytes: u32,
    ) -> Next {
        if let Some(message) = check(rate_hz, count, payload_bytes) {
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

    /// `StopTicker`: `TickerDone { stopped: true }` if one was running.
    pub(super) async fn stop_ticker(&mut self) -> Next {
        match self.ticker.take() {
            Some(t) => {
                self.send_or_drop(&ServerMsg::TickerDone {
                    sent: t.sent,
                    stopped: true,
                })
                .await
            }
            None => Next::Continue,
        }
    }

    /// One tick: the next push, and `TickerDone` after the last.
    pub(super) async fn push(&mut self) -> Next {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_within_bounds_pass_and_each_bound_is_named() {
        assert_eq!(check(1, 1, 0), None);
        assert_eq!(
            check(
                TICKER_MAX_RATE_HZ,
                TICKER_MAX_COUNT,
                TICKER_MAX_PAYLOAD_BYTES
            ),
            None
        );
        let rate = format!("rate_hz must be 1 to {TICKER_MAX_RATE_HZ}");
        assert_eq!(check(0, 1, 0), Some(rate.clone()));
        assert_eq!(check(TICKER_MAX_RATE_HZ + 1, 0, 0), Some(rate));
        let count = format!("count must be 1 to {TICKER_MAX_COUNT}");
        assert_eq!(check(1, 0, 0), Some(count.clone()));
        assert_eq!(check(1, TICKER_MAX_COUNT + 1, 0), Some(count));
        assert_eq!(
            check(1, 1, TICKER_MAX_PAYLOAD_BYTES + 1),
            Some(format!(
                "payload_bytes must be at most {TICKER_MAX_PAYLOAD_BYTES}"
            ))
        );
    }
}
