//! The network-model parser: an `emu` value (`NetModel::parse`, `parse_value`) and the
//! connection layer's reading of it from a raw query (`NetModel::in_query`). A model that
//! parses lies within its caps and survives `to_param` → `parse`; `in_query` of a query
//! carrying the (percent-encoded) value reads what `parse` reads, or no emulation; and the
//! raw bytes as a whole query never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::emulate::{EMU_PARAM, MAX_JITTER_MS, MAX_RTT_MS, NetModel};
use protocol::lab::LabParam;
use protocol::query::{self, QueryError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = NetModel::parse(text);
    match parsed {
        Ok(m) => {
            assert!(u64::from(m.rtt_ms) <= MAX_RTT_MS, "{text:?} → {m:?}");
            assert!(u64::from(m.jitter_ms) <= MAX_JITTER_MS, "{text:?} → {m:?}");
            assert_eq!(NetModel::parse(&m.to_param()), Ok(m), "{text:?}");
            assert_eq!(NetModel::parse_value(text), Ok(m));
        }
        Err((param, problem)) => {
            assert!(matches!(param, LabParam::RttMs | LabParam::JitterMs));
            assert_eq!(
                NetModel::parse_value(text),
                Err(QueryError::Param { param, problem })
            );
            assert!(!param.message(problem).is_empty());
        }
    }
    let expected = parsed.unwrap_or(NetModel::NONE);
    let encoded = query::encode(text);
    assert_eq!(
        NetModel::in_query(&format!("{EMU_PARAM}={encoded}")),
        expected
    );
    // Before other names (one that does not decode included), and only the first `emu`.
    assert_eq!(
        NetModel::in_query(&format!("x=%zz&run=1&{EMU_PARAM}={encoded}&{EMU_PARAM}=1")),
        expected
    );
    let _ = NetModel::in_query(text);
});
