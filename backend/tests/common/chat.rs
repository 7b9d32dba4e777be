//! Chat members for the tests (`tests/chat.rs`, `tests/chat_redis/`): a WebSocket member
//! (tokio-tungstenite) that keeps every text frame it received, and the HTTP calls of a
//! polling member (reqwest), on whichever server the test names.

#![allow(dead_code)] // each test binary uses a different subset

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use protocol::ErrorBody;
use protocol::chat::{
    CHAT_LONG_PATH, CHAT_PATH, CHAT_POLL_PATH, CHAT_SEND_PATH, CHAT_WS_PATH, ChatBatch,
    ChatClientMsg, ChatEvent, ChatJoinQuery, ChatJoined, ChatMemberQuery, ChatReadQuery, ChatSay,
    ChatSent, ChatServerMsg, ChatWelcome,
};
use protocol::query::target;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, client_async};

use crate::common::{self, TestServer};

pub(crate) type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Upper bound for anything the server should do at once on loopback.
pub(crate) const PATIENCE: Duration = Duration::from_secs(10);

pub(crate) fn key(n: u32) -> String {
    format!("chattestclientkey{n:04}")
}

/// A WebSocket member: its socket, its welcome, and every text frame it has received.
pub(crate) struct Member {
    pub(crate) ws: Ws,
    pub(crate) welcome: ChatWelcome,
    pub(crate) seen: Vec<String>,
}

pub(crate) type Refusal = (u16, Option<String>, ErrorBody);

pub(crate) fn join_query(room: &str, name: &str, client: &str) -> ChatJoinQuery {
    ChatJoinQuery {
        room: room.into(),
        name: name.into(),
        client: Some(client.into()),
        ..ChatJoinQuery::default()
    }
}

/// Joins over a WebSocket; `recv_buffer` sets the client's socket receive buffer (a
/// member that reads slowly).
pub(crate) async fn join_ws_with(
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
        Ok((mut ws, _)) => {
            let mut seen = Vec::new();
            match next_msg(&mut ws, &mut seen).await {
                ChatServerMsg::Welcome { welcome } => Ok(Member { ws, welcome, seen }),
                other => panic!("expected a welcome, got {other:?}"),
            }
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            Err(common::upgrade_refusal(&resp))
        }
        Err(e) => panic!("{e}"),
    }
}

pub(crate) async fn join_ws(server: &TestServer, room: &str, name: &str, client: &str) -> Member {
    join_ws_with(server, &join_query(room, name, client), None)
        .await
        .unwrap_or_else(|r| panic!("join refused: {r:?}"))
}

/// The next message from the server (pings skipped: tungstenite answers them), its text
/// kept in `seen`.
pub(crate) async fn next_msg(ws: &mut Ws, seen: &mut Vec<String>) -> ChatServerMsg {
    loop {
        let msg = tokio::time::timeout(PATIENCE, ws.next())
            .await
            .expect("the server answered in time")
            .expect("the socket is open")
            .expect("no protocol error");
        match msg {
            Message::Text(t) => {
                seen.push(t.to_string());
                return serde_json::from_str(&t).expect("a ChatServerMsg");
            }
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

impl Member {
    pub(crate) async fn next(&mut self) -> ChatServerMsg {
        next_msg(&mut self.ws, &mut self.seen).await
    }

    /// The next room event (anything else is a failure).
    pub(crate) async fn event(&mut self) -> ChatEvent {
        match self.next().await {
            ChatServerMsg::Event { event } => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// Room events until `done` says so, skipping none.
    pub(crate) async fn events_until(
        &mut self,
        done: impl Fn(&ChatEvent) -> bool,
    ) -> Vec<ChatEvent> {
        let mut out = Vec::new();
        loop {
            let e = self.event().await;
            let stop = done(&e);
            out.push(e);
            if stop {
                return out;
            }
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

    /// Reads until the server's close frame: its code.
    pub(crate) async fn close_code(&mut self) -> u16 {
        self.close_frame().await.0
    }

    /// Reads until the server's close frame: its code and reason.
    pub(crate) async fn close_frame(&mut self) -> (u16, String) {
        loop {
            let msg = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("closed in time");
            match msg {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return (u16::from(frame.code), frame.reason.to_string());
                }
                Some(Ok(Message::Close(None))) | None => panic!("closed without a code"),
                Some(Ok(Message::Text(t))) => self.seen.push(t.to_string()),
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

pub(crate) fn is_message_text(e: &ChatEvent, want: &str) -> bool {
    matches!(e, ChatEvent::Message { text, .. } if text == want)
}

// ---- HTTP members ----

pub(crate) async fn error_of(resp: reqwest::Response) -> Refusal {
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
        Err(error_of(resp).await)
    }
}

pub(crate) fn member_query(room: &str, token: &str, client: &str) -> ChatMemberQuery {
    ChatMemberQuery {
        room: room.into(),
        member: token.into(),
        client: Some(client.into()),
        run: None,
    }
}

/// Leaves over HTTP (`DELETE`): the status.
pub(crate) async fn leave_http(server: &TestServer, room: &str, token: &str, client: &str) -> u16 {
    reqwest::Client::new()
        .delete(server.url(&target(CHAT_PATH, &member_query(room, token, client))))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

pub(crate) async fn say_http(
    server: &TestServer,
    room: &str,
    token: &str,
    client: &str,
    body: String,
) -> Result<ChatSent, Refusal> {
    let resp = reqwest::Client::new()
        .post(server.url(&target(CHAT_SEND_PATH, &member_query(room, token, client))))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    if resp.status() == 200 {
        Ok(resp.json().await.unwrap())
    } else {
        Err(error_of(resp).await)
    }
}

pub(crate) fn say_body(text: &str) -> String {
    serde_json::to_string(&ChatSay {
        text: text.into(),
        client_seq: None,
    })
    .unwrap()
}

/// One poll: the batch and the answer's raw text.
pub(crate) async fn poll(
    server: &TestServer,
    room: &str,
    token: &str,
    client: &str,
    after: u64,
    long: bool,
) -> Result<(ChatBatch, String), Refusal> {
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
        let text = resp.text().await.unwrap();
        Ok((serde_json::from_str(&text).unwrap(), text))
    } else {
        Err(error_of(resp).await)
    }
}

/// Polls until `count` messages have come; every event once (strictly increasing numbers).
pub(crate) async fn poll_messages(
    server: &TestServer,
    room: &str,
    joined: &ChatJoined,
    client: &str,
    count: usize,
    long: bool,
) -> (Vec<ChatEvent>, Vec<String>, ChatBatch) {
    let mut after = joined.welcome.seq;
    let mut events: Vec<ChatEvent> = Vec::new();
    let mut raw = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (batch, text) = poll(server, room, &joined.member, client, after, long)
            .await
            .expect("a poll");
        raw.push(text);
        assert_eq!(batch.missed, 0, "a poller that keeps up misses nothing");
        for e in &batch.events {
            assert!(
                e.seq() > after,
                "each event once: {} after {after}",
                e.seq()
            );
            after = e.seq();
            events.push(e.clone());
        }
        if texts(&events).len() >= count {
            return (events, raw, batch);
        }
        assert!(Instant::now() < deadline, "{} messages in time", count);
        if !long {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// No text another member received names a client key, a member token or an address.
pub(crate) fn assert_private(seen: &[String], secrets: &[&str]) {
    assert!(!seen.is_empty());
    for text in seen {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret:?} leaked in {text}");
        }
        assert!(!text.contains("127.0.0.1"), "an address leaked in {text}");
    }
}

// ---- the tests ----
