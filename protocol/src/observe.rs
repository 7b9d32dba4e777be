//! The connection observatory's wire types: what the server saw happen on the TCP
//! connections of one client, streamed to that client's page over `/ws/observe`.
//!
//! Times are microseconds on the server's monotonic clock since the server started
//! (`*_us`); the page only ever subtracts them from each other. Byte counts are bytes on
//! the wire as the server read or wrote them, HTTP headers (and WebSocket framing) included.

use crate::named::named_enum;
use serde::{Deserialize, Serialize};

use crate::query::{Fields, QueryError, QueryString, Writer};
use crate::tagged::{Missing, need};

/// The header a page sends with every fetch so the server can tag the connection as its.
pub const CLIENT_HEADER: &str = "x-duplex-client";
/// The query parameter carrying the client key where headers cannot go (WebSocket
/// handshakes from a browser).
pub const CLIENT_PARAM: &str = "client";
/// Path of the observer WebSocket.
pub const OBSERVE_PATH: &str = "/ws/observe";

/// A client key: 16 to 64 characters of `[A-Za-z0-9_-]`, random, made by the page.
/// Anything else is treated as "no key" (the connection stays untagged and unseen).
pub fn valid_client_key(key: &str) -> bool {
    (16..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The page's key for a request: the one rule the connection layer (which tags the
/// connection with it) and the handlers (whose quota, whose feed) share. The
/// [`CLIENT_HEADER`] value when sent (a malformed header is not made up for by the
/// query), else the `client` the endpoint's query decoded. `None` when absent or not a
/// [`valid_client_key`].
pub fn client_key_from(header: Option<&str>, client: Option<&str>) -> Option<String> {
    let key = header.or(client)?;
    valid_client_key(key).then(|| key.to_owned())
}

/// [`client_key_from`] over a raw query, for the connection layer (which knows no
/// endpoint's query struct): `client` is decoded as every endpoint's query decodes it
/// ([`Fields`]), so a query with a bad escape or with `client` given twice names no key —
/// and the endpoint's own decoder refuses it.
pub fn client_key(header: Option<&str>, raw_query: &str) -> Option<String> {
    if !crate::query::may_name(raw_query, CLIENT_PARAM) {
        return client_key_from(header, None);
    }
    let fields = Fields::lenient(raw_query, &[CLIENT_PARAM]);
    let client = fields.as_ref().ok().and_then(|f| f.text(CLIENT_PARAM));
    client_key_from(header, client)
}

/// The query of [`OBSERVE_PATH`]: the page's own key, which must be valid.
/// Names other than `client` are passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObserveQuery {
    pub client: String,
}

impl QueryString for ObserveQuery {
    fn to_query(&self) -> String {
        Writer::default().put(CLIENT_PARAM, &self.client).finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::lenient(raw, &[CLIENT_PARAM])?;
        let client = f.text(CLIENT_PARAM).filter(|k| valid_client_key(k));
        let client = client.ok_or(QueryError::Invalid {
            name: CLIENT_PARAM,
            expected: "the page's key: 16–64 characters of A–Z, a–z, 0–9, - and _",
        })?;
        Ok(Self {
            client: client.to_owned(),
        })
    }
}

/// The query of the WebSocket session `/ws` (`protocol::ws::WS_PATH`): the page's key, so
/// the connection is tagged as its own. Other names are passed over (conformance tools
/// append their own).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WsQuery {
    pub client: Option<String>,
}

impl QueryString for WsQuery {
    fn to_query(&self) -> String {
        Writer::default()
            .put_some(CLIENT_PARAM, self.client.as_deref())
            .finish()
    }

    fn from_query(raw: &str) -> Result<Self, QueryError> {
        let f = Fields::lenient(raw, &[CLIENT_PARAM])?;
        Ok(Self {
            client: f.text(CLIENT_PARAM).map(str::to_owned),
        })
    }
}

named_enum! {
    /// Who ended a TCP connection.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ClosedBy {
        /// The client sent FIN first (the server read end-of-stream).
        Client => "client",
        /// The server shut the connection down first (e.g. after `Connection: close`).
        Server => "server",
        /// A reset or I/O error ended it.
        Error => "error",
    }
}

