//! Caps on WebSocket sessions (in all and per address) and per-address ceilings on the
//! per-client quotas, over real TCP from several loopback source addresses
//! (127.0.0.1, 127.0.0.2, …: the whole 127/8 is the loopback interface).

mod common;

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use backend::SessionLimits;
use common::TestServer;
use futures_util::{SinkExt, StreamExt};
use protocol::compare::RaceWsQuery;
use protocol::emulate::NetModel;
use protocol::observe::ObserveQuery;
use protocol::query::QueryString;
use protocol::{ErrorBody, ErrorCode};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, client_async};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A TCP connection to `server` from the loopback address `127.0.0.<from>`.
async fn tcp_from(server: SocketAddr, from: u8) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(IpAddr::from([127, 0, 0, from]), 0))
        .unwrap();
    socket.connect(server).await.unwrap()
}

/// Opens `path_and_query` as a WebSocket from `127.0.0.<from>`: the socket, or the
/// refusal's status, `Retry-After` and JSON body.
async fn open_from(
    server: &TestServer,
    from: u8,
    path_and_query: &str,
) -> Result<Ws, (u16, String, ErrorBody)> {
    let url = format!("ws://{}{path_and_query}", server.addr);
    let req = url.into_client_request().unwrap();
    let tcp = tcp_from(server.addr, from).await;
    match client_async(req, MaybeTlsStream::Plain(tcp)).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            let (status, retry, body) = common::upgrade_refusal(&resp);
            Err((status, retry.unwrap_or_default(), body))
        }
        Err(e) => panic!("{e}"),
    }
}

const KEY: &str = "capstestclientkey1";

/// Every WebSocket endpoint that needs no running feed, each a session that counts.
fn endpoints() -> Vec<String> {
    let race = RaceWsQuery {
        n: 1,
        run: None,
        emu: NetModel::NONE,
        client: Some(KEY.to_owned()),
    };
    let observe = ObserveQuery {
        client: KEY.to_owned(),
    };
    vec![
        protocol::ws::WS_PATH.to_owned(),
        protocol::ws::WS_ECHO_PATH.to_owned(),
        format!("{}?{}", protocol::observe::OBSERVE_PATH, observe.to_query()),
        format!("{}?{}", protocol::compare::RACE_WS_PATH, race.to_query()),
    ]
}

/// An echo on `/ws/echo` still round-trips: the session is alive and served.
async fn still_served(ws: &mut Ws) {
    ws.send(Message::text("still here")).await.unwrap();
    let echoed = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .expect("an echo in time")
        .expect("the socket is open")
        .unwrap();
    assert_eq!(echoed, Message::text("still here"));
}

#[tokio::test]
async fn sessions_past_a_cap_get_a_json_503_and_the_open_ones_go_on() {
    let limits = SessionLimits {
        total: 6,
        per_ip: 4,
    };
    let server = TestServer::start_with(|s| s.with_session_limits(limits)).await;
    // Four sessions from 127.0.0.1, one on each endpoint: all count towards one cap.
    let mut open = Vec::new();
    for path in endpoints() {
        open.push(open_from(&server, 1, &path).await.expect("under the cap"));
    }
    for path in endpoints() {
        let (status, retry, body) = open_from(&server, 1, &path)
            .await
            .expect_err("past the address's cap");
        assert_eq!((status, retry.as_str()), (503, "5"), "{path}");
        assert_eq!(body.code, ErrorCode::TooManySessions);
        assert!(body.message.contains("this address"), "{}", body.message);
    }
    // Another address still gets in, up to the total.
    let mut echo_b = open_from(&server, 2, protocol::ws::WS_ECHO_PATH)
        .await
        .expect("another address");
    let _b2 = open_from(&server, 2, protocol::ws::WS_PATH).await.unwrap();
    let (status, _, body) = open_from(&server, 3, protocol::ws::WS_PATH)
        .await
        .expect_err("past the total");
    assert_eq!(status, 503);
    assert!(body.message.contains("the server"), "{}", body.message);
    // Plain HTTP is not a session: still served from a full address.
    let health = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    // The open sessions go on.
    still_served(&mut open[1]).await;
    still_served(&mut echo_b).await;
    // A closed session frees its place (once its loop has ended).
    let mut first = open.remove(1);
    first.close(None).await.unwrap();
    while first.next().await.is_some() {}
    let deadline = Instant::now() + Duration::from_secs(5);
    let again = loop {
        match open_from(&server, 1, protocol::ws::WS_ECHO_PATH).await {
            Ok(ws) => break ws,
            Err((503, ..)) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => panic!("the freed place never came back: {e:?}"),
        }
    };
    drop(again);
}

