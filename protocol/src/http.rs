//! Request and reply bodies of the plain HTTP endpoints (`/healthz`, `/api/echo`).

use crate::named::named_enum;
use serde::{Deserialize, Serialize};

use crate::query::{Fields, QueryError, QueryString, Writer};

/// `GET`: [`Health`].
pub const HEALTH_PATH: &str = "/healthz";
/// `GET ?payload=` or `POST` with an [`EchoRequest`] body: an [`EchoReply`].
pub const ECHO_PATH: &str = "/api/echo";

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

/// The one name of [`EchoRequest`]'s query.
pub const PAYLOAD_PARAM: &str = "payload";

/// `GET /api/echo?payload=…`: the one name, refused when unknown names or a repeat come
/// with it.
impl QueryString for EchoRequest {
    fn to_query(&self) -> String {
        Writer::default().put(PAYLOAD_PARAM, &self.payload).finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::strict(raw, &[PAYLOAD_PARAM])?;
        Ok(Self {
            payload: f.text(PAYLOAD_PARAM).unwrap_or_default().to_owned(),
        })
    }
}

named_enum! {
    /// Which method the server saw.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum HttpMethod {
        Get => "GET",
        Post => "POST",
    }
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
    fn echo_query_round_trips() {
        for payload in ["", "hello", "a+b c&d=e,f%2C", "日本語"] {
            let q = EchoRequest {
                payload: payload.into(),
            };
            assert_eq!(EchoRequest::from_query(&q.to_query()), Ok(q));
        }
        assert_eq!(EchoRequest::from_query("").unwrap().payload, "");
        assert_eq!(
            EchoRequest::from_query("payload=a+b").unwrap().payload,
            "a b"
        );
        assert_eq!(
            EchoRequest::from_query("payload=a,b").unwrap().payload,
            EchoRequest::from_query("payload=a%2Cb").unwrap().payload
        );
        assert!(EchoRequest::from_query("payload=a&payload=b").is_err());
        assert!(EchoRequest::from_query("payload=a&bogus=1").is_err());
        assert!(EchoRequest::from_query("payload=%FF").is_err());
    }

    #[test]
    fn method_is_uppercase() {
        assert_eq!(
            serde_json::to_string(&HttpMethod::Post).unwrap(),
            r#""POST""#
        );
    }
}
