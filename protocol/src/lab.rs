//! The HTTP lab endpoint `/api/lab`: parameters (with the bounds both ends check), and
//! what the server reports about each request it served.

use crate::named::named_enum;
use serde::{Deserialize, Serialize};

use crate::query::{Fields, QueryError, QueryString, Writer};

/// Path of the lab endpoint (`GET` or `POST`; a POST body is counted and thrown away).
pub const LAB_PATH: &str = "/api/lab";

named_enum! {
    /// A lab parameter. The page checks values against [`LabParam::bounds`] before sending;
    /// the server checks again and names the parameter in its 400 reply.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum LabParam {
        /// Bytes in the request body (POST only). Query name: none, it is the body itself.
        RequestBytes => "request_bytes",
        /// Bytes of padding in the response body. Query name `resp`.
        ResponseBytes => "response_bytes",
        /// Server processing delay in ms. Query name `delay`.
        DelayMs => "delay_ms",
        /// Requests in one run (the page's own setting).
        Count => "count",
        /// `1` (or `true`): the server answers with `Connection: close`. Query name `close`.
        Close => "close",
        /// Round trips per contender in one race (the page's own setting, `n`).
        RoundTrips => "round_trips",
        /// Bytes of payload each race round trip carries each way (`size`).
        PayloadBytes => "payload_bytes",
        /// Race requests in flight at once (`k`).
        InFlight => "in_flight",
        /// Events per second a live feed emits (`rate`).
        FeedRateHz => "feed_rate_hz",
        /// How long a live feed runs, in seconds (`secs`).
        FeedSeconds => "feed_seconds",
        /// Short-polling period in ms (the page's own setting, `poll`).
        PollMs => "poll_ms",
        /// Emulated round-trip time in ms (`rtt`, part of `emu`).
        RttMs => "rtt_ms",
        /// Emulated jitter in ms (`jitter`, part of `emu`).
        JitterMs => "jitter_ms",
        /// A run, feed or event number named in a query (`run`, `feed`, `after`).
        Id => "id",
    }
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

    /// The English message for a refused value, naming the parameter as the query does
    /// (the page shows its own translation, chosen by the problem).
    pub fn message(self, problem: ParamProblem) -> String {
        let (min, max) = self.bounds();
        let name = self.query_name();
        match problem {
            ParamProblem::NotANumber if self == LabParam::Close => {
                format!("`{name}` must be 0, 1, true or false")
            }
            ParamProblem::NotANumber => {
                format!("`{name}` must be a whole number from {min} to {max}")
            }
            ParamProblem::TooSmall => format!("`{name}` must be at least {min}"),
            ParamProblem::TooLarge => format!("`{name}` must be at most {max}"),
        }
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

/// Longest `n` tag the lab accepts, in bytes.
pub const LAB_MAX_TAG_BYTES: usize = 64;

/// The name of [`LabQuery`]'s free tag.
pub const TAG_PARAM: &str = "n";

/// The query of [`LAB_PATH`]: `resp` (response padding bytes), `delay` (server processing
/// ms), `close` (`1`: answer with `Connection: close`), and `n`, a free tag (at most
/// [`LAB_MAX_TAG_BYTES`]) the page uses to make each URL unique.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabQuery {
    pub resp: u64,
    pub delay_ms: u64,
    pub close: bool,
    pub tag: Option<String>,
}

impl LabQuery {
    /// The names [`QueryString::to_query`] writes, from the same constants.
    const KNOWN: &'static [&'static str] = &[
        LabParam::ResponseBytes.query_name(),
        LabParam::DelayMs.query_name(),
        LabParam::Close.query_name(),
        TAG_PARAM,
    ];
}

impl QueryString for LabQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put(LabParam::ResponseBytes.query_name(), self.resp)
            .put(LabParam::DelayMs.query_name(), self.delay_ms)
            .put(LabParam::Close.query_name(), u8::from(self.close))
            .put_some(TAG_PARAM, self.tag.as_deref())
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, Self::KNOWN)?;
        let tag = f.text(TAG_PARAM).map(str::to_owned);
        if tag.as_ref().is_some_and(|t| t.len() > LAB_MAX_TAG_BYTES) {
            return Err(QueryError::Invalid {
                name: TAG_PARAM,
                expected: "at most 64 bytes long",
            });
        }
        Ok(Self {
            resp: f.num(LabParam::ResponseBytes)?.unwrap_or(0),
            delay_ms: f.num(LabParam::DelayMs)?.unwrap_or(0),
            close: f.num(LabParam::Close)? == Some(1),
            tag,
        })
    }
}