/// A race socket of `n` round trips for `key` from `127.0.0.<from>`: admitted, or the
/// refusal's status and body.
async fn race_from(
    server: &TestServer,
    from: u8,
    key: &str,
    n: u64,
) -> Result<(), (u16, ErrorBody)> {
    let q = RaceWsQuery {
        n,
        run: None,
        emu: NetModel::NONE,
        client: Some(key.to_owned()),
    };
    let path = format!("{}?{}", protocol::compare::RACE_WS_PATH, q.to_query());
    open_from(server, from, &path)
        .await
        .map(drop)
        .map_err(|(status, _, body)| (status, body))
}

#[tokio::test]
async fn rotating_client_keys_does_not_lift_an_address_s_quota() {
    let server = TestServer::start_with(|s| s.with_clients_per_address(2)).await;
    let n = protocol::compare::RACE_MAX_ROUND_TRIPS;
    let per_key = protocol::compare::RACE_ROUND_TRIPS_PER_MINUTE / n;
    // Two keys' worth from one address, each key up to its own quota...
    for key in ["rotatingkey-000001", "rotatingkey-000002"] {
        for _ in 0..per_key {
            race_from(&server, 1, key, n)
                .await
                .expect("within both quotas");
        }
        let (status, body) = race_from(&server, 1, key, n).await.unwrap_err();
        assert_eq!((status, body.code), (429, ErrorCode::RateLimited));
        assert!(body.message.contains("per client"), "{}", body.message);
    }
    // ...then a fresh key from the same address is refused: the address's ceiling.
    let (status, body) = race_from(&server, 1, "rotatingkey-000003", n)
        .await
        .unwrap_err();
    assert_eq!((status, body.code), (429, ErrorCode::RateLimited));
    assert!(body.message.contains("per address"), "{}", body.message);
    // Another address is not held to this one's ceiling.
    race_from(&server, 2, "rotatingkey-000004", n)
        .await
        .expect("another address");
}

#[tokio::test]
async fn rotating_client_keys_does_not_lift_an_address_s_feeds_at_once() {
    let server = TestServer::start_with(|s| s.with_clients_per_address(1)).await;
    let start = |from: u8, key: &'static str| {
        let q = protocol::compare::FeedStartQuery {
            rate_hz: 1,
            seconds: 30,
            client: None,
        };
        let target = format!("{}?{}", protocol::compare::FEED_PATH, q.to_query());
        async move {
            // One request on a connection from the chosen source address, by hand.
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut tcp = tcp_from(server.addr, from).await;
            tcp.write_all(
                format!(
                    "POST {target} HTTP/1.1\r\nHost: x\r\n{}: {key}\r\nContent-Length: 0\r\n\
                     Connection: close\r\n\r\n",
                    protocol::observe::CLIENT_HEADER
                )
                .as_bytes(),
            )
            .await
            .unwrap();
            let mut got = String::new();
            tcp.read_to_string(&mut got).await.unwrap();
            let status: u16 = got[9..12].parse().unwrap();
            let body = got.split_once("\r\n\r\n").unwrap().1.to_owned();
            (status, body)
        }
    };
    for _ in 0..protocol::compare::FEEDS_PER_CLIENT {
        assert_eq!(start(1, "feedkey-address-01").await.0, 200);
    }
    let (status, body) = start(1, "feedkey-address-02").await;
    assert_eq!(status, 429, "{body}");
    let body: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(body.code, ErrorCode::TooManyAtOnce);
    assert!(body.message.contains("this address"), "{}", body.message);
    assert_eq!(
        start(2, "feedkey-address-03").await.0,
        200,
        "another address"
    );
}
