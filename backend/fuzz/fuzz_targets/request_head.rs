//! The connection layer's request-head guard (`conn/guard.rs`, `judge`): whatever bytes
//! arrive, judging them never panics; a refusal is a whole HTTP response with a JSON error
//! body; a whole head lies within the caps; and judging is consistent as bytes arrive —
//! once a prefix is refused or whole, feeding more bytes never turns it back to partial.

#![no_main]

use backend::conn::guard::{HeadVerdict, MAX_HEAD_BYTES, MAX_TARGET_BYTES, judge};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let verdict = judge(data);
    match &verdict {
        HeadVerdict::Refused(r) => {
            let text = String::from_utf8(r.to_http()).expect("a refusal is text");
            let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
            assert!(head.starts_with("HTTP/1.1 4"), "{head}");
            let body: serde_json::Value = serde_json::from_str(body).expect("JSON");
            assert!(body["code"].is_string() && body["message"].is_string());
        }
        HeadVerdict::Complete { len, .. } => {
            assert!(*len <= data.len() && *len <= MAX_HEAD_BYTES);
            // The head alone is judged the same.
            assert_eq!(judge(&data[..*len]), verdict);
        }
        HeadVerdict::Partial => {
            assert!(data.len() <= MAX_HEAD_BYTES);
            let line = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
            assert!(line <= MAX_TARGET_BYTES + 64);
        }
        HeadVerdict::Http2 => assert!(data.starts_with(b"PRI * HTTP/2.0\r\n")),
    }
    // A verdict reached on a prefix stands once more bytes arrive (the guard judges as
    // bytes come in, so a split must never change a refusal into acceptance).
    // (Cuts at ~64 points, not every byte: inputs reach 40 KiB.)
    let step = (data.len() / 64).max(1);
    if let Some(cut) = (1..data.len())
        .step_by(step)
        .find(|&c| judge(&data[..c]) != HeadVerdict::Partial)
    {
        let early = judge(&data[..cut]);
        if matches!(early, HeadVerdict::Refused(_)) {
            assert!(matches!(verdict, HeadVerdict::Refused(_)), "{early:?} then {verdict:?}");
        }
    }
});
