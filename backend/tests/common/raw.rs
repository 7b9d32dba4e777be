//! A raw HTTP/1.1 client on one TCP connection that counts every byte it sends and
//! receives, for checking the server's own counts (and for the connection-layer bench).

#![allow(dead_code, unreachable_pub)] // shared by tests and the bench, each using a part

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PATIENCE: Duration = Duration::from_secs(5);

/// One keep-alive connection.
pub struct Raw {
    tcp: TcpStream,
    pub sent: u64,
    pub received: u64,
    buf: Vec<u8>,
}

pub struct RawResponse {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
    /// Bytes of this response on the wire (head + body).
    pub wire: u64,
}

impl Raw {
    pub async fn connect(addr: SocketAddr) -> Self {
        Raw {
            tcp: TcpStream::connect(addr).await.unwrap(),
            sent: 0,
            received: 0,
            buf: Vec::new(),
        }
    }

    /// Sends a request and returns its size on the wire.
    pub async fn send(&mut self, method: &str, target: &str, key: &str, body: &[u8]) -> u64 {
        let mut req =
            format!("{method} {target} HTTP/1.1\r\nHost: test\r\nx-duplex-client: {key}\r\n");
        if method == "POST" {
            req.push_str(&format!(
                "content-type: application/octet-stream\r\ncontent-length: {}\r\n",
                body.len()
            ));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.tcp.write_all(&bytes).await.unwrap();
        self.sent += bytes.len() as u64;
        bytes.len() as u64
    }

    async fn fill(&mut self) -> usize {
        let mut chunk = [0u8; 16 * 1024];
        let n = tokio::time::timeout(PATIENCE, self.tcp.read(&mut chunk))
            .await
            .expect("server answered in time")
            .unwrap();
        self.received += n as u64;
        self.buf.extend_from_slice(&chunk[..n]);
        n
    }

    /// Reads one response with a `content-length`.
    pub async fn response(&mut self) -> RawResponse {
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            assert!(self.fill().await > 0, "connection ended before a response");
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).to_string();
        let status: u16 = head[9..12].parse().unwrap();
        let len: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().unwrap())
            })
            .expect("content-length");
        while self.buf.len() < head_end + len {
            assert!(self.fill().await > 0, "connection ended inside a body");
        }
        let body = self.buf[head_end..head_end + len].to_vec();
        self.buf.drain(..head_end + len);
        RawResponse {
            status,
            head,
            body,
            wire: (head_end + len) as u64,
        }
    }

    /// Waits for the server's FIN.
    pub async fn expect_eof(&mut self) {
        assert_eq!(self.fill().await, 0, "server closed the connection");
    }
}
