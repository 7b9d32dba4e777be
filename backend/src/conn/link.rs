//! The emulated network, inside the connection layer: one place that delays bytes for
//! HTTP, SSE and WebSocket alike.
//!
//! A [`Link`] is the accepted TCP socket. Until a request asks for emulation it is the
//! plain socket. Each request head is looked at (the first bytes read after the server
//! has written, or the very first bytes): `?emu=<rtt>,<jitter>` on its request line sets
//! the connection's [`NetModel`] from then on (a head without it sets none). The first time
//! a model is set the socket is split:
//!
//! - **client → server**: bytes are read from the socket as soon as they arrive (up to
//!   [`READ_AHEAD`] bytes ahead), stamped with a due time — now + rtt/2 + jitter, never
//!   before the previous chunk's — and handed to hyper only when due. The first request on
//!   a new connection is also not due before `accepted + rtt + rtt/2`: the client could not
//!   have sent it before the TCP handshake's round trip.
//! - **server → client**: writes are accepted at once (as a kernel buffer would) and a
//!   small per-connection task writes each chunk to the socket when due; a shutdown is
//!   queued behind the data.
//!
//! Delays are tokio timers (1 ms resolution, rounded up), never a blocked thread, and each
//! connection has its own queue and timer, so one slow connection never delays another.
//! Not emulated: loss, reordering, bandwidth, slow start, the handshake's effect on the
//! browser's own `connect` timing (it shows up as waiting time instead).

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use protocol::emulate::NetModel;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;
use tokio::time::{Instant, Sleep};
use tokio_util::sync::PollSender;

use super::guard::give;

/// Most bytes read from the socket but not yet due (beyond it, the socket is left to
/// buffer, as a full receive window would).
const READ_AHEAD: usize = 256 * 1024;
/// Most write chunks queued for the writer task.
const WRITE_QUEUE: usize = 64;
/// Size of one read from the socket into the delay queue.
const READ_CHUNK: usize = 16 * 1024;
/// Seeds each emulated connection's jitter generator differently.
static SEED: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0x2545_F491_4F6C_DD1D);

/// The accepted socket, plain or emulated.
#[derive(Debug)]
pub(crate) struct Link {
    mode: Mode,
    accepted: Instant,
    /// The next bytes read start a request head (first read, or a write happened since).
    head_next: bool,
    /// A request head has been read on this connection before.
    seen_request: bool,
    /// The start of a request head being read (plain mode), and bytes read ahead of
    /// hyper that it has yet to get.
    sniff: Vec<u8>,
    pending: Vec<u8>,
    pending_at: usize,
}

#[derive(Debug)]
enum Mode {
    Plain(TcpStream),
    Emulated(Box<Emulated>),
    /// Only while switching from plain to emulated.
    Gone,
}

#[derive(Debug)]
struct Emulated {
    read: OwnedReadHalf,
    model: NetModel,
    rng: u64,
    inbox: VecDeque<Chunk>,
    inbox_bytes: usize,
    /// End of stream (or a read error) from the socket, due at this time.
    end: Option<(Instant, Option<io::Error>)>,
    last_in_due: Instant,
    last_out_due: Instant,
    timer: Pin<Box<Sleep>>,
    out: PollSender<Out>,
    shut: bool,
}

#[derive(Debug)]
struct Chunk {
    due: Instant,
    bytes: Vec<u8>,
    at: usize,
}

#[derive(Debug)]
enum Out {
    Data(Instant, Vec<u8>),
    Shutdown(Instant),
}

impl Link {
    pub(crate) fn new(tcp: TcpStream) -> Self {
        Self {
            mode: Mode::Plain(tcp),
            accepted: Instant::now(),
            head_next: true,
            seen_request: false,
            sniff: Vec::new(),
            pending: Vec::new(),
            pending_at: 0,
        }
    }