const _: () = assert!(LAB_MAX_TAG_BYTES == 64, "update the message above");

/// Request headers that carry credentials. The labs show that one was sent and how long it
/// was, never its value: a lab reflects request headers to the page, and a page must not
/// read back a cookie or a token it could not read itself.
pub const CREDENTIAL_HEADERS: [&str; 3] = ["cookie", "authorization", "proxy-authorization"];

/// A header as the server received (or sent) it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderLine {
    /// Lower-case name.
    pub name: String,
    /// The value, lossily decoded as UTF-8; empty when redacted.
    pub value: String,
    /// For a credential header ([`CREDENTIAL_HEADERS`]): the length of the withheld value,
    /// in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted_bytes: Option<u64>,
}

impl HeaderLine {
    /// The line for header `name` with raw `value`, redacted if it is a credential.
    pub fn new(name: &str, value: &[u8]) -> Self {
        let name = name.to_ascii_lowercase();
        if CREDENTIAL_HEADERS.contains(&name.as_str()) {
            HeaderLine {
                name,
                value: String::new(),
                redacted_bytes: Some(value.len() as u64),
            }
        } else {
            HeaderLine {
                name,
                value: String::from_utf8_lossy(value).into_owned(),
                redacted_bytes: None,
            }
        }
    }
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

    #[test]
    fn every_written_name_is_accepted() {
        let q = LabQuery {
            resp: 10,
            delay_ms: 5,
            close: true,
            tag: Some("t".into()),
        };
        let text = q.to_query();
        let names: Vec<&str> = text
            .split('&')
            .map(|p| p.split_once('=').map_or(p, |(n, _)| n))
            .collect();
        assert_eq!(names, LabQuery::KNOWN, "{text}");
        assert_eq!(LabQuery::from_query(&text), Ok(q));
    }

    #[test]
    fn lab_query_round_trips_and_refuses() {
        let q = LabQuery {
            resp: 10,
            delay_ms: 5,
            close: true,
            tag: Some("3-7 x,y".into()),
        };
        assert_eq!(q.to_query(), "resp=10&delay=5&close=1&n=3-7%20x,y");
        assert_eq!(LabQuery::from_query(&q.to_query()), Ok(q));
        // Moved from the backend's former `routes/lab.rs` parser test.
        assert_eq!(LabQuery::from_query(""), Ok(LabQuery::default()));
        assert_eq!(
            LabQuery::from_query("resp=10&delay=5&close=1&n=abc"),
            Ok(LabQuery {
                resp: 10,
                delay_ms: 5,
                close: true,
                tag: Some("abc".into())
            })
        );
        let d = LabQuery::default();
        assert_eq!(LabQuery::from_query(&d.to_query()), Ok(d));
        assert!(
            LabQuery::from_query("resp=10&delay=5&close=true&n=abc")
                .unwrap()
                .close
        );
        assert_eq!(
            LabQuery::from_query("delay=-1"),
            Err(QueryError::Param {
                param: LabParam::DelayMs,
                problem: ParamProblem::TooSmall
            })
        );
        assert_eq!(
            LabQuery::from_query("delay=%2D1"),
            LabQuery::from_query("delay=-1")
        );
        assert!(matches!(
            LabQuery::from_query("dealy=5"),
            Err(QueryError::Unknown { .. })
        ));
        assert!(matches!(
            LabQuery::from_query(&format!("n={}", "x".repeat(65))),
            Err(QueryError::Invalid { name: "n", .. })
        ));
        assert_eq!(
            LabQuery::from_query("resp=1&resp=2"),
            Err(QueryError::Repeated("resp"))
        );
        assert!(matches!(
            LabQuery::from_query("n=%E3%81"),
            Err(QueryError::BadEscape(_))
        ));
    }

    #[test]
    fn credentials_are_redacted_to_their_length() {
        let c = super::HeaderLine::new("Cookie", b"session=s3cr3t");
        assert_eq!((c.name.as_str(), c.value.as_str()), ("cookie", ""));
        assert_eq!(c.redacted_bytes, Some(14));
        let a = super::HeaderLine::new("authorization", b"Bearer abc");
        assert_eq!((a.value.as_str(), a.redacted_bytes), ("", Some(10)));
        let u = super::HeaderLine::new("user-agent", b"x/1");
        assert_eq!((u.value.as_str(), u.redacted_bytes), ("x/1", None));
        // The wire omits the field for plain headers.
        let json = serde_json::to_string(&u).unwrap();
        assert!(!json.contains("redacted"), "{json}");
    }
}
