//! Messages on the `/ws` WebSocket: JSON text frames carrying these tagged enums.
//!
//! Binary frames carry a raw payload and are echoed back unchanged; they have no type here.
//! Every cap the server enforces on a session is a constant in this module, so the page
//! can check and explain it before sending.

use crate::named::named_enum;
use serde::{Deserialize, Serialize};

use crate::lab::HeaderLine;
use crate::tagged::{Missing, need};

/// The subprotocol the server speaks (`Sec-WebSocket-Protocol`). A page may offer it, or
/// others; the server picks it if offered, else none.
pub const SUBPROTOCOL: &str = "duplex.v1";
/// Path of the WebSocket session (query: `crate::observe::WsQuery`).
pub const WS_PATH: &str = "/ws";
/// Path of the plain echo WebSocket (query: `crate::observe::WsQuery`): every text and
/// binary message comes back unchanged, under the same caps as [`WS_PATH`]'s session (no
/// commands, no welcome). For anyone testing their own client, and the target of the
/// Autobahn conformance run (`cargo xtask conformance`).
pub const WS_ECHO_PATH: &str = "/ws/echo";

/// Most ticker messages per second.
pub const TICKER_MAX_RATE_HZ: u32 = 100;
/// Most messages in one ticker run.
pub const TICKER_MAX_COUNT: u32 = 10_000;
/// Largest ticker payload, in bytes.
pub const TICKER_MAX_PAYLOAD_BYTES: u32 = 16 * 1024;
/// Shortest and longest server ping interval, in ms (0 turns pings off).
pub const PING_MIN_INTERVAL_MS: u32 = 100;
pub const PING_MAX_INTERVAL_MS: u32 = 60_000;
/// Messages a session may send per second on average (a token bucket of
/// [`WS_FLOOD_BURST`]); beyond it the server closes with 1008. Generous, because races
/// send thousands of round trips as fast as loopback allows; a flood is far beyond it.
pub const WS_MAX_MESSAGES_PER_SECOND: u32 = 2_000;
pub const WS_FLOOD_BURST: u32 = 10_000;
/// A session with no message from the page and no ticker running for this long is
/// closed with 1001.
pub const WS_IDLE_TIMEOUT_SECS: u64 = 300;
/// Longest close reason, in bytes (RFC 6455: the close frame's payload is at most 125
/// bytes, two of them the code).
pub const CLOSE_REASON_MAX_BYTES: usize = 123;

/// Page → server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    /// Ask for `payload` back; `seq` lets the page match the reply to its send time.
    Echo {
        seq: u64,
        payload: String,
    },
    /// A clock probe (NTP-style): answered at once with the server's receive and send
    /// times, so the page can estimate the offset between its clock and the server's.
    Clock {
        seq: u64,
    },
    /// Start pushing `count` messages of `payload_bytes` at `rate_hz`, unasked. Replaces
    /// a running ticker.
    StartTicker {
        rate_hz: u32,
        count: u32,
        payload_bytes: u32,
    },
    StopTicker,
    /// Ping the page every `interval_ms` (0: stop) and report each pong's round trip.
    SetPing {
        interval_ms: u32,
    },
    /// Ask the server to close the session with this code (1000 or 3000–4999) and reason.
    CloseMe {
        code: u16,
        reason: String,
    },
    /// Ask the server to drop the TCP connection without a close frame.
    Drop,
}

/// Server → page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// Read in one pass through `ServerMsgFields` (crate::tagged: smaller wasm).
#[serde(tag = "type", rename_all = "snake_case", try_from = "ServerMsgFields")]
pub enum ServerMsg {
    /// Sent once, right after the upgrade: the session is open.
    Welcome {
        session: u64,
        /// The TCP connection (as the connection observatory names it), if known.
        conn: Option<u64>,
        max_message_bytes: u64,
        /// The subprotocol chosen from the page's offer, if any.
        subprotocol: Option<String>,
        /// The Upgrade request as the server received it, and its `101` response headers.
        request_headers: Vec<HeaderLine>,
        response_headers: Vec<HeaderLine>,
    },
    /// The reply to [`ClientMsg::Echo`].
    Echo {
        seq: u64,
        payload: String,
        payload_bytes: u64,
        server_received_unix_us: u64,
        /// Bytes the server read for the request's frame(s), header included.
        frame_bytes: u64,
    },
    /// The reply to [`ClientMsg::Clock`]: when the server read the probe and when it sent
    /// this reply, µs since the Unix epoch on the server's clock.
    Clock {
        seq: u64,
        server_received_unix_us: u64,
        server_sent_unix_us: u64,
    },
    /// Binary echo accounting: the server read `frame_bytes` for a binary message of
    /// `payload_bytes` (sent just before the echoed binary frame).
    BinaryReceived {
        payload_bytes: u64,
        frame_bytes: u64,
    },
    /// A message nobody asked for: number `n` of `count` of the running ticker.
    Push {
        n: u32,
        count: u32,
        sent_unix_us: u64,
        payload: String,
    },
    /// The ticker finished or was stopped after `sent` messages.
    TickerDone { sent: u32, stopped: bool },
    /// The server sent a ping and the browser's pong came back after `rtt_us`.
    PingRtt { rtt_us: u64 },
    /// A message the server could not act on; the session stays open.
    Error { code: WsErrorCode, message: String },
}

