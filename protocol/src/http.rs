//! Request and reply bodies of the plain HTTP endpoints (`/healthz`, `/api/echo`).

use serde::{Deserialize, Serialize};

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// `POST /api/echo` body. For `GET /api/echo` the same field travels as `?payload=`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EchoRequest {
    #[serde(default)]
    pub payload: String,
}

/// Which method the server saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
}

/// The reply to `/api/echo`: the payload back, plus what the server observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EchoReply {
    pub method: HttpMethod,
    pub payload: String,
    /// Size of `payload` in bytes (UTF-8), as the server counted it.
    pub payload_bytes: u64,
    /// When the server had the whole request, microseconds since the Unix epoch (server clock).
    pub server_received_unix_us: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_request_rejects_unknown_fields() {
        let err = serde_json::from_str::<EchoRequest>(r#"{"payload":"a","x":1}"#);
        assert!(err.is_err());
        let ok: EchoRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(ok.payload, "");
    }

    #[test]
    fn method_is_uppercase() {
        assert_eq!(
            serde_json::to_string(&HttpMethod::Post).unwrap(),
            r#""POST""#
        );
    }
}