/// One thing that happened on a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// Read in one pass through `ConnEventFields` (crate::tagged: the derived internally tagged
// decoder cost the page ~24 KB of wasm).
#[serde(tag = "kind", rename_all = "snake_case", try_from = "ConnEventFields")]
pub enum ConnEvent {
    /// The server accepted the TCP connection at `accepted_us`. Sent when the connection is
    /// first tagged with the client's key (its first request), carrying what happened
    /// before then, and again in the snapshot a new observer receives.
    Accepted {
        conn: u64,
        accepted_us: u64,
        peer_port: u16,
        /// This is the observer's own connection (not part of any lab figure).
        observer: bool,
        /// Requests already served on it before it was tagged (e.g. the page's own files).
        requests_before: u32,
        bytes_in: u64,
        bytes_out: u64,
    },
    /// The server has read a request's head: request number `request` on `conn` (1-based).
    Request {
        conn: u64,
        request: u32,
        method: String,
        path: String,
        at_us: u64,
    },
    /// The handler produced the response head.
    Response {
        conn: u64,
        request: u32,
        status: u16,
        at_us: u64,
    },
    /// Bytes on the wire of one request–response exchange so far (request head and body
    /// in, response head and body out), sent each time the server flushes. The last one
    /// for a request holds its totals.
    Wire {
        conn: u64,
        request: u32,
        bytes_in: u64,
        bytes_out: u64,
        at_us: u64,
    },
    /// The connection switched from HTTP to WebSocket (101 sent).
    Upgraded { conn: u64, at_us: u64 },
    /// The connection ended.
    Closed {
        conn: u64,
        at_us: u64,
        by: ClosedBy,
        requests: u32,
        bytes_in: u64,
        bytes_out: u64,
        /// First and last byte either way (`None` if none ever moved).
        first_byte_us: Option<u64>,
        last_byte_us: Option<u64>,
    },
}

impl ConnEvent {
    /// The connection the event is about.
    pub fn conn(&self) -> u64 {
        match self {
            ConnEvent::Accepted { conn, .. }
            | ConnEvent::Request { conn, .. }
            | ConnEvent::Response { conn, .. }
            | ConnEvent::Wire { conn, .. }
            | ConnEvent::Upgraded { conn, .. }
            | ConnEvent::Closed { conn, .. } => *conn,
        }
    }
}

/// Server → page on `/ws/observe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "ObserveMsgFields")]
pub enum ObserveMsg {
    /// First message: which connection carries this observer, and the server's clock now.
    Hello {
        observer_conn: Option<u64>,
        now_us: u64,
    },
    /// Something happened on one of this client's connections.
    Event { event: ConnEvent },
    /// The observer fell behind and `count` events were dropped for it; figures built
    /// from events may be incomplete from here on.
    Missed { count: u64 },
}

named_enum! {
    /// [`ConnEvent`]'s tag (crate::tagged).
    #[derive(Clone, Copy)]
    enum ConnEventKind {
        Accepted => "accepted",
        Request => "request",
        Response => "response",
        Wire => "wire",
        Upgraded => "upgraded",
        Closed => "closed",
    }
}

/// Every field of every [`ConnEvent`] variant, read in one pass (crate::tagged).
#[derive(Deserialize)]
struct ConnEventFields {
    kind: ConnEventKind,
    conn: Option<u64>,
    accepted_us: Option<u64>,
    peer_port: Option<u16>,
    observer: Option<bool>,
    requests_before: Option<u32>,
    bytes_in: Option<u64>,
    bytes_out: Option<u64>,
    request: Option<u32>,
    method: Option<String>,
    path: Option<String>,
    at_us: Option<u64>,
    status: Option<u16>,
    by: Option<ClosedBy>,
    requests: Option<u32>,
    first_byte_us: Option<u64>,
    last_byte_us: Option<u64>,
}

impl TryFrom<ConnEventFields> for ConnEvent {
    type Error = Missing;