    /// Switches a plain socket to emulated with `model`, queueing `first` (bytes already
    /// read) as the first chunk; `first_request` adds the handshake's round trip.
    fn go_emulated(&mut self, model: NetModel, first: Vec<u8>, first_request: bool) {
        let Mode::Plain(tcp) = std::mem::replace(&mut self.mode, Mode::Gone) else {
            unreachable!("go_emulated on a socket that is not plain");
        };
        let (read, write) = tcp.into_split();
        let (tx, rx) = mpsc::channel(WRITE_QUEUE);
        tokio::spawn(write_when_due(write, rx));
        let now = Instant::now();
        let seed = SEED
            .fetch_add(0x9E37_79B9_7F4A_7C15, std::sync::atomic::Ordering::Relaxed)
            .rotate_left(29);
        let mut e = Emulated {
            read,
            model,
            rng: seed | 1,
            inbox: VecDeque::new(),
            inbox_bytes: 0,
            end: None,
            last_in_due: now,
            last_out_due: now,
            timer: Box::pin(tokio::time::sleep_until(now)),
            out: PollSender::new(tx),
            shut: false,
        };
        let mut due = e.due_in(now);
        if first_request {
            // The handshake's round trip, then the request's own way over.
            let earliest = self.accepted + e.leg(model.rtt_ms) + e.leg(model.rtt_ms / 2);
            due = due.max(earliest);
            e.last_in_due = due;
        }
        e.push(due, first);
        self.mode = Mode::Emulated(Box::new(e));
    }
}

impl Emulated {
    /// `ms` as a duration.
    fn leg(&self, ms: u32) -> Duration {
        Duration::from_millis(u64::from(ms))
    }

    /// Uniform in `0..=jitter_ms` ms, from a xorshift generator: a random source this
    /// small needs no crate (and the sequence need not be unpredictable).
    fn jitter(&mut self) -> Duration {
        let j = u64::from(self.model.jitter_ms) * 1000;
        if j == 0 {
            return Duration::ZERO;
        }
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        Duration::from_micros(x % (j + 1))
    }

    /// When bytes read now reach the server: half the round trip plus jitter, in order.
    fn due_in(&mut self, now: Instant) -> Instant {
        let half = Duration::from_micros(u64::from(self.model.rtt_ms) * 500);
        let due = (now + half + self.jitter()).max(self.last_in_due);
        self.last_in_due = due;
        due
    }

    /// When bytes written now reach the client.
    fn due_out(&mut self, now: Instant) -> Instant {
        let half = Duration::from_micros(u64::from(self.model.rtt_ms) * 500);
        let due = (now + half + self.jitter()).max(self.last_out_due);
        self.last_out_due = due;
        due
    }

    fn push(&mut self, due: Instant, bytes: Vec<u8>) {
        self.inbox_bytes += bytes.len();
        self.inbox.push_back(Chunk { due, bytes, at: 0 });
    }

    /// Moves whatever the socket has now into the delay queue; a chunk that starts a
    /// request head sets the model first.
    fn pull(&mut self, cx: &mut Context<'_>, head_next: &mut bool) {
        while self.inbox_bytes < READ_AHEAD && self.end.is_none() {
            let mut tmp = vec![0u8; READ_CHUNK];
            let mut rb = ReadBuf::new(&mut tmp);
            match Pin::new(&mut self.read).poll_read(cx, &mut rb) {
                Poll::Ready(Ok(())) => {
                    let n = rb.filled().len();
                    let now = Instant::now();
                    if n == 0 {
                        let due = self.due_in(now);
                        self.end = Some((due, None));
                        break;
                    }
                    tmp.truncate(n);
                    if *head_next {
                        *head_next = false;
                        if let Some(model) = model_in_head(&tmp) {
                            self.model = model;
                        }
                    }
                    let due = self.due_in(now);
                    self.push(due, tmp);
                }
                Poll::Ready(Err(err)) => {
                    let due = self.due_in(Instant::now());
                    self.end = Some((due, Some(err)));
                    break;
                }
                Poll::Pending => break,
            }
        }
    }

    fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        head_next: &mut bool,
    ) -> Poll<io::Result<()>> {
        loop {
            self.pull(cx, head_next);
            let now = Instant::now();
            let next_due = match self.inbox.front_mut() {
                Some(chunk) if chunk.due <= now => {
                    let n = (chunk.bytes.len() - chunk.at).min(buf.remaining());
                    buf.put_slice(&chunk.bytes[chunk.at..chunk.at + n]);
                    chunk.at += n;
                    if chunk.at == chunk.bytes.len() {
                        let done = self.inbox.pop_front().map_or(0, |c| c.bytes.len());
                        self.inbox_bytes -= done;
                    }
                    return Poll::Ready(Ok(()));
                }
                Some(chunk) => chunk.due,
                None => match &mut self.end {
                    Some((due, err)) if *due <= now => {
                        return Poll::Ready(err.take().map_or(Ok(()), Err));
                    }
                    Some((due, _)) => *due,
                    // Waiting on the socket: `pull` registered the waker.
                    None => return Poll::Pending,
                },
            };
            self.timer.as_mut().reset(next_due);
            ready!(self.timer.as_mut().poll(cx));
        }
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.shut {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        ready!(self.out.poll_reserve(cx)).map_err(|_| broken())?;
        let due = self.due_out(Instant::now());
        self.out
            .send_item(Out::Data(due, buf.to_vec()))
            .map_err(|_| broken())?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_shutdown(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.shut {
            return Poll::Ready(Ok(()));
        }
        ready!(self.out.poll_reserve(cx)).map_err(|_| broken())?;
        let due = self.due_out(Instant::now());
        self.out
            .send_item(Out::Shutdown(due))
            .map_err(|_| broken())?;
        self.shut = true;
        Poll::Ready(Ok(()))
    }
}

fn broken() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the connection's writer has ended",
    )
}

/// The writer task of an emulated connection: each chunk goes out when due. Ends on a
/// write error, after a shutdown, or when the connection is dropped and the queue is empty.
async fn write_when_due(mut half: OwnedWriteHalf, mut rx: mpsc::Receiver<Out>) {
    while let Some(out) = rx.recv().await {
        match out {
            Out::Data(due, bytes) => {
                tokio::time::sleep_until(due).await;
                if half.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Out::Shutdown(due) => {
                tokio::time::sleep_until(due).await;
                let _ = half.shutdown().await;
                return;
            }
        }
    }
}

/// The model a request head asks for: `None` when `bytes` do not start a request head;
/// else the `emu` query value (`protocol::emulate::NetModel::in_query`), or no emulation
/// when it is absent or malformed (the handler refuses a malformed one with a 400).
pub(crate) fn model_in_head(bytes: &[u8]) -> Option<NetModel> {
    // A line ends at its LF, with or without the CR before it (a bare LF is what a
    // hand-typed request sends; hyper answers it, so the link must not wait for a CR).
    let line_end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    let line = &bytes[..line_end.min(8192)];
    let line = std::str::from_utf8(line.strip_suffix(b"\r").unwrap_or(line)).ok()?;
    let mut parts = line.split(' ');
    let method = parts.next()?;
    // What `line_decided` takes for a method, or the model would depend on how much of
    // the line had arrived when it gave up.
    if method.is_empty()
        || method.len() > MAX_METHOD
        || !method.bytes().all(|b| b.is_ascii_uppercase())
    {
        return None;
    }
    let target = parts.next()?;
    // The same decoder the endpoints use (`,` and `%2C` alike).
    let query = target.split_once('?').map_or("", |(_, q)| q);
    Some(NetModel::in_query(query))
}

impl AsyncRead for Link {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Mode::Plain(tcp) = &mut this.mode {
            if this.pending_at < this.pending.len() {
                give(&mut this.pending, &mut this.pending_at, buf);
                return Poll::Ready(Ok(()));
            }
            if !this.head_next {
                return Pin::new(tcp).poll_read(cx, buf);
            }
            // A request head starts and nothing of it is read yet: read straight into the
            // caller's buffer and decide there. Most request lines arrive whole in one
            // read and most ask for no model, so they pass with no copy of their own
            // (the copy, its buffer and its zeroing were ~3 % of the server's CPU per
            // keep-alive request, `baselines` bench under perf).
            if this.sniff.is_empty() && buf.remaining() >= DIRECT_READ_MIN {
                let before = buf.filled().len();
                ready!(Pin::new(&mut *tcp).poll_read(cx, buf))?;
                let got = &buf.filled()[before..];
                if got.is_empty() || !line_decided(got) {
                    // The end, or a line still coming: keep what came and sniff on.
                    this.sniff.extend_from_slice(got);
                    buf.set_filled(before);
                    if this.sniff.is_empty() {
                        return Poll::Ready(Ok(()));
                    }
                } else {
                    let model = model_in_head(got);
                    let first_request = !this.seen_request;
                    this.seen_request |= model.is_some();
                    this.head_next = false;
                    match model {
                        Some(model) if !model.is_none() => {
                            let head = got.to_vec();
                            buf.set_filled(before);
                            this.go_emulated(model, head, first_request);
                        }
                        _ => return Poll::Ready(Ok(())),
                    }
                }
            }
        }
        if let Mode::Plain(tcp) = &mut this.mode
            && this.head_next
        {
            // A request head starts: read its whole request line before deciding (hyper
            // asks for 24 bytes first, to look for the HTTP/2 preface).
            ready!(sniff_line(tcp, cx, &mut this.sniff))?;
            this.head_next = false;
            let head = std::mem::take(&mut this.sniff);
            let model = model_in_head(&head);
            let first_request = !this.seen_request;
            this.seen_request |= model.is_some();
            match model {
                Some(model) if !model.is_none() => this.go_emulated(model, head, first_request),
                _ => {
                    this.pending = head;
                    this.pending_at = 0;
                    give(&mut this.pending, &mut this.pending_at, buf);
                    return Poll::Ready(Ok(()));
                }
            }
        }
        match &mut this.mode {
            Mode::Emulated(e) => e.poll_read(cx, buf, &mut this.head_next),
            _ => Poll::Ready(Err(io::Error::other("connection in an unusable state"))),
        }
    }
}