named_enum! {
    /// [`ServerMsg`]'s tag (crate::tagged).
    #[derive(Clone, Copy)]
    enum ServerMsgType {
        Welcome => "welcome",
        Echo => "echo",
        Clock => "clock",
        BinaryReceived => "binary_received",
        Push => "push",
        TickerDone => "ticker_done",
        PingRtt => "ping_rtt",
        Error => "error",
    }
}

/// Every field of every [`ServerMsg`] variant, read in one pass (crate::tagged).
#[derive(Deserialize)]
struct ServerMsgFields {
    #[serde(rename = "type")]
    tag: ServerMsgType,
    session: Option<u64>,
    conn: Option<u64>,
    max_message_bytes: Option<u64>,
    subprotocol: Option<String>,
    request_headers: Option<Vec<HeaderLine>>,
    response_headers: Option<Vec<HeaderLine>>,
    seq: Option<u64>,
    payload: Option<String>,
    payload_bytes: Option<u64>,
    server_received_unix_us: Option<u64>,
    frame_bytes: Option<u64>,
    server_sent_unix_us: Option<u64>,
    n: Option<u32>,
    count: Option<u32>,
    sent_unix_us: Option<u64>,
    sent: Option<u32>,
    stopped: Option<bool>,
    rtt_us: Option<u64>,
    code: Option<WsErrorCode>,
    message: Option<String>,
}

impl TryFrom<ServerMsgFields> for ServerMsg {
    type Error = Missing;

    fn try_from(f: ServerMsgFields) -> Result<Self, Missing> {
        let seq = || need(f.seq, "seq");
        let payload_bytes = || need(f.payload_bytes, "payload_bytes");
        let received = || need(f.server_received_unix_us, "server_received_unix_us");
        let frame_bytes = || need(f.frame_bytes, "frame_bytes");
        Ok(match f.tag {
            ServerMsgType::Welcome => ServerMsg::Welcome {
                session: need(f.session, "session")?,
                conn: f.conn,
                max_message_bytes: need(f.max_message_bytes, "max_message_bytes")?,
                subprotocol: f.subprotocol,
                request_headers: need(f.request_headers, "request_headers")?,
                response_headers: need(f.response_headers, "response_headers")?,
            },
            ServerMsgType::Echo => ServerMsg::Echo {
                seq: seq()?,
                payload: need(f.payload, "payload")?,
                payload_bytes: payload_bytes()?,
                server_received_unix_us: received()?,
                frame_bytes: frame_bytes()?,
            },
            ServerMsgType::Clock => ServerMsg::Clock {
                seq: seq()?,
                server_received_unix_us: received()?,
                server_sent_unix_us: need(f.server_sent_unix_us, "server_sent_unix_us")?,
            },
            ServerMsgType::BinaryReceived => ServerMsg::BinaryReceived {
                payload_bytes: payload_bytes()?,
                frame_bytes: frame_bytes()?,
            },
            ServerMsgType::Push => ServerMsg::Push {
                n: need(f.n, "n")?,
                count: need(f.count, "count")?,
                sent_unix_us: need(f.sent_unix_us, "sent_unix_us")?,
                payload: need(f.payload, "payload")?,
            },
            ServerMsgType::TickerDone => ServerMsg::TickerDone {
                sent: need(f.sent, "sent")?,
                stopped: need(f.stopped, "stopped")?,
            },
            ServerMsgType::PingRtt => ServerMsg::PingRtt {
                rtt_us: need(f.rtt_us, "rtt_us")?,
            },
            ServerMsgType::Error => ServerMsg::Error {
                code: need(f.code, "code")?,
                message: need(f.message, "message")?,
            },
        })
    }
}

