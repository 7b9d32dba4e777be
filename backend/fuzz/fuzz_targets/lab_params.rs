//! The lab parameters: every `LabParam`'s number parser, checked against a plain
//! reference (trim; a `-` before digits is too small; anything but digits is not a number;
//! digits beyond `u64` are too large; then the bounds), and the lab endpoint's query
//! (`LabQuery`), whose decoded values lie within their bounds and re-encode to the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::lab::{LAB_MAX_TAG_BYTES, LabParam, LabQuery, ParamProblem, parse_bounded};
use protocol::query::QueryString;

const ALL: [LabParam; 14] = [
    LabParam::RequestBytes,
    LabParam::ResponseBytes,
    LabParam::DelayMs,
    LabParam::Count,
    LabParam::Close,
    LabParam::RoundTrips,
    LabParam::PayloadBytes,
    LabParam::InFlight,
    LabParam::FeedRateHz,
    LabParam::FeedSeconds,
    LabParam::PollMs,
    LabParam::RttMs,
    LabParam::JitterMs,
    LabParam::Id,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for param in ALL {
        let got = param.parse(text);
        let (min, max) = param.bounds();
        if param == LabParam::Close {
            let want = match text.trim() {
                "1" | "true" => Ok(1),
                "0" | "false" | "" => Ok(0),
                _ => Err(ParamProblem::NotANumber),
            };
            assert_eq!(got, want, "{text:?}");
        } else {
            assert_eq!(got, reference(text, min, max), "{param:?} {text:?}");
            assert_eq!(got, parse_bounded(text, min, max));
        }
        match got {
            Ok(v) => {
                assert!((min..=max).contains(&v), "{param:?} {text:?} → {v}");
                assert_eq!(param.parse(&v.to_string()), Ok(v));
            }
            Err(problem) => {
                let message = param.message(problem);
                assert!(message.contains(param.query_name()), "{message}");
            }
        }
    }
    // The lab's own query.
    if let Ok(q) = LabQuery::from_query(text) {
        assert!(q.resp <= LabParam::ResponseBytes.bounds().1, "{text:?}");
        assert!(q.delay_ms <= LabParam::DelayMs.bounds().1, "{text:?}");
        assert!(q.tag.as_ref().is_none_or(|t| t.len() <= LAB_MAX_TAG_BYTES));
        assert_eq!(LabQuery::from_query(&q.to_query()), Ok(q));
    }
});

/// The documented rule, written out another way (no `str::parse`, which takes a `+`).
fn reference(text: &str, min: u64, max: u64) -> Result<u64, ParamProblem> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParamProblem::NotANumber);
    }
    if negative {
        return Err(ParamProblem::TooSmall);
    }
    let mut value: u128 = 0;
    for b in digits.bytes() {
        value = value * 10 + u128::from(b - b'0');
        if value > u128::from(u64::MAX) {
            return Err(ParamProblem::TooLarge);
        }
    }
    let value = value as u64;
    if value < min {
        Err(ParamProblem::TooSmall)
    } else if value > max {
        Err(ParamProblem::TooLarge)
    } else {
        Ok(value)
    }
}
