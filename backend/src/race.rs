//! The round-trip race's rules, apart from HTTP: every round trip takes one token of the
//! client's per-minute race quota (a WebSocket takes its `n` at the handshake, so it is
//! refused before upgrading), a payload is at most `RACE_MAX_PAYLOAD_BYTES` each way, and
//! a WebSocket echoes at most the `n` round trips it announced. The WebSocket's echo loop
//! is `race/ws.rs`.

pub(crate) mod ws;

use std::sync::Arc;

use protocol::close_code;
use protocol::compare::RACE_MAX_PAYLOAD_BYTES;

use crate::quota::{self, Quota, RateLimited, Who};

/// Why a race request was refused. No text of its own: the words are `AppError`'s (the
/// one place a refusal is worded), which each variant converts into.
#[derive(Debug)]
pub(crate) enum RaceError {
    PayloadTooLarge,
    RateLimited(RateLimited),
}

impl From<RateLimited> for RaceError {
    fn from(r: RateLimited) -> Self {
        Self::RateLimited(r)
    }
}

/// The race as handlers see it: the round-trip quota.
#[derive(Debug, Clone)]
pub(crate) struct Race {
    round_trips: Arc<Quota>,
}

impl Race {
    pub(crate) fn new(clients_per_address: u64) -> Self {
        Self {
            round_trips: Arc::new(quota::race_round_trips(clients_per_address)),
        }
    }

    /// One HTTP round trip of `payload_bytes` for `who`.
    pub(crate) fn round_trip(&self, who: &Who, payload_bytes: u64) -> Result<(), RaceError> {
        if payload_bytes > RACE_MAX_PAYLOAD_BYTES {
            return Err(RaceError::PayloadTooLarge);
        }
        Ok(self.round_trips.take(who, 1)?)
    }

    /// A WebSocket of `n` round trips for `who`: takes them all now.
    pub(crate) fn socket(&self, who: &Who, n: u64) -> Result<Echoes, RaceError> {
        self.round_trips.take(who, n)?;
        Ok(Echoes { n, echoed: 0 })
    }
}

/// A race WebSocket's count of echoes against the `n` it announced.
#[derive(Debug)]
pub(crate) struct Echoes {
    n: u64,
    echoed: u64,
}

impl Echoes {
    /// Whether a binary message of `len` bytes may be echoed; else the close code and
    /// reason that end the socket.
    pub(crate) fn admit(&mut self, len: usize) -> Result<(), (u16, &'static str)> {
        if len as u64 > RACE_MAX_PAYLOAD_BYTES {
            return Err((close_code::TOO_BIG, "payload over the race limit"));
        }
        if self.echoed == self.n {
            return Err((close_code::POLICY, "more round trips than n"));
        }
        self.echoed += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_echoes_n_then_refuses() {
        let race = Race::new(1);
        let k = Who {
            key: "k".into(),
            ip: None,
        };
        let mut e = race.socket(&k, 2).unwrap();
        assert!(e.admit(10).is_ok());
        assert_eq!(
            e.admit(RACE_MAX_PAYLOAD_BYTES as usize + 1),
            Err((close_code::TOO_BIG, "payload over the race limit"))
        );
        assert!(e.admit(10).is_ok());
        assert_eq!(
            e.admit(10),
            Err((close_code::POLICY, "more round trips than n"))
        );
        assert!(matches!(
            race.round_trip(&k, RACE_MAX_PAYLOAD_BYTES + 1),
            Err(RaceError::PayloadTooLarge)
        ));
    }
}
