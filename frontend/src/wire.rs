//! Reading the server's JSON in the page: the browser parses it (`JSON.parse`) and serde
//! reads the parsed value through `serde-wasm-bindgen`, so the wasm carries no JSON parser
//! of its own. Writing JSON (the commands the page sends, its downloads) stays with
//! serde_json.
//!
//! Measured on the release build (ARCHITECTURE.md, "Sizes"): serde_json's reader — its
//! parser, number and string decoding, and its error texts — was 10,468 B of wasm gzip in
//! `home` and 8,246 in `compare`. Natively (the model's tests) the same function reads
//! through serde_json: the wire types and their JSON are the same, and the browser tests
//! exercise the wasm path.

use serde::de::DeserializeOwned;

/// `text` as a `T`, or `None` when it is not JSON or not a `T`.
pub(crate) fn decode<T: DeserializeOwned>(text: &str) -> Option<T> {
    #[cfg(target_arch = "wasm32")]
    {
        let value = js_sys::JSON::parse(text).ok()?;
        serde_wasm_bindgen::from_value(value).ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        serde_json::from_str(text).ok()
    }
}
