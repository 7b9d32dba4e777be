//! The HTTP lab endpoint `/api/lab`: parameters (with the bounds both ends check), and
//! what the server reports about each request it served.

use serde::{Deserialize, Serialize};

/// Path of the lab endpoint (`GET` or `POST`; a POST body is counted and thrown away).
pub const LAB_PATH: &str = "/api/lab";

/// A lab parameter. The page checks values against [`LabParam::bounds`] before sending;
/// the server checks again and names the parameter in its 400 reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabParam {
    /// Bytes in the request body (POST only). Query name: none, it is the body itself.
    RequestBytes,
    /// Bytes of padding in the response body. Query name `resp`.
    ResponseBytes,
    /// Server processing delay in ms. Query name `delay`.
    DelayMs,
    /// Requests in one run (the page's own setting).
    Count,
    /// `1` (or `true`): the server answers with `Connection: close`. Query name `close`.
    Close,
    /// Round trips per contender in one race (the page's own setting, `n`).
    RoundTrips,
    /// Bytes of payload each race round trip carries each way (`size`).
    PayloadBytes,
    /// Race requests in flight at once (`k`).
    InFlight,
    /// Events per second a live feed emits (`rate`).
    FeedRateHz,
    /// How long a live feed runs, in seconds (`secs`).
    FeedSeconds,
    /// Short-polling period in ms (the page's own setting, `poll`).
    PollMs,
    /// Emulated round-trip time in ms (`rtt`, part of `emu`).
    RttMs,
    /// Emulated jitter in ms (`jitter`, part of `emu`).
    JitterMs,
    /// A run, feed or event number named in a query (`run`, `feed`, `after`).
    Id,
}

/// Why a parameter value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamProblem {
    /// Not a whole decimal number (or not `0`/`1`/`true`/`false` for a switch).
    NotANumber,
    /// Below the minimum.
    TooSmall,
    /// Above the maximum.
    TooLarge,
}

impl LabParam {
    /// Inclusive bounds of a numeric parameter.
    pub const fn bounds(self) -> (u64, u64) {
        match self {
            LabParam::RequestBytes => (0, LAB_MAX_REQUEST_BYTES),
            LabParam::ResponseBytes => (0, LAB_MAX_RESPONSE_BYTES),
            LabParam::DelayMs => (0, LAB_MAX_DELAY_MS),
            LabParam::Count => (1, LAB_MAX_COUNT),
            LabParam::Close => (0, 1),
            LabParam::RoundTrips => (1, crate::compare::RACE_MAX_ROUND_TRIPS),
            LabParam::PayloadBytes => (0, crate::compare::RACE_MAX_PAYLOAD_BYTES),
            LabParam::InFlight => (1, crate::compare::RACE_MAX_IN_FLIGHT),
            LabParam::FeedRateHz => (1, crate::compare::FEED_MAX_RATE_HZ),
            LabParam::FeedSeconds => (1, crate::compare::FEED_MAX_SECONDS),
            LabParam::PollMs => (crate::compare::POLL_MIN_MS, crate::compare::POLL_MAX_MS),
            LabParam::RttMs => (0, crate::emulate::MAX_RTT_MS),
            LabParam::JitterMs => (0, crate::emulate::MAX_JITTER_MS),
            LabParam::Id => (0, u64::MAX),
        }
    }

    /// The name in the query string.
    pub const fn query_name(self) -> &'static str {
        match self {
            LabParam::RequestBytes => "req",
            LabParam::ResponseBytes => "resp",
            LabParam::DelayMs => "delay",
            LabParam::Count => "count",
            LabParam::Close => "close",
            LabParam::RoundTrips => "n",
            LabParam::PayloadBytes => "size",
            LabParam::InFlight => "k",
            LabParam::FeedRateHz => "rate",
            LabParam::FeedSeconds => "secs",
            LabParam::PollMs => "poll",
            LabParam::RttMs => "rtt",
            LabParam::JitterMs => "jitter",
            LabParam::Id => "id",
        }
    }

    /// Parses a value as typed by a person: surrounding spaces are allowed, signs,
    /// fractions, exponents and digits beyond `u64` are not.
    pub fn parse(self, text: &str) -> Result<u64, ParamProblem> {
        if self == LabParam::Close {
            return match text.trim() {
                "1" | "true" => Ok(1),
                "0" | "false" | "" => Ok(0),
                _ => Err(ParamProblem::NotANumber),
            };
        }
        let (min, max) = self.bounds();
        parse_bounded(text, min, max)
    }
}

