//! Messages on the `/ws` WebSocket: JSON text frames carrying these tagged enums.
//!
//! Binary frames carry a raw payload and are echoed back unchanged; they have no type here.

use serde::{Deserialize, Serialize};

/// Page → server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    /// Ask for `payload` back; `seq` lets the page match the reply to its send time.
    Echo { seq: u64, payload: String },
}

/// Server → page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// Sent once, right after the upgrade: the session is open.
    Welcome {
        session: u64,
        max_message_bytes: u64,
    },
    /// The reply to [`ClientMsg::Echo`].
    Echo {
        seq: u64,
        payload: String,
        payload_bytes: u64,
        server_received_unix_us: u64,
    },
    /// A message the server could not act on; the session stays open.
    Error { code: WsErrorCode, message: String },
}

/// Why a client message was refused without closing the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WsErrorCode {
    /// Not JSON, or JSON that is not a known [`ClientMsg`].
    MalformedMessage,
}

/// WebSocket close codes the server uses (RFC 6455 §7.4.1).
pub mod close_code {
    /// Normal closure.
    pub const NORMAL: u16 = 1000;
    /// The server is going away (shutdown).
    pub const GOING_AWAY: u16 = 1001;
    /// Policy violation (e.g. a flood).
    pub const POLICY: u16 = 1008;
    /// A message over the size cap.
    pub const TOO_BIG: u16 = 1009;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_msg_wire_shape() {
        let m = ClientMsg::Echo {
            seq: 7,
            payload: "hi".into(),
        };
        let s = serde_json::to_string(&m).unwrap();
        assert_eq!(s, r#"{"type":"echo","seq":7,"payload":"hi"}"#);
        assert_eq!(serde_json::from_str::<ClientMsg>(&s).unwrap(), m);
    }

    #[test]
    fn unknown_command_is_an_error() {
        assert!(serde_json::from_str::<ClientMsg>(r#"{"type":"launch"}"#).is_err());
        assert!(serde_json::from_str::<ClientMsg>(r#"{"type":"echo","seq":1}"#).is_err());
    }

    #[test]
    fn server_msg_round_trips() {
        let m = ServerMsg::Error {
            code: WsErrorCode::MalformedMessage,
            message: "nope".into(),
        };
        let s = serde_json::to_string(&m).unwrap();
        assert!(s.contains(r#""type":"error""#) && s.contains(r#""code":"malformed_message""#));
        assert_eq!(serde_json::from_str::<ServerMsg>(&s).unwrap(), m);
    }
}