    fn try_from(f: ConnEventFields) -> Result<Self, Missing> {
        let conn = need(f.conn, "conn")?;
        let at_us = || need(f.at_us, "at_us");
        let request = || need(f.request, "request");
        let bytes_in = || need(f.bytes_in, "bytes_in");
        let bytes_out = || need(f.bytes_out, "bytes_out");
        Ok(match f.kind {
            ConnEventKind::Accepted => ConnEvent::Accepted {
                conn,
                accepted_us: need(f.accepted_us, "accepted_us")?,
                peer_port: need(f.peer_port, "peer_port")?,
                observer: need(f.observer, "observer")?,
                requests_before: need(f.requests_before, "requests_before")?,
                bytes_in: bytes_in()?,
                bytes_out: bytes_out()?,
            },
            ConnEventKind::Request => ConnEvent::Request {
                conn,
                request: request()?,
                method: need(f.method, "method")?,
                path: need(f.path, "path")?,
                at_us: at_us()?,
            },
            ConnEventKind::Response => ConnEvent::Response {
                conn,
                request: request()?,
                status: need(f.status, "status")?,
                at_us: at_us()?,
            },
            ConnEventKind::Wire => ConnEvent::Wire {
                conn,
                request: request()?,
                bytes_in: bytes_in()?,
                bytes_out: bytes_out()?,
                at_us: at_us()?,
            },
            ConnEventKind::Upgraded => ConnEvent::Upgraded {
                conn,
                at_us: at_us()?,
            },
            ConnEventKind::Closed => ConnEvent::Closed {
                conn,
                at_us: at_us()?,
                by: need(f.by, "by")?,
                requests: need(f.requests, "requests")?,
                bytes_in: bytes_in()?,
                bytes_out: bytes_out()?,
                first_byte_us: f.first_byte_us,
                last_byte_us: f.last_byte_us,
            },
        })
    }
}

named_enum! {
    /// [`ObserveMsg`]'s tag (crate::tagged).
    #[derive(Clone, Copy)]
    enum ObserveMsgType {
        Hello => "hello",
        Event => "event",
        Missed => "missed",
    }
}

/// Every field of every [`ObserveMsg`] variant, read in one pass (crate::tagged).
#[derive(Deserialize)]
struct ObserveMsgFields {
    #[serde(rename = "type")]
    tag: ObserveMsgType,
    observer_conn: Option<u64>,
    now_us: Option<u64>,
    event: Option<ConnEvent>,
    count: Option<u64>,
}

impl TryFrom<ObserveMsgFields> for ObserveMsg {
    type Error = Missing;