/// Parses a whole number typed by a person and checks it lies in `min..=max`: surrounding
/// spaces are allowed; signs, fractions, exponents and digits beyond `u64` are not.
pub fn parse_bounded(text: &str, min: u64, max: u64) -> Result<u64, ParamProblem> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('-') {
        // "-5" is a number, just a negative one: say so rather than "not a number".
        if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParamProblem::TooSmall);
        }
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParamProblem::NotANumber);
    }
    // All digits: the only failure left is overflow, which is "too large".
    let value: u64 = text.parse().map_err(|_| ParamProblem::TooLarge)?;
    if value < min {
        Err(ParamProblem::TooSmall)
    } else if value > max {
        Err(ParamProblem::TooLarge)
    } else {
        Ok(value)
    }
}

/// Largest lab request body, in bytes.
pub const LAB_MAX_REQUEST_BYTES: u64 = 1024 * 1024;
/// Largest lab response padding, in bytes.
pub const LAB_MAX_RESPONSE_BYTES: u64 = 1024 * 1024;
/// Longest server processing delay, in ms.
pub const LAB_MAX_DELAY_MS: u64 = 10_000;
/// Most requests in one lab run.
pub const LAB_MAX_COUNT: u64 = 100;
/// Lab requests one client may make per minute (a token bucket: this many at once, refilled
/// evenly over a minute). Above it the server answers 429.
pub const LAB_REQUESTS_PER_MINUTE: u64 = 600;
/// Response padding one client may ask for per minute, in bytes (also a token bucket).
pub const LAB_RESPONSE_BYTES_PER_MINUTE: u64 = 64 * 1024 * 1024;

/// A request header as the server received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderLine {
    pub name: String,
    pub value: String,
}

/// The body of a `200` from `/api/lab`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabReply {
    /// The TCP connection that carried the request; `None` when the server runs without
    /// its connection layer (in-process tests).
    pub conn: Option<u64>,
    /// This request's number on that connection, from 1 (1 = the connection is new).
    pub request_on_conn: u32,
    /// The server sent `Connection: close` and closes the connection after this response.
    pub close: bool,
    /// Bytes of request body the server read.
    pub request_body_bytes: u64,
    /// The processing delay the server waited, in ms (also in `Server-Timing`).
    pub delay_ms: u64,
    /// Request headers in the order the server received them.
    pub request_headers: Vec<HeaderLine>,
    /// `resp` bytes of filler, so the response body has the asked-for size.
    pub padding: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_bounds_and_refuses_the_rest() {
        let p = LabParam::DelayMs;
        assert_eq!(p.parse("0"), Ok(0));
        assert_eq!(p.parse(" 250 "), Ok(250));
        assert_eq!(p.parse("10000"), Ok(10_000));
        assert_eq!(p.parse("10001"), Err(ParamProblem::TooLarge));
        assert_eq!(p.parse("-5"), Err(ParamProblem::TooSmall));
        assert_eq!(p.parse("abc"), Err(ParamProblem::NotANumber));
        assert_eq!(p.parse("1.5"), Err(ParamProblem::NotANumber));
        assert_eq!(p.parse("1e3"), Err(ParamProblem::NotANumber));
        assert_eq!(p.parse(""), Err(ParamProblem::NotANumber));
        assert_eq!(p.parse("-"), Err(ParamProblem::NotANumber));
        assert_eq!(
            p.parse("99999999999999999999999"),
            Err(ParamProblem::TooLarge)
        );
        assert_eq!(LabParam::Count.parse("0"), Err(ParamProblem::TooSmall));
        assert_eq!(LabParam::Close.parse("true"), Ok(1));
        assert_eq!(LabParam::Close.parse("yes"), Err(ParamProblem::NotANumber));
    }
}