named_enum! {
    /// Why a client message was refused without closing the session.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum WsErrorCode {
        /// Not JSON, or JSON that is not a known [`ClientMsg`].
        MalformedMessage => "malformed_message",
        /// A ticker, ping or close setting outside its bounds (the message says which).
        OutOfRange => "out_of_range",
    }
}

/// WebSocket close codes the server uses (RFC 6455 §7.4.1).
pub mod close_code {
    /// Normal closure.
    pub const NORMAL: u16 = 1000;
    /// The server is going away (shutdown, idle timeout).
    pub const GOING_AWAY: u16 = 1001;
    /// A frame that breaks the WebSocket protocol (reserved bits or opcodes, a
    /// continuation with nothing to continue, a control frame over 125 bytes, a 1-byte
    /// close payload).
    pub const PROTOCOL_ERROR: u16 = 1002;
    /// Seen by the page when the close frame carried no status code (RFC 6455 §7.1.5).
    pub const NO_STATUS: u16 = 1005;
    /// Seen by the page when the connection ended without a close frame.
    pub const ABNORMAL: u16 = 1006;
    /// A text message (or close reason) that is not valid UTF-8.
    pub const INVALID_DATA: u16 = 1007;
    /// The endpoint got a kind of data it does not take (text where binary is expected).
    pub const UNSUPPORTED: u16 = 1003;
    /// Policy violation (e.g. a flood).
    pub const POLICY: u16 = 1008;
    /// A message over the size cap.
    pub const TOO_BIG: u16 = 1009;
    /// The server cannot serve this session for now (the chat's shared store is
    /// unreachable); the page may join again later.
    pub const TRY_AGAIN_LATER: u16 = 1013;

    /// Codes a page (or a [`super::ClientMsg::CloseMe`]) may use: 1000, or 3000–4999.
    pub fn allowed_from_page(code: u16) -> bool {
        code == NORMAL || (3000..=4999).contains(&code)
    }
}

