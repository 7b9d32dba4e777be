//! WebSocket client pieces every scenario shares — connect (with this site's `Origin`),
//! the next message within a deadline, a normal close whose handshake must complete — and
//! the two plain WebSocket scenarios: a `/ws` session and `/ws/echo`.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::observe::WsQuery;
use protocol::query::target;
use protocol::ws::{SUBPROTOCOL, WS_ECHO_PATH, WS_PATH};
use protocol::{ClientMsg, ServerMsg, close_code};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};

use crate::churn::Ctx;
use crate::error::{LoadError, unexpected};
use crate::target::Target;

pub(crate) type Ws = WebSocketStream<TcpStream>;

/// The longest any single answer may take on loopback before the scenario fails.
pub(crate) const PATIENCE: Duration = Duration::from_secs(10);

/// Small buffers: an idle client holds thousands of these.
pub(crate) fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0)
}

/// `future` within [`PATIENCE`].
pub(crate) async fn patient<T>(
    future: impl Future<Output = Result<T, LoadError>>,
) -> Result<T, LoadError> {
    tokio::time::timeout(PATIENCE, future)
        .await
        .map_err(|_| LoadError::Timeout(PATIENCE))?
}

/// Opens `path_and_query` on `stream` (already connected to `target`).
pub(crate) async fn handshake(
    target: &Target,
    stream: TcpStream,
    path_and_query: &str,
    subprotocol: Option<&str>,
) -> Result<Ws, LoadError> {
    let req = target.ws_request(path_and_query, subprotocol)?;
    patient(async {
        let (ws, resp) =
            tokio_tungstenite::client_async_with_config(req, stream, Some(config())).await?;
        if resp.status() != 101 {
            return Err(unexpected(format!("handshake answered {}", resp.status())));
        }
        Ok(ws)
    })
    .await
}

/// Connects to `target` and opens `path_and_query`.
pub(crate) async fn connect(
    target: &Target,
    path_and_query: &str,
    subprotocol: Option<&str>,
) -> Result<Ws, LoadError> {
    let stream = patient(async { Ok(TcpStream::connect(target.addr).await?) }).await?;
    stream.set_nodelay(true)?;
    handshake(target, stream, path_and_query, subprotocol).await
}

/// The next text or binary message (pings and pongs skipped: tungstenite answers pings);
/// a close or the end of the stream is an error here.
pub(crate) async fn next(ws: &mut Ws) -> Result<Message, LoadError> {
    patient(async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                Some(Ok(Message::Close(frame))) => {
                    return Err(unexpected(format!("closed by the server: {frame:?}")));
                }
                Some(Ok(m)) => return Ok(m),
                Some(Err(e)) => return Err(e.into()),
                None => return Err(unexpected("the connection ended")),
            }
        }
    })
    .await
}

/// The next message as a [`ServerMsg`].
pub(crate) async fn next_server_msg(ws: &mut Ws) -> Result<ServerMsg, LoadError> {
    match next(ws).await? {
        Message::Text(t) => Ok(serde_json::from_str(t.as_str())?),
        other => Err(unexpected(format!("expected a text frame, got {other:?}"))),
    }
}

pub(crate) async fn send_msg(ws: &mut Ws, msg: &ClientMsg) -> Result<(), LoadError> {
    patient(async { Ok(ws.send(Message::text(serde_json::to_string(msg)?)).await?) }).await
}

/// Closes with 1000 and waits for the whole handshake: the server's close frame (1000,
/// after any messages still in flight, which are passed over) and then the end of the
/// TCP connection.
pub(crate) async fn close_normally(ws: &mut Ws) -> Result<(), LoadError> {
    patient(async {
        ws.close(Some(CloseFrame {
            code: CloseCode::from(close_code::NORMAL),
            reason: "done".into(),
        }))
        .await?;
        let mut reply = None;
        while let Some(msg) = ws.next().await {
            match msg {
                Ok(Message::Close(frame)) => reply = Some(frame),
                Ok(_) => {}
                Err(e) => return Err(e.into()),
            }
        }
        match reply {
            Some(Some(frame)) if u16::from(frame.code) == close_code::NORMAL => Ok(()),
            Some(other) => Err(unexpected(format!("the server closed with {other:?}"))),
            None => Err(unexpected("no close frame came back")),
        }
    })
    .await
}

/// Sends `payload` as binary and expects it back unchanged (after `note`, if the
/// endpoint sends a note first, as `/ws` does).
async fn binary_echo(ws: &mut Ws, payload: &[u8], note: bool) -> Result<(), LoadError> {
    patient(async { Ok(ws.send(Message::binary(payload.to_vec())).await?) }).await?;
    if note {
        match next_server_msg(ws).await? {
            ServerMsg::BinaryReceived { payload_bytes, .. }
                if payload_bytes == payload.len() as u64 => {}
            other => {
                return Err(unexpected(format!(
                    "expected binary_received, got {other:?}"
                )));
            }
        }
    }
    match next(ws).await? {
        Message::Binary(b) if b.as_ref() == payload => Ok(()),
        other => Err(unexpected(format!(
            "expected the binary echo, got {other:?}"
        ))),
    }
}

/// A `/ws` session: the welcome (with the subprotocol offered), two text echoes, a clock
/// probe, two binary echoes, a normal close.
pub(crate) async fn session(ctx: &Ctx) -> Result<(), LoadError> {
    let query = WsQuery {
        client: Some(ctx.key.clone()),
    };
    let mut ws = connect(&ctx.target, &target(WS_PATH, &query), Some(SUBPROTOCOL)).await?;
    match next_server_msg(&mut ws).await? {
        ServerMsg::Welcome { subprotocol, .. } if subprotocol.as_deref() == Some(SUBPROTOCOL) => {}
        other => return Err(unexpected(format!("expected the welcome, got {other:?}"))),
    }
    for seq in 1..=2 {
        let payload = format!("churn {seq} ✓");
        send_msg(
            &mut ws,
            &ClientMsg::Echo {
                seq,
                payload: payload.clone(),
            },
        )
        .await?;
        match next_server_msg(&mut ws).await? {
            ServerMsg::Echo {
                seq: s, payload: p, ..
            } if s == seq && p == payload => {}
            other => return Err(unexpected(format!("expected echo {seq}, got {other:?}"))),
        }
    }
    send_msg(&mut ws, &ClientMsg::Clock { seq: 3 }).await?;
    match next_server_msg(&mut ws).await? {
        ServerMsg::Clock { seq: 3, .. } => {}
        other => {
            return Err(unexpected(format!(
                "expected the clock reply, got {other:?}"
            )));
        }
    }
    for n in [16usize, 1000] {
        binary_echo(&mut ws, &vec![n as u8; n], true).await?;
    }
    close_normally(&mut ws).await
}

/// `/ws/echo`: two text and two binary messages back unchanged, a normal close.
pub(crate) async fn echo(ctx: &Ctx) -> Result<(), LoadError> {
    let query = WsQuery {
        client: Some(ctx.key.clone()),
    };
    let mut ws = connect(&ctx.target, &target(WS_ECHO_PATH, &query), None).await?;
    for text in ["hello", "こんにちは"] {
        patient(async { Ok(ws.send(Message::text(text)).await?) }).await?;
        match next(&mut ws).await? {
            Message::Text(t) if t.as_str() == text => {}
            other => return Err(unexpected(format!("expected `{text}` back, got {other:?}"))),
        }
    }
    for n in [1usize, 2000] {
        binary_echo(&mut ws, &vec![7; n], false).await?;
    }
    close_normally(&mut ws).await
}
