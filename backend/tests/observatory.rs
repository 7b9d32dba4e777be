//! The connection layer over real TCP on 127.0.0.1, seen through a raw HTTP/1.1 client
//! (so every byte is counted on both sides) and the `/ws/observe` WebSocket: connection
//! ids and request numbers under keep-alive, who closed each connection, byte counts,
//! privacy between clients, and every bad lab input.

mod common;

use common::raw::{Raw, RawResponse};

use std::time::Duration;

use common::TestServer;
use futures_util::StreamExt;
use protocol::lab::{LAB_REQUESTS_PER_MINUTE, LabParam, LabReply};
use protocol::observe::{ClosedBy, ConnEvent, ObserveMsg};
use protocol::{ErrorBody, ErrorCode};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

const PATIENCE: Duration = Duration::from_secs(5);
const KEY_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const KEY_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/// An observer WebSocket for one client key, collecting everything it is told.
struct Observer {
    ws: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>,
    own: Option<u64>,
    events: Vec<ConnEvent>,
}

impl Observer {
    async fn open(server: &TestServer, key: &str) -> Self {
        let url = format!("ws://{}/ws/observe?client={key}", server.addr);
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("observer");
        let mut o = Observer {
            ws,
            own: None,
            events: Vec::new(),
        };
        match o.next().await {
            ObserveMsg::Hello { observer_conn, .. } => o.own = observer_conn,
            other => panic!("expected Hello first, got {other:?}"),
        }
        assert!(o.own.is_some(), "the observer is told its own connection");
        o
    }

    async fn next(&mut self) -> ObserveMsg {
        loop {
            let msg = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("observer event in time")
                .expect("observer open")
                .expect("no protocol error");
            if let Message::Text(t) = msg {
                return serde_json::from_str(&t).expect("an ObserveMsg");
            }
        }
    }

    /// Reads events until `pred` matches one (which is returned); all are kept.
    async fn until(&mut self, what: &str, pred: impl Fn(&ConnEvent) -> bool) -> ConnEvent {
        if let Some(e) = self.events.iter().find(|e| pred(e)) {
            return e.clone();
        }
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            assert!(tokio::time::Instant::now() < deadline, "no event: {what}");
            match self.next().await {
                ObserveMsg::Event { event } => {
                    self.events.push(event.clone());
                    if pred(&event) {
                        return event;
                    }
                }
                ObserveMsg::Missed { count } => panic!("missed {count} events"),
                ObserveMsg::Hello { .. } => panic!("a second Hello"),
            }
        }
    }

    /// The final byte counts of `(conn, request)`: the `Wire` event reporting `out` bytes.
    async fn wire(&mut self, conn: u64, request: u32, out: u64) -> (u64, u64) {
        match self
            .until("wire totals", |e| {
                matches!(e, ConnEvent::Wire { conn: c, request: r, bytes_out, .. }
                    if *c == conn && *r == request && *bytes_out == out)
            })
            .await
        {
            ConnEvent::Wire {
                bytes_in,
                bytes_out,
                ..
            } => (bytes_in, bytes_out),
            _ => unreachable!(),
        }
    }

    async fn closed(&mut self, conn: u64) -> ClosedBy {
        match self
            .until(
                "closed",
                |e| matches!(e, ConnEvent::Closed { conn: c, .. } if *c == conn),
            )
            .await
        {
            ConnEvent::Closed { by, .. } => by,
            _ => unreachable!(),
        }
    }
}

fn reply(r: &RawResponse) -> LabReply {
    assert_eq!(r.status, 200, "{}", r.head);
    serde_json::from_slice(&r.body).expect("a LabReply")
}

