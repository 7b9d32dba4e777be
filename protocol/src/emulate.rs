//! The emulated network: a round-trip time and a jitter the server's connection layer adds
//! to one connection, asked for with `?emu=<rtt_ms>,<jitter_ms>` on a request.
//!
//! The model (documented in ARCHITECTURE.md, "Emulated network"): each direction's bytes
//! are held for half the round-trip time plus a uniform random jitter in `0..=jitter`,
//! never reordered; the first request on a new connection also waits one more round trip
//! (the TCP handshake). No loss, no bandwidth limit, no slow start.

use crate::lab::{LabParam, ParamProblem};
use crate::query::{self, QueryError};

/// Query parameter naming the emulated network for the connection the request arrives on.
pub const EMU_PARAM: &str = "emu";
/// Largest emulated round-trip time, in ms.
pub const MAX_RTT_MS: u64 = 2_000;
/// Largest emulated jitter, in ms.
pub const MAX_JITTER_MS: u64 = 500;

/// One connection's emulated network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetModel {
    /// Round-trip time added, in ms (half each way).
    pub rtt_ms: u32,
    /// Up to this much more, in ms, at random, on each direction's delay.
    pub jitter_ms: u32,
}

impl NetModel {
    /// No emulation: bytes move as fast as the real network lets them.
    pub const NONE: NetModel = NetModel {
        rtt_ms: 0,
        jitter_ms: 0,
    };

    /// True when the model adds nothing.
    pub fn is_none(self) -> bool {
        self == Self::NONE
    }

    /// The `emu` query value, e.g. `50,8`.
    pub fn to_param(self) -> String {
        format!("{},{}", self.rtt_ms, self.jitter_ms)
    }

    /// Parses an `emu` value; the error names the part at fault.
    pub fn parse(text: &str) -> Result<NetModel, (LabParam, ParamProblem)> {
        let (rtt, jitter) = text.split_once(',').unwrap_or((text, "0"));
        let rtt_ms = LabParam::RttMs
            .parse(rtt)
            .map_err(|p| (LabParam::RttMs, p))?;
        let jitter_ms = LabParam::JitterMs
            .parse(jitter)
            .map_err(|p| (LabParam::JitterMs, p))?;
        Ok(NetModel {
            rtt_ms: rtt_ms as u32,
            jitter_ms: jitter_ms as u32,
        })
    }

    /// [`NetModel::parse`] for a decoded `emu` query value, refused as a [`QueryError`].
    pub fn parse_value(value: &str) -> Result<NetModel, QueryError> {
        Self::parse(value).map_err(|(param, problem)| QueryError::Param { param, problem })
    }

    /// The model a request's query asks for, as the connection layer reads it before the
    /// request reaches a handler: [`NetModel::NONE`] when `emu` is absent or malformed (the
    /// endpoint's own decoder then refuses the malformed one with a 400).
    pub fn in_query(raw: &str) -> NetModel {
        // Run on every request head (`backend/src/conn/link.rs`).
        if !query::may_name(raw, EMU_PARAM) {
            return NetModel::NONE;
        }
        query::lookup(raw, EMU_PARAM)
            .and_then(|v| Self::parse(&v).ok())
            .unwrap_or(NetModel::NONE)
    }
}

/// A named network the page offers; [`Profile::Custom`] takes the typed values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    None,
    Lan,
    FourG,
    Intercontinental,
    Satellite,
    Custom,
}

impl Profile {
    /// Every profile, in the order the page lists them.
    pub const ALL: [Profile; 6] = [
        Profile::None,
        Profile::Lan,
        Profile::FourG,
        Profile::Intercontinental,
        Profile::Satellite,
        Profile::Custom,
    ];

    /// The model a named profile stands for (typical published figures, rounded);
    /// `None` for [`Profile::Custom`].
    pub const fn model(self) -> Option<NetModel> {
        let (rtt_ms, jitter_ms) = match self {
            Profile::None => (0, 0),
            Profile::Lan => (1, 0),
            Profile::FourG => (50, 8),
            Profile::Intercontinental => (150, 4),
            Profile::Satellite => (600, 30),
            Profile::Custom => return None,
        };
        Some(NetModel { rtt_ms, jitter_ms })
    }

    /// The name in the page's URL.
    pub const fn slug(self) -> &'static str {
        match self {
            Profile::None => "none",
            Profile::Lan => "lan",
            Profile::FourG => "4g",
            Profile::Intercontinental => "intercontinental",
            Profile::Satellite => "satellite",
            Profile::Custom => "custom",
        }
    }

    /// The profile with this URL name.
    pub fn from_slug(slug: &str) -> Option<Profile> {
        Self::ALL.into_iter().find(|p| p.slug() == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emu_values_round_trip_and_refuse_out_of_range() {
        let m = NetModel {
            rtt_ms: 50,
            jitter_ms: 8,
        };
        assert_eq!(m.to_param(), "50,8");
        assert_eq!(NetModel::parse("50,8"), Ok(m));
        assert_eq!(
            NetModel::parse("50"),
            Ok(NetModel {
                rtt_ms: 50,
                jitter_ms: 0
            })
        );
        assert_eq!(
            NetModel::parse("2001,0"),
            Err((LabParam::RttMs, ParamProblem::TooLarge))
        );
        assert_eq!(
            NetModel::parse("10,-1"),
            Err((LabParam::JitterMs, ParamProblem::TooSmall))
        );
        assert_eq!(
            NetModel::parse("x"),
            Err((LabParam::RttMs, ParamProblem::NotANumber))
        );
        assert_eq!(NetModel::in_query("run=1&emu=50%2C8"), m);
        assert_eq!(NetModel::in_query("emu=50,8&x=%zz"), m);
        assert_eq!(NetModel::in_query("emu=9999"), NetModel::NONE);
        assert_eq!(NetModel::in_query(""), NetModel::NONE);
        for p in Profile::ALL {
            assert_eq!(Profile::from_slug(p.slug()), Some(p));
            if let Some(m) = p.model() {
                assert!(u64::from(m.rtt_ms) <= MAX_RTT_MS);
                assert!(u64::from(m.jitter_ms) <= MAX_JITTER_MS);
            }
        }
    }
}