/// The least room in the caller's buffer for reading a request line straight into it
/// (hyper's first read of a connection asks for 24 bytes, its HTTP/2 preface check).
const DIRECT_READ_MIN: usize = 1024;

/// Longest request line looked at for `emu`.
pub(crate) const MAX_LINE: usize = 8 * 1024;
/// Longest method taken for one (`OPTIONS`, the longest standard one, has 7 letters).
const MAX_METHOD: usize = 16;

/// Whether `bytes` already show what they are: a whole request line, or something that
/// cannot start one (a WebSocket frame, a body), or too much to look at.
pub(crate) fn line_decided(bytes: &[u8]) -> bool {
    if bytes.len() >= MAX_LINE || bytes.contains(&b'\n') {
        return true;
    }
    let method = bytes.split(|b| *b == b' ').next().unwrap_or(bytes);
    let method_done = method.len() < bytes.len();
    !method.iter().all(u8::is_ascii_uppercase)
        || method.len() > MAX_METHOD
        || (method_done && method.is_empty())
}

/// Reads into `sniff` until [`line_decided`] (or the stream ends).
fn sniff_line(
    tcp: &mut TcpStream,
    cx: &mut Context<'_>,
    sniff: &mut Vec<u8>,
) -> Poll<io::Result<()>> {
    loop {
        if !sniff.is_empty() && line_decided(sniff) {
            return Poll::Ready(Ok(()));
        }
        let mut tmp = [0u8; 2048];
        let mut rb = ReadBuf::new(&mut tmp);
        ready!(Pin::new(&mut *tcp).poll_read(cx, &mut rb))?;
        if rb.filled().is_empty() {
            return Poll::Ready(Ok(()));
        }
        sniff.extend_from_slice(rb.filled());
    }
}