#[tokio::test]
async fn keep_alive_reuses_one_connection_and_counts_bytes_exactly() {
    let server = TestServer::start().await;
    let mut obs = Observer::open(&server, KEY_A).await;
    let mut raw = Raw::connect(server.addr).await;

    let sent1 = raw.send("GET", "/api/lab?resp=100&n=1", KEY_A, b"").await;
    let r1 = raw.response().await;
    let sent2 = raw
        .send("POST", "/api/lab?resp=5000&n=2", KEY_A, &[b'x'; 777])
        .await;
    let r2 = raw.response().await;
    let (a, b) = (reply(&r1), reply(&r2));
    assert!(a.conn.is_some());
    assert_eq!(a.conn, b.conn, "keep-alive: the same TCP connection");
    assert_eq!((a.request_on_conn, b.request_on_conn), (1, 2));
    assert_eq!(b.request_body_bytes, 777);
    assert_eq!(a.padding.len(), 100);
    assert!(r1.head.contains("server-timing: app;dur="), "{}", r1.head);
    let conn = a.conn.unwrap();

    // The observer saw it accepted, and the exact bytes of each exchange.
    obs.until(
        "accepted",
        |e| matches!(e, ConnEvent::Accepted { conn: c, .. } if *c == conn),
    )
    .await;
    assert_eq!(obs.wire(conn, 1, r1.wire).await, (sent1, r1.wire));
    assert_eq!(obs.wire(conn, 2, r2.wire).await, (sent2, r2.wire));
    assert_eq!(raw.sent, sent1 + sent2);
    assert_eq!(raw.received, r1.wire + r2.wire);

    // The client hangs up: the server reads end-of-stream first.
    drop(raw);
    assert_eq!(obs.closed(conn).await, ClosedBy::Client);
    match obs
        .until(
            "closed totals",
            |e| matches!(e, ConnEvent::Closed { conn: c, .. } if *c == conn),
        )
        .await
    {
        ConnEvent::Closed {
            requests,
            bytes_in,
            bytes_out,
            at_us,
            first_byte_us: Some(first),
            last_byte_us: Some(last),
            ..
        } => {
            assert!(first <= last && last <= at_us, "{first} {last} {at_us}");
            assert_eq!(requests, 2);
            assert_eq!(bytes_in, sent1 + sent2);
            assert_eq!(bytes_out, r1.wire + r2.wire);
        }
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn close_after_response_is_ended_by_the_server() {
    let server = TestServer::start().await;
    let mut obs = Observer::open(&server, KEY_A).await;
    let mut raw = Raw::connect(server.addr).await;
    raw.send("GET", "/api/lab?close=1", KEY_A, b"").await;
    let r = raw.response().await;
    assert!(
        r.head.to_ascii_lowercase().contains("connection: close"),
        "{}",
        r.head
    );
    let a = reply(&r);
    assert!(a.close);
    raw.expect_eof().await;
    assert_eq!(obs.closed(a.conn.unwrap()).await, ClosedBy::Server);
}

#[tokio::test]
async fn clients_see_only_their_own_connections() {
    let server = TestServer::start().await;
    let mut obs_a = Observer::open(&server, KEY_A).await;
    let mut obs_b = Observer::open(&server, KEY_B).await;

    // A's traffic, ending with a close so it produces every kind of event.
    let mut raw = Raw::connect(server.addr).await;
    raw.send("GET", "/api/lab?n=a1", KEY_A, b"").await;
    let a_conn = reply(&raw.response().await).conn.unwrap();
    raw.send("GET", "/api/lab?close=1", KEY_A, b"").await;
    raw.response().await;
    obs_a.closed(a_conn).await;

    // Then B's own request: once B sees it, B would have seen A's events before it.
    let mut raw_b = Raw::connect(server.addr).await;
    raw_b.send("GET", "/api/lab?n=b1", KEY_B, b"").await;
    let b_conn = reply(&raw_b.response().await).conn.unwrap();
    obs_b
        .until(
            "B's own request",
            |e| matches!(e, ConnEvent::Request { conn, .. } if *conn == b_conn),
        )
        .await;
    let b_own = obs_b.own.unwrap();
    for e in &obs_b.events {
        assert!(
            e.conn() == b_conn || e.conn() == b_own,
            "B saw someone else's connection: {e:?}"
        );
    }
    assert!(obs_a.events.iter().all(|e| e.conn() != b_conn));

    // A connection without a key, or with a malformed one, is seen by no one.
    let mut anon = Raw::connect(server.addr).await;
    anon.send("GET", "/api/lab?n=anon", "not a key!", b"").await;
    let anon_conn = reply(&anon.response().await).conn.unwrap();
    raw_b.send("GET", "/api/lab?n=b2", KEY_B, b"").await;
    raw_b.response().await;
    obs_b
        .until(
            "B's second request",
            |e| matches!(e, ConnEvent::Request { conn, request: 2, .. } if *conn == b_conn),
        )
        .await;
    assert!(obs_b.events.iter().all(|e| e.conn() != anon_conn));
}

/// A browser keeps an idle keep-alive connection across page loads and each load makes a
/// new key: a later page's request on it makes it that page's (announced as of then, its
/// close told to it), and the earlier page hears no more of it.
#[tokio::test]
async fn a_connection_a_later_page_rides_is_that_pages() {
    let server = TestServer::start().await;
    let mut obs_a = Observer::open(&server, KEY_A).await;
    let mut obs_b = Observer::open(&server, KEY_B).await;
    let mut raw = Raw::connect(server.addr).await;
    raw.send("GET", "/api/lab?n=a1", KEY_A, b"").await;
    let conn = reply(&raw.response().await).conn.unwrap();
    obs_a
        .until(
            "A's request",
            |e| matches!(e, ConnEvent::Request { conn: c, .. } if *c == conn),
        )
        .await;
    // B's page rides A's idle connection, asking the server to close it after.
    raw.send("GET", "/api/lab?n=b1&close=1", KEY_B, b"").await;
    let b = reply(&raw.response().await);
    assert_eq!((b.conn, b.request_on_conn), (Some(conn), 2));
    raw.expect_eof().await;
    match obs_b
        .until(
            "B told of the connection",
            |e| matches!(e, ConnEvent::Accepted { conn: c, .. } if *c == conn),
        )
        .await
    {
        ConnEvent::Accepted {
            requests_before, ..
        } => assert_eq!(requests_before, 1, "A's request came before"),
        _ => unreachable!(),
    }
    assert_eq!(obs_b.closed(conn).await, ClosedBy::Server);
    // A saw its own request and nothing of B's: no second request, no close.
    let mut raw_a = Raw::connect(server.addr).await;
    raw_a.send("GET", "/api/lab?n=a2", KEY_A, b"").await;
    let a2 = reply(&raw_a.response().await).conn.unwrap();
    obs_a
        .until(
            "A's next request",
            |e| matches!(e, ConnEvent::Request { conn: c, .. } if *c == a2),
        )
        .await;
    assert!(
        obs_a.events.iter().all(|e| e.conn() != conn
            || matches!(
                e,
                ConnEvent::Accepted { .. }
                    | ConnEvent::Request { request: 1, .. }
                    | ConnEvent::Response { request: 1, .. }
                    | ConnEvent::Wire { request: 1, .. }
            )),
        "A saw B's use of the connection: {:?}",
        obs_a.events
    );
}

#[tokio::test]
async fn a_new_observer_gets_a_snapshot_of_open_connections() {
    let server = TestServer::start().await;
    let mut raw = Raw::connect(server.addr).await;
    raw.send("GET", "/api/lab", KEY_A, b"").await;
    let conn = reply(&raw.response().await).conn.unwrap();
    let mut obs = Observer::open(&server, KEY_A).await;
    obs.until(
        "snapshot of the open connection",
        |e| matches!(e, ConnEvent::Accepted { conn: c, observer: false, .. } if *c == conn),
    )
    .await;
}

async fn error_of(resp: reqwest::Response, status: u16) -> ErrorBody {
    assert_eq!(resp.status().as_u16(), status);
    resp.json().await.expect("a JSON error body")
}

#[tokio::test]
async fn bad_lab_input_is_refused_with_the_parameter_named() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    for (query, param) in [
        ("delay=-1", LabParam::DelayMs),
        ("delay=abc", LabParam::DelayMs),
        ("delay=10001", LabParam::DelayMs),
        ("resp=99999999999999999999999", LabParam::ResponseBytes),
        ("resp=1.5", LabParam::ResponseBytes),
        ("resp=2000000", LabParam::ResponseBytes),
        ("close=maybe", LabParam::Close),
    ] {
        let resp = client
            .get(server.url(&format!("/api/lab?{query}")))
            .send()
            .await
            .unwrap();
        let body = error_of(resp, 400).await;
        assert_eq!(body.code, ErrorCode::BadParam, "{query}");
        assert_eq!(body.param, Some(param), "{query}");
        assert!(!body.message.is_empty());
    }

    let resp = client
        .get(server.url("/api/lab?dealy=5"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(resp, 400).await.code, ErrorCode::BadQuery);

    let resp = client
        .post(server.url("/api/lab"))
        .body(vec![b'x'; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    let body = error_of(resp, 413).await;
    assert_eq!(body.code, ErrorCode::PayloadTooLarge);
    assert_eq!(body.param, Some(LabParam::RequestBytes));

    let resp = client.get(server.url("/ws/observe")).send().await.unwrap();
    assert_eq!(error_of(resp, 400).await.code, ErrorCode::BadQuery);

    // The server is still fine.
    let ok = client.get(server.url("/api/lab")).send().await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
}

#[tokio::test]
async fn one_client_is_rate_limited_and_another_is_not() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let get = |key: &'static str| {
        client
            .get(server.url("/api/lab"))
            .header("x-duplex-client", key)
            .send()
    };
    // The bucket refills while we send (10 per second), so count until the refusal.
    let mut accepted = 0;
    let refused = loop {
        let resp = get(KEY_A).await.unwrap();
        if resp.status().as_u16() != 200 {
            break resp;
        }
        accepted += 1;
        assert!(accepted < LAB_REQUESTS_PER_MINUTE + 200, "never refused");
    };
    assert!(
        accepted >= LAB_REQUESTS_PER_MINUTE,
        "refused after only {accepted} requests"
    );
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    let body = error_of(refused, 429).await;
    assert_eq!(body.code, ErrorCode::RateLimited);
    assert!(body.message.contains("600"), "{}", body.message);
    // Someone else is unaffected.
    assert_eq!(get(KEY_B).await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn a_slow_delay_does_not_hold_up_other_requests() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let slow = tokio::spawn(client.get(server.url("/api/lab?delay=3000")).send());
    let started = std::time::Instant::now();
    let fast = client.get(server.url("/api/lab")).send().await.unwrap();
    assert_eq!(fast.status().as_u16(), 200);
    assert!(
        started.elapsed() < Duration::from_millis(2000),
        "a delayed request blocked another for {:?}",
        started.elapsed()
    );
    assert_eq!(slow.await.unwrap().unwrap().status().as_u16(), 200);
}

/// The page closing its observer gets the server's close reply (a clean close), not a
/// reset or an end of stream without one (which a browser reports as 1006).
#[tokio::test]
async fn an_observer_closed_by_the_page_gets_the_close_reply() {
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    let server = TestServer::start().await;
    let mut obs = Observer::open(&server, KEY_A).await;
    obs.ws
        .close(Some(CloseFrame {
            code: CloseCode::Normal,
            reason: "bye".into(),
        }))
        .await
        .expect("close sent");
    let reply = loop {
        let msg = tokio::time::timeout(PATIENCE, obs.ws.next())
            .await
            .expect("the server answers in time");
        match msg {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => {}
            other => panic!("no close reply from the server: {other:?}"),
        }
    };
    assert_eq!(reply.map(|f| u16::from(f.code)), Some(1000));
}

/// The connection layer tags with the key the handler's own decoder sees: a `client` given
/// twice (refused by `/ws` and by `/api/tally` with 400) tags the connection with no key,
/// so its owner's observer never sees it.
#[tokio::test]
async fn a_refused_repeated_client_tags_nothing() {
    let server = TestServer::start().await;
    let mut obs = Observer::open(&server, KEY_A).await;
    let url = format!("ws://{}/ws?client={KEY_A}&client={KEY_A}", server.addr);
    match tokio_tungstenite::connect_async(url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 400);
        }
        Ok(_) => panic!("a repeated client was accepted"),
        Err(other) => panic!("{other}"),
    }
    // The same over plain HTTP (refused by the endpoint's strict decoder with 400).
    let url = server.url(&format!("/api/tally?run=1&client={KEY_A}&client={KEY_A}"));
    let resp = reqwest::get(url).await.unwrap();
    assert_eq!(error_of(resp, 400).await.code, ErrorCode::BadQuery);
    // Then a request of A's own: once A sees it, A would have seen the refused ones.
    let mut raw = Raw::connect(server.addr).await;
    raw.send("GET", "/api/lab", KEY_A, b"").await;
    let conn = reply(&raw.response().await).conn.unwrap();
    obs.until(
        "A's own request",
        |e| matches!(e, ConnEvent::Request { conn: c, .. } if *c == conn),
    )
    .await;
    let own = obs.own.unwrap();
    for e in &obs.events {
        assert!(
            e.conn() == conn || e.conn() == own,
            "the refused handshake was tagged: {e:?}"
        );
    }
}