/// Bytes of a WebSocket frame header for a payload of `len` bytes (RFC 6455 §5.2);
/// `masked` frames (page → server) carry 4 more.
pub fn frame_header_bytes(len: u64, masked: bool) -> u64 {
    let ext = if len > 65_535 {
        8
    } else if len > 125 {
        2
    } else {
        0
    };
    2 + ext + if masked { 4 } else { 0 }
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
        assert_eq!(
            serde_json::to_string(&ClientMsg::Drop).unwrap(),
            r#"{"type":"drop"}"#
        );
        let t: ClientMsg = serde_json::from_str(
            r#"{"type":"start_ticker","rate_hz":5,"count":3,"payload_bytes":0}"#,
        )
        .unwrap();
        assert!(matches!(t, ClientMsg::StartTicker { rate_hz: 5, .. }));
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

    #[test]
    fn frame_headers_follow_rfc_6455() {
        assert_eq!(frame_header_bytes(5, false), 2);
        assert_eq!(frame_header_bytes(125, true), 6);
        assert_eq!(frame_header_bytes(126, false), 4);
        assert_eq!(frame_header_bytes(65_536, true), 14);
    }

    #[test]
    fn close_codes_a_page_may_use() {
        assert!(close_code::allowed_from_page(1000));
        assert!(close_code::allowed_from_page(4000));
        assert!(!close_code::allowed_from_page(1001));
        assert!(!close_code::allowed_from_page(2999));
        assert!(!close_code::allowed_from_page(5000));
    }

    /// The JSON of every variant, pinned: the one-pass decoder (crate::tagged) reads
    /// exactly what the derived `Serialize` writes.
    #[test]
    fn every_server_msg_wire_shape_round_trips() {
        let header = |name: &str, value: &str, redacted_bytes| HeaderLine {
            name: name.into(),
            value: value.into(),
            redacted_bytes,
        };
        let cases: Vec<(ServerMsg, &str)> = vec![
            (
                ServerMsg::Welcome {
                    session: 1,
                    conn: Some(2),
                    max_message_bytes: 3,
                    subprotocol: Some("duplex.v1".into()),
                    request_headers: vec![header("host", "h", None), header("cookie", "", Some(5))],
                    response_headers: vec![],
                },
                r#"{"type":"welcome","session":1,"conn":2,"max_message_bytes":3,"subprotocol":"duplex.v1","request_headers":[{"name":"host","value":"h"},{"name":"cookie","value":"","redacted_bytes":5}],"response_headers":[]}"#,
            ),
            (
                ServerMsg::Welcome {
                    session: 1,
                    conn: None,
                    max_message_bytes: 3,
                    subprotocol: None,
                    request_headers: vec![],
                    response_headers: vec![],
                },
                r#"{"type":"welcome","session":1,"conn":null,"max_message_bytes":3,"subprotocol":null,"request_headers":[],"response_headers":[]}"#,
            ),
            (
                ServerMsg::Echo {
                    seq: 1,
                    payload: "p\u{e9}".into(),
                    payload_bytes: 3,
                    server_received_unix_us: 4,
                    frame_bytes: 9,
                },
                "{\"type\":\"echo\",\"seq\":1,\"payload\":\"p\u{e9}\",\"payload_bytes\":3,\"server_received_unix_us\":4,\"frame_bytes\":9}",
            ),
            (
                ServerMsg::Clock {
                    seq: 1,
                    server_received_unix_us: 2,
                    server_sent_unix_us: 3,
                },
                r#"{"type":"clock","seq":1,"server_received_unix_us":2,"server_sent_unix_us":3}"#,
            ),
            (
                ServerMsg::BinaryReceived {
                    payload_bytes: 1,
                    frame_bytes: 7,
                },
                r#"{"type":"binary_received","payload_bytes":1,"frame_bytes":7}"#,
            ),
            (
                ServerMsg::Push {
                    n: 1,
                    count: 2,
                    sent_unix_us: 3,
                    payload: "x".into(),
                },
                r#"{"type":"push","n":1,"count":2,"sent_unix_us":3,"payload":"x"}"#,
            ),
            (
                ServerMsg::TickerDone {
                    sent: 2,
                    stopped: true,
                },
                r#"{"type":"ticker_done","sent":2,"stopped":true}"#,
            ),
            (
                ServerMsg::PingRtt { rtt_us: 5 },
                r#"{"type":"ping_rtt","rtt_us":5}"#,
            ),
            (
                ServerMsg::Error {
                    code: WsErrorCode::OutOfRange,
                    message: "m".into(),
                },
                r#"{"type":"error","code":"out_of_range","message":"m"}"#,
            ),
        ];
        for (msg, json) in &cases {
            assert_eq!(serde_json::to_string(msg).unwrap(), *json);
            assert_eq!(&serde_json::from_str::<ServerMsg>(json).unwrap(), msg);
        }
        // Optional fields may be absent; unknown fields and other variants' are ignored.
        assert_eq!(
            serde_json::from_str::<ServerMsg>(
                r#"{"session":1,"max_message_bytes":3,"request_headers":[],"response_headers":[],"seq":4,"new":{},"type":"welcome"}"#
            )
            .unwrap(),
            ServerMsg::Welcome {
                session: 1,
                conn: None,
                max_message_bytes: 3,
                subprotocol: None,
                request_headers: vec![],
                response_headers: vec![],
            }
        );
    }

    /// Unknown tags, missing fields, wrong types and broken JSON are errors, not panics.
    #[test]
    fn malformed_server_msgs_are_errors() {
        for bad in [
            "",
            "1",
            "{}",
            r#"{"type":"welcome"}"#,
            r#"{"type":"launch"}"#,
            r#"{"type":null,"seq":1}"#,
            r#"{"type":"push","n":1,"count":2,"sent_unix_us":3}"#,
            r#"{"type":"push","n":1,"count":2,"sent_unix_us":3,"payload":7}"#,
            r#"{"type":"ticker_done","sent":-2,"stopped":true}"#,
            r#"{"type":"error","code":"other","message":"m"}"#,
            r#"{"type":"ping_rtt","rtt_us":5,"rtt_us":6}"#,
            r#"{"type":"ping_rtt","rtt_us":5"#,
        ] {
            assert!(serde_json::from_str::<ServerMsg>(bad).is_err(), "{bad}");
        }
        let err = serde_json::from_str::<ServerMsg>(r#"{"type":"ping_rtt"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing field `rtt_us`"), "{err}");
    }
}