impl AsyncWrite for Link {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.head_next = true;
        match &mut this.mode {
            Mode::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Mode::Emulated(e) => e.poll_write(cx, buf),
            Mode::Gone => Poll::Ready(Err(broken())),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.head_next = true;
        match &mut this.mode {
            Mode::Plain(tcp) => Pin::new(tcp).poll_write_vectored(cx, bufs),
            Mode::Emulated(e) => {
                // One chunk for the whole vector, so a response's head and body leave
                // together.
                let joined: Vec<u8> = bufs.iter().flat_map(|b| b.iter().copied()).collect();
                e.poll_write(cx, &joined)
            }
            Mode::Gone => Poll::Ready(Err(broken())),
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().mode {
            Mode::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            // Queued bytes are as good as in the kernel's send buffer.
            Mode::Emulated(_) => Poll::Ready(Ok(())),
            Mode::Gone => Poll::Ready(Err(broken())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().mode {
            Mode::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Mode::Emulated(e) => e.poll_shutdown(cx),
            Mode::Gone => Poll::Ready(Err(broken())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request sent over loopback in pieces (`cuts`) and read through a [`Link`]
    /// `read_size` bytes at a time: what the layer above gets.
    async fn through_link(sent: &[u8], cuts: &[usize], read_size: usize) -> Vec<u8> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let wire = sent.to_vec();
        let cuts = cuts.to_vec();
        let writer = tokio::spawn(async move {
            let mut tcp = TcpStream::connect(addr).await.unwrap();
            tcp.set_nodelay(true).unwrap();
            let mut at = 0;
            for point in cuts.into_iter().chain([wire.len()]) {
                tcp.write_all(&wire[at..point]).await.unwrap();
                tcp.flush().await.unwrap();
                at = point;
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            tcp.shutdown().await.unwrap();
            // Held open until the reader has seen the end.
            tcp
        });
        let (tcp, _) = listener.accept().await.unwrap();
        let mut link = Link::new(tcp);
        let (mut got, mut buf) = (Vec::new(), vec![0u8; read_size]);
        loop {
            let n = link.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        drop(writer.await.unwrap());
        got
    }

    /// Read straight into a large buffer or sniffed through the link's own, whole or in
    /// pieces, plain or emulated: the bytes come out as they were sent.
    #[tokio::test]
    async fn a_request_line_comes_through_as_sent_however_it_is_read() {
        let plain: &[u8] = b"GET /api/echo?payload=hi HTTP/1.1\r\nhost: x\r\n\r\n";
        let emulated: &[u8] = b"GET /api/race/http?run=1&emu=2,0 HTTP/1.1\r\nhost: x\r\n\r\n";
        for sent in [plain, emulated] {
            for cuts in [&[][..], &[3], &[20], &[1, 2, 3, 30]] {
                for read_size in [24, 8192] {
                    let got = through_link(sent, cuts, read_size).await;
                    assert_eq!(
                        got,
                        sent,
                        "{} in pieces at {cuts:?}, reads of {read_size}",
                        String::from_utf8_lossy(sent)
                    );
                }
            }
        }
    }

    #[test]
    fn request_heads_name_their_model() {
        let m = |s: &str| model_in_head(s.as_bytes());
        assert_eq!(
            m("GET /api/race?run=1&emu=50,8 HTTP/1.1\r\nhost: x\r\n\r\n"),
            Some(NetModel {
                rtt_ms: 50,
                jitter_ms: 8
            })
        );
        assert_eq!(
            m("POST /api/race?emu=50%2C8 HTTP/1.1\r\n"),
            Some(NetModel {
                rtt_ms: 50,
                jitter_ms: 8
            })
        );
        assert_eq!(m("GET / HTTP/1.1\r\n\r\n"), Some(NetModel::NONE));
        assert_eq!(
            m("GET /api/race?emu=50,8 HTTP/1.1\nhost: x\n\n"),
            Some(NetModel {
                rtt_ms: 50,
                jitter_ms: 8
            })
        );
        assert_eq!(m("GET /?emu=9999 HTTP/1.1\r\n"), Some(NetModel::NONE));
        // Not a head: a WebSocket frame, a body, nothing.
        assert_eq!(model_in_head(&[0x81, 0x85, 1, 2, 3, 4]), None);
        assert_eq!(m("xxxxxxxx"), None);
        assert_eq!(m(""), None);
    }

    /// Found by the `request_line` fuzz target: a method of more than 16 letters decides
    /// the line as "not a request line" before its end, so `model_in_head` must not read
    /// a model from it either — else a model is read from however much of the line had
    /// arrived (`emu=5` of `emu=50,8`).
    #[test]
    fn a_method_too_long_to_sniff_names_no_model() {
        let line = b"ABCDEFGHIJKLMNOPQ /api/race?emu=50,8 HTTP/1.1\r\n\r\n";
        assert!(line_decided(&line[..17]));
        assert_eq!(model_in_head(&line[..30]), None);
        assert_eq!(model_in_head(line), None);
        let sixteen = b"ABCDEFGHIJKLMNOP /api/race?emu=50,8 HTTP/1.1\r\n\r\n";
        assert!(!line_decided(&sixteen[..17]));
        assert_eq!(
            model_in_head(sixteen),
            Some(NetModel {
                rtt_ms: 50,
                jitter_ms: 8
            })
        );
    }

    /// The bytes `data` read in pieces of `sizes` (cycled), as `sniff_line` reads them.
    fn sniffed<'a>(data: &'a [u8], sizes: &[usize]) -> &'a [u8] {
        let mut got = 0;
        for size in sizes.iter().cycle() {
            if (got > 0 && line_decided(&data[..got])) || got == data.len() {
                break;
            }
            got = (got + size).min(data.len());
        }
        &data[..got]
    }

    #[test]
    fn a_line_is_decided_as_soon_as_it_cannot_be_a_request_line() {
        assert!(!line_decided(b"GET /ws/race?n=5&run=1&e"));
        assert!(!line_decided(b"POS"));
        assert!(line_decided(b"GET / HTTP/1.1\r\n"));
        assert!(
            line_decided(b"GET / HTTP/1.1\n"),
            "a bare LF ends a line too"
        );
        assert!(line_decided(&[0x82, 0x85, 1, 2]));
        assert!(line_decided(b"xxxx"));
        assert!(line_decided(b" GET"));
        assert!(line_decided(&[b'A'; 17]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// Whatever a client sends first, the sniffing answers without panicking.
        #[test]
        fn sniffing_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = line_decided(&bytes);
            let _ = model_in_head(&bytes);
        }

        /// However the first bytes arrive, the link reads the model it would read from
        /// all of them: decided is final, and a line decided before its end names none.
        #[test]
        fn read_sizes_never_change_the_model(
            method in "[A-Z]{1,24}", path in "/[a-z/]{0,20}", rtt in 0..=2_000u32,
            sizes in proptest::collection::vec(1..=64usize, 1..8),
        ) {
            let head = format!("{method} {path}?emu={rtt},1 HTTP/1.1\r\nhost: x\r\n\r\n");
            let head = head.as_bytes();
            let got = sniffed(head, &sizes);
            proptest::prop_assert!(line_decided(got));
            proptest::prop_assert!(line_decided(head));
            proptest::prop_assert_eq!(model_in_head(got), model_in_head(head));
        }

        /// A request line with any model in caps, either line end, any method and path:
        /// the link reads exactly that model.
        #[test]
        fn a_request_line_gives_its_model(
            method in "[A-Z]{1,16}", path in "/[a-z/]{0,20}", rtt in 0..=2_000u32,
            jitter in 0..=500u32, comma in proptest::prelude::any::<bool>(),
            crlf in proptest::prelude::any::<bool>(),
        ) {
            let sep = if comma { "," } else { "%2C" };
            let end = if crlf { "\r\n" } else { "\n" };
            let head = format!("{method} {path}?emu={rtt}{sep}{jitter} HTTP/1.1{end}host: x{end}{end}");
            proptest::prop_assert!(line_decided(head.as_bytes()));
            proptest::prop_assert_eq!(
                model_in_head(head.as_bytes()),
                Some(NetModel { rtt_ms: rtt, jitter_ms: jitter })
            );
        }
    }
}
