//! The JSON the page sends the server: `ClientMsg` (every text frame on `/ws`) and
//! `EchoRequest` (the `POST /api/echo` body). Whatever the bytes, decoding answers `Ok` or
//! `Err`; a message that decodes encodes back to JSON that decodes to the same message,
//! and reading the bytes (as axum's `Json` does) agrees with reading the text (as the
//! WebSocket session does).

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::{ClientMsg, EchoRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;

fuzz_target!(|data: &[u8]| {
    check::<ClientMsg>(data);
    check::<EchoRequest>(data);
});

fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(data: &[u8]) {
    let from_bytes = serde_json::from_slice::<T>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let from_text = serde_json::from_str::<T>(text);
        assert_eq!(
            from_bytes.as_ref().ok(),
            from_text.as_ref().ok(),
            "bytes and text disagree on {text:?}"
        );
    }
    if let Ok(msg) = from_bytes {
        let json = serde_json::to_string(&msg).expect("a decoded message encodes");
        let back: T = serde_json::from_str(&json).expect("an encoded message decodes");
        assert_eq!(back, msg, "round trip through {json}");
    }
}
