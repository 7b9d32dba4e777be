//! Chat members for the tests: a WebSocket member (tokio-tungstenite) and the HTTP calls of
//! a polling member (reqwest), on whichever instance the test names.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use protocol::chat::{
    CHAT_LONG_PATH, CHAT_PATH, CHAT_POLL_PATH, CHAT_WS_PATH, ChatBatch, ChatClientMsg, ChatEvent,
    ChatJoinQuery, ChatJoined, ChatMemberQuery, ChatReadQuery, ChatServerMsg, ChatWelcome,
};
use protocol::query::target;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, client_async};

use crate::common::{self, TestServer};

pub(crate) type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
/// A refusal: status, `Retry-After`, the JSON body.
pub(crate) type Refusal = (u16, Option<String>, protocol::ErrorBody);

/// Upper bound for anything that should happen at once on loopback (Redis included).
pub(crate) const PATIENCE: Duration = Duration::from_secs(10);

pub(crate) fn key(n: u32) -> String {
    format!("chatredisclientkey{n:04}")
}

pub(crate) fn join_query(room: &str, name: &str, client: &str) -> ChatJoinQuery {
    ChatJoinQuery {
        room: room.into(),
        name: name.into(),
        client: Some(client.into()),
        ..ChatJoinQuery::default()
    }
}

pub(crate) struct Member {
    pub(crate) ws: Ws,
    pub(crate) welcome: ChatWelcome,
}

pub(crate) async fn try_join_ws(server: &TestServer, q: &ChatJoinQuery) -> Result<Member, Refusal> {
    try_join_ws_with(server, q, None).await
}

/// Joins over a WebSocket; `recv_buffer` sets the client's socket receive buffer (a
/// member that reads slowly).
pub(crate) async fn try_join_ws_with(
    server: &TestServer,
    q: &ChatJoinQuery,
    recv_buffer: Option<u32>,
) -> Result<Member, Refusal> {
    let url = format!("ws://{}{}", server.addr, target(CHAT_WS_PATH, q));
    let socket = TcpSocket::new_v4().unwrap();
    if let Some(size) = recv_buffer {
        socket.set_recv_buffer_size(size).unwrap();
    }
    let tcp = socket.connect(server.addr).await.unwrap();
    match client_async(
        url.into_client_request().unwrap(),
        MaybeTlsStream::Plain(tcp),
    )
    .await
    {
        Ok((mut ws, _)) => match next_msg(&mut ws).await {
            ChatServerMsg::Welcome { welcome } => Ok(Member { ws, welcome }),
            other => panic!("expected a welcome, got {other:?}"),
        },
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            Err(common::upgrade_refusal(&resp))
        }
        Err(e) => panic!("{e}"),
    }
}

pub(crate) async fn join_ws(server: &TestServer, room: &str, name: &str, client: &str) -> Member {
    try_join_ws(server, &join_query(room, name, client))
        .await
        .unwrap_or_else(|r| panic!("join refused: {r:?}"))
}

async fn next_msg(ws: &mut Ws) -> ChatServerMsg {
    loop {
        let msg = tokio::time::timeout(PATIENCE, ws.next())
            .await
            .expect("the server answered in time")
            .expect("the socket is open")
            .expect("no protocol error");
        match msg {
            Message::Text(t) => return serde_json::from_str(&t).expect("a ChatServerMsg"),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

impl Member {
    pub(crate) async fn next(&mut self) -> ChatServerMsg {
        next_msg(&mut self.ws).await
    }

    pub(crate) async fn event(&mut self) -> ChatEvent {
        match next_msg(&mut self.ws).await {
            ChatServerMsg::Event { event } => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    pub(crate) async fn say(&mut self, text: &str, client_seq: Option<u64>) {
        let msg = ChatClientMsg::Say {
            text: text.into(),
            client_seq,
        };
        self.ws
            .send(Message::text(serde_json::to_string(&msg).unwrap()))
            .await
            .unwrap();
    }

    /// Reads until the server's close frame: its code and reason.
    pub(crate) async fn close_frame(&mut self) -> (u16, String) {
        loop {
            let msg = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("closed in time");
            match msg {
                Some(Ok(Message::Close(Some(f)))) => {
                    return (u16::from(f.code), f.reason.to_string());
                }
                Some(Ok(Message::Close(None))) | None => panic!("closed without a code"),
                Some(Ok(_)) => {}
                Some(Err(e)) => panic!("{e}"),
            }
        }
    }
}

pub(crate) fn texts(events: &[ChatEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::Message { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

async fn refusal(resp: reqwest::Response) -> Refusal {
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, resp.json().await.expect("a JSON error body"))
}

pub(crate) async fn join_http(
    server: &TestServer,
    q: &ChatJoinQuery,
) -> Result<ChatJoined, Refusal> {
    let resp = reqwest::Client::new()
        .post(server.url(&target(CHAT_PATH, q)))
        .send()
        .await
        .unwrap();
    if resp.status() == 200 {
        Ok(resp.json().await.unwrap())
    } else {
        Err(refusal(resp).await)
    }
}

pub(crate) async fn leave_http(server: &TestServer, room: &str, token: &str, client: &str) -> u16 {
    let q = ChatMemberQuery {
        room: room.into(),
        member: token.into(),
        client: Some(client.into()),
        run: None,
    };
    reqwest::Client::new()
        .delete(server.url(&target(CHAT_PATH, &q)))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

pub(crate) async fn poll(
    server: &TestServer,
    room: &str,
    token: &str,
    client: &str,
    after: u64,
    long: bool,
) -> Result<ChatBatch, Refusal> {
    let q = ChatReadQuery {
        room: room.into(),
        member: token.into(),
        after: Some(after),
        client: Some(client.into()),
        ..ChatReadQuery::default()
    };
    let path = if long { CHAT_LONG_PATH } else { CHAT_POLL_PATH };
    let resp = reqwest::Client::new()
        .get(server.url(&target(path, &q)))
        .send()
        .await
        .unwrap();
    if resp.status() == 200 {
        Ok(resp.json().await.unwrap())
    } else {
        Err(refusal(resp).await)
    }
}

/// Long-polls until `count` messages have come: every event once, in order (strictly
/// increasing numbers), nothing missed.
pub(crate) async fn poll_messages(
    server: &TestServer,
    room: &str,
    joined: &ChatJoined,
    client: &str,
    count: usize,
) -> Vec<ChatEvent> {
    let mut after = joined.welcome.seq;
    let mut events: Vec<ChatEvent> = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while texts(&events).len() < count {
        assert!(Instant::now() < deadline, "{count} messages in time");
        let batch = poll(server, room, &joined.member, client, after, true)
            .await
            .expect("a poll");
        assert_eq!(batch.missed, 0, "a poller that keeps up misses nothing");
        for e in batch.events {
            assert!(
                e.seq() > after,
                "each event once: {} after {after}",
                e.seq()
            );
            after = e.seq();
            events.push(e);
        }
    }
    events
}