    fn try_from(f: ObserveMsgFields) -> Result<Self, Missing> {
        Ok(match f.tag {
            ObserveMsgType::Hello => ObserveMsg::Hello {
                observer_conn: f.observer_conn,
                now_us: need(f.now_us, "now_us")?,
            },
            ObserveMsgType::Event => ObserveMsg::Event {
                event: need(f.event, "event")?,
            },
            ObserveMsgType::Missed => ObserveMsg::Missed {
                count: need(f.count, "count")?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_keys() {
        assert!(valid_client_key("abcdefghijklmnop"));
        assert!(valid_client_key("A1b2-C3d4_E5f6G7h8"));
        assert!(!valid_client_key("short"));
        assert!(!valid_client_key("abcdefghijklmnop!"));
        assert!(!valid_client_key(&"a".repeat(65)));
    }

    #[test]
    fn client_key_is_the_header_else_the_strictly_decoded_query() {
        const K: &str = "abcdefghijklmnop";
        const H: &str = "A1b2-C3d4_E5f6G7h8";
        assert_eq!(
            client_key(Some(H), "client=abcdefghijklmnop").as_deref(),
            Some(H)
        );
        assert_eq!(
            client_key(None, "x=1&client=abcdefghijklmnop").as_deref(),
            Some(K)
        );
        // A malformed header is not made up for by the query.
        assert_eq!(client_key(Some("short"), "client=abcdefghijklmnop"), None);
        assert_eq!(client_key(None, ""), None);
        assert_eq!(client_key(None, "client=short"), None);
        assert_eq!(client_key_from(None, Some(K)).as_deref(), Some(K));
        assert_eq!(client_key_from(Some(H), Some(K)).as_deref(), Some(H));
        assert_eq!(client_key_from(Some("short"), Some(K)), None);
        // What the endpoints' decoders refuse names no key (the old first-that-decodes
        // lookup answered K for each of these).
        for bad in [
            "client=%zz&client=abcdefghijklmnop",
            "client=abcdefghijklmnop&client=abcdefghijklmnop",
            "x=%zz&client=abcdefghijklmnop",
        ] {
            assert_eq!(client_key(None, bad), None, "{bad}");
            assert!(WsQuery::from_query(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn observer_and_session_queries_round_trip() {
        let q = ObserveQuery {
            client: "abcdefghijklmnop".into(),
        };
        assert_eq!(q.to_query(), "client=abcdefghijklmnop");
        assert_eq!(ObserveQuery::from_query(&q.to_query()), Ok(q.clone()));
        assert_eq!(
            ObserveQuery::from_query("x=1&client=abcdefghijklmnop&y"),
            Ok(q)
        );
        for bad in ["", "client=short", "client=abcdefghijklmnop%21"] {
            assert!(
                matches!(
                    ObserveQuery::from_query(bad),
                    Err(QueryError::Invalid { name: "client", .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            ObserveQuery::from_query("client=abcdefghijklmnop&client=abcdefghijklmnop"),
            Err(QueryError::Repeated("client"))
        );
        for q in [
            WsQuery::default(),
            WsQuery {
                client: Some("A1b2-C3d4_E5f6G7h8".into()),
            },
        ] {
            assert_eq!(WsQuery::from_query(&q.to_query()), Ok(q));
        }
        assert_eq!(
            WsQuery::from_query("agent=kosoku&case=1"),
            Ok(WsQuery::default())
        );
    }

    #[test]
    fn event_wire_shape() {
        let m = ObserveMsg::Event {
            event: ConnEvent::Closed {
                conn: 3,
                at_us: 10,
                by: ClosedBy::Server,
                requests: 1,
                bytes_in: 80,
                bytes_out: 200,
                first_byte_us: Some(2),
                last_byte_us: Some(9),
            },
        };
        let s = serde_json::to_string(&m).unwrap();
        assert!(
            s.starts_with(r#"{"type":"event","event":{"kind":"closed","conn":3"#),
            "{s}"
        );
        assert!(s.contains(r#""by":"server""#), "{s}");
        assert_eq!(serde_json::from_str::<ObserveMsg>(&s).unwrap(), m);
    }

    /// The JSON of every variant, pinned: the one-pass decoder (crate::tagged) reads
    /// exactly what the derived `Serialize` writes.
    #[test]
    fn every_variant_wire_shape_round_trips() {
        let cases: Vec<(ObserveMsg, &str)> = vec![
            (
                ObserveMsg::Hello {
                    observer_conn: Some(4),
                    now_us: 9,
                },
                r#"{"type":"hello","observer_conn":4,"now_us":9}"#,
            ),
            (
                ObserveMsg::Hello {
                    observer_conn: None,
                    now_us: 9,
                },
                r#"{"type":"hello","observer_conn":null,"now_us":9}"#,
            ),
            (
                ObserveMsg::Missed { count: 3 },
                r#"{"type":"missed","count":3}"#,
            ),
        ];
        let events: Vec<(ConnEvent, &str)> = vec![
            (
                ConnEvent::Accepted {
                    conn: 1,
                    accepted_us: 2,
                    peer_port: 5000,
                    observer: true,
                    requests_before: 3,
                    bytes_in: 4,
                    bytes_out: 5,
                },
                r#"{"kind":"accepted","conn":1,"accepted_us":2,"peer_port":5000,"observer":true,"requests_before":3,"bytes_in":4,"bytes_out":5}"#,
            ),
            (
                ConnEvent::Request {
                    conn: 1,
                    request: 2,
                    method: "GET".into(),
                    path: "/a\"b".into(),
                    at_us: 3,
                },
                r#"{"kind":"request","conn":1,"request":2,"method":"GET","path":"/a\"b","at_us":3}"#,
            ),
            (
                ConnEvent::Response {
                    conn: 1,
                    request: 2,
                    status: 204,
                    at_us: 3,
                },
                r#"{"kind":"response","conn":1,"request":2,"status":204,"at_us":3}"#,
            ),
            (
                ConnEvent::Wire {
                    conn: 1,
                    request: 2,
                    bytes_in: 3,
                    bytes_out: 4,
                    at_us: 5,
                },
                r#"{"kind":"wire","conn":1,"request":2,"bytes_in":3,"bytes_out":4,"at_us":5}"#,
            ),
            (
                ConnEvent::Upgraded { conn: 1, at_us: 2 },
                r#"{"kind":"upgraded","conn":1,"at_us":2}"#,
            ),
            (
                ConnEvent::Closed {
                    conn: 1,
                    at_us: 2,
                    by: ClosedBy::Client,
                    requests: 3,
                    bytes_in: 4,
                    bytes_out: 5,
                    first_byte_us: None,
                    last_byte_us: Some(6),
                },
                r#"{"kind":"closed","conn":1,"at_us":2,"by":"client","requests":3,"bytes_in":4,"bytes_out":5,"first_byte_us":null,"last_byte_us":6}"#,
            ),
        ];
        for (event, json) in &events {
            assert_eq!(serde_json::to_string(event).unwrap(), *json);
            assert_eq!(&serde_json::from_str::<ConnEvent>(json).unwrap(), event);
            let msg = ObserveMsg::Event {
                event: event.clone(),
            };
            let wrapped = format!(r#"{{"type":"event","event":{json}}}"#);
            assert_eq!(serde_json::to_string(&msg).unwrap(), wrapped);
            assert_eq!(serde_json::from_str::<ObserveMsg>(&wrapped).unwrap(), msg);
        }
        for (msg, json) in &cases {
            assert_eq!(serde_json::to_string(msg).unwrap(), *json);
            assert_eq!(&serde_json::from_str::<ObserveMsg>(json).unwrap(), msg);
        }
        // As with the derived decoder: the tag may come anywhere, optional fields may be
        // absent, unknown fields are ignored.
        assert_eq!(
            serde_json::from_str::<ObserveMsg>(r#"{"now_us":9,"x":[1,{}],"type":"hello"}"#)
                .unwrap(),
            ObserveMsg::Hello {
                observer_conn: None,
                now_us: 9
            }
        );
        assert_eq!(
            serde_json::from_str::<ConnEvent>(
                r#"{"conn":1,"kind":"closed","at_us":2,"by":"error","requests":0,"bytes_in":0,"bytes_out":0}"#
            )
            .unwrap(),
            ConnEvent::Closed {
                conn: 1,
                at_us: 2,
                by: ClosedBy::Error,
                requests: 0,
                bytes_in: 0,
                bytes_out: 0,
                first_byte_us: None,
                last_byte_us: None,
            }
        );
    }

    /// Unknown tags, missing fields, wrong types and broken JSON are errors, not panics.
    #[test]
    fn malformed_events_are_errors() {
        for bad in [
            "",
            "null",
            "[]",
            "{}",
            r#"{"type":"bye"}"#,
            r#"{"type":7}"#,
            r#"{"type":"hello"}"#,
            r#"{"type":"missed","count":-1}"#,
            r#"{"type":"event"}"#,
            r#"{"type":"event","event":{"kind":"upgraded","conn":1}}"#,
            r#"{"type":"event","event":{"kind":"wire","conn":1,"request":1,"bytes_in":1,"bytes_out":1}}"#,
            r#"{"type":"event","event":{"kind":"closed","conn":1,"at_us":2,"by":"nobody","requests":0,"bytes_in":0,"bytes_out":0}}"#,
            r#"{"type":"event","event":{"kind":"response","conn":1,"request":1,"status":70000,"at_us":1}}"#,
            r#"{"type":"hello","now_us":1,"now_us":2}"#,
            r#"{"type":"hello","now_us":1"#,
        ] {
            assert!(serde_json::from_str::<ObserveMsg>(bad).is_err(), "{bad}");
        }
        let err = serde_json::from_str::<ConnEvent>(r#"{"kind":"upgraded","conn":1}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing field `at_us`"), "{err}");
    }
}
