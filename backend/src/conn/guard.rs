//! Every request head is read and judged here before hyper sees a byte of it, so the
//! refusals hyper would make with an empty body (431, 414, 400) carry the JSON
//! `{code, message}` like every other refusal, and a connection cannot hold a file
//! descriptor by sending half a head (or nothing) forever.
//!
//! [`Guard`] sits between hyper and the observed stream. Per connection it knows:
//!
//! - **Heads**: bytes are collected until a whole head is there ([`judge`], with
//!   `httparse`, the parser hyper uses): at most [`MAX_HEAD_BYTES`], a request target of
//!   at most [`MAX_TARGET_BYTES`], [`MAX_HEADERS`] header lines; a bad request line,
//!   header, `Content-Length` or `Transfer-Encoding` is refused with 400. Only a whole,
//!   accepted head reaches hyper. A refusal is written by the guard itself, the write side
//!   is shut and what the client still sends is read (bounded), so the close does not reset
//!   the connection over unread bytes and destroy the answer; then hyper sees the end.
//! - **Timeouts** ([`HttpTimeouts`]): a head must be whole within `header` of its first
//!   byte (else 408); a connection that sends nothing is closed quietly after `header`
//!   when new, after `keep_alive` between requests (no timer while a response is due);
//!   a `Content-Length` body must arrive within `body` of its head (else the handler's body
//!   read fails with `TimedOut`, which it answers with 408). Chunked bodies are passed
//!   through as they come (hyper decodes them), so they have no guard deadline.
//! - **Where heads start**: after a head without a body, after a `Content-Length` body's
//!   last byte, or (chunked) once the server has written its response's head. Responses
//!   are recognised by their status line while one is due: a `101` makes the connection
//!   raw from then on (a WebSocket), `1xx` others are not final. A client that pipelines
//!   a chunked request behind another may put heads past the guard; hyper's own limits
//!   still apply to those.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::http::StatusCode;
use protocol::ErrorCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use super::answer::Refusal;

/// Largest request head read (request line and headers together): browsers send 0.5–2
/// KiB, with cookies rarely over 8 KiB; nginx's default allows 4 × 8 KiB.
pub const MAX_HEAD_BYTES: usize = protocol::limits::HTTP_MAX_HEAD_BYTES;
/// Longest request target (path and query), nginx's default line size.
pub const MAX_TARGET_BYTES: usize = protocol::limits::HTTP_MAX_TARGET_BYTES;
/// Most header lines in one head.
pub const MAX_HEADERS: usize = protocol::limits::HTTP_MAX_HEADERS;
/// Longest request line: method, target, version; generous room besides the target.
const LINE_ROOM: usize = MAX_TARGET_BYTES + 64;
/// The least room in the caller's buffer for reading a head straight into it (hyper's
/// first read of a connection asks for 24 bytes, its HTTP/2 preface check).
const DIRECT_READ_MIN: usize = 1024;
/// After a refusal, most bytes read (and dropped) while waiting for the client to close.
const DRAIN_BYTES: usize = 1024 * 1024;
/// After a refusal, the longest wait for the client to close.
const DRAIN_WAIT: Duration = Duration::from_secs(2);

/// How long a connection may take (`--header-timeout-secs`, `--body-timeout-secs`,
/// `--keep-alive-secs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpTimeouts {
    /// From a head's first byte to its last; also how long a new connection may send
    /// nothing.
    pub header: Duration,
    /// From a head to the last byte of its `Content-Length` body.
    pub body: Duration,
    /// How long a connection may sit idle between a response and the next request.
    pub keep_alive: Duration,
}

impl Default for HttpTimeouts {
    /// Generous for a phone on a slow network (a 64 KiB body takes 0.3 s at 1.6 Mbit/s),
    /// short enough that idle sockets do not pile up. 60 s keep-alive outlasts a person
    /// reading the lab's table before sending again.
    fn default() -> Self {
        Self {
            header: Duration::from_secs(10),
            body: Duration::from_secs(30),
            keep_alive: Duration::from_secs(60),
        }
    }
}

/// What follows a whole head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Length(u64),
    Chunked,
}

/// What the bytes of a request head (so far) are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadVerdict {
    /// Not whole yet, and within the limits so far.
    Partial,
    /// A whole, acceptable head of `len` bytes.
    Complete { len: usize, body: BodyKind },
    /// The HTTP/2 connection preface: not ours to judge (hyper speaks HTTP/2 too).
    Http2,
    /// Refused with this answer.
    Refused(Refusal),
}

const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n";

/// Judges the bytes collected so far of a request head (pure: the fuzz and property
/// tests call it directly).
pub fn judge(bytes: &[u8]) -> HeadVerdict {
    let n = bytes.len().min(H2_PREFACE.len());
    if n > 0 && bytes[..n] == H2_PREFACE[..n] {
        return if n == H2_PREFACE.len() {
            HeadVerdict::Http2
        } else {
            HeadVerdict::Partial
        };
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(bytes) {
        Ok(httparse::Status::Partial) => partial(bytes),
        Ok(httparse::Status::Complete(len)) => {
            // The same line rule as a partial head's, so a head is judged alike however
            // its bytes arrive (found by the `request_head` fuzz target's property).
            let line = bytes.iter().position(|b| *b == b'\n').unwrap_or(len);
            if req.path.is_some_and(|p| p.len() > MAX_TARGET_BYTES) || line > LINE_ROOM {
                return HeadVerdict::Refused(uri_too_long());
            }
            if len > MAX_HEAD_BYTES {
                return HeadVerdict::Refused(head_too_large());
            }
            match body_kind(req.headers) {
                Ok(body) => HeadVerdict::Complete { len, body },
                Err(why) => HeadVerdict::Refused(malformed(why)),
            }
        }
        Err(httparse::Error::TooManyHeaders) => HeadVerdict::Refused(Refusal::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ErrorCode::HeadTooLarge,
            format!("the request has more than {MAX_HEADERS} header lines"),
        )),
        Err(e) => HeadVerdict::Refused(malformed(&format!("{e}"))),
    }
}

/// A head not whole yet: still `Partial`, unless it is already over a limit.
fn partial(bytes: &[u8]) -> HeadVerdict {
    let line_end = bytes.iter().position(|b| *b == b'\n');
    if line_end.map_or(bytes.len(), |i| i) > LINE_ROOM {
        return HeadVerdict::Refused(uri_too_long());
    }
    if bytes.len() > MAX_HEAD_BYTES {
        return HeadVerdict::Refused(head_too_large());
    }
    HeadVerdict::Partial
}

fn uri_too_long() -> Refusal {
    Refusal::new(
        StatusCode::URI_TOO_LONG,
        ErrorCode::UriTooLong,
        format!("the request target is longer than {MAX_TARGET_BYTES} bytes"),
    )
}

fn head_too_large() -> Refusal {
    Refusal::new(
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        ErrorCode::HeadTooLarge,
        format!("the request head is larger than {MAX_HEAD_BYTES} bytes"),
    )
}

fn malformed(why: &str) -> Refusal {
    Refusal::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::MalformedRequest,
        format!("malformed request head: {why}"),
    )
}

/// The body a head announces (RFC 9112 §6.3): `Transfer-Encoding` ending in `chunked`
/// wins over `Content-Length`; every `Content-Length` must be the same number.
fn body_kind(headers: &[httparse::Header<'_>]) -> Result<BodyKind, &'static str> {
    let mut length: Option<u64> = None;
    let mut chunked = None;
    for h in headers {
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            let value = std::str::from_utf8(h.value).map_err(|_| "bad Transfer-Encoding")?;
            let last = value.rsplit(',').next().unwrap_or("").trim();
            chunked = Some(last.eq_ignore_ascii_case("chunked"));
        } else if h.name.eq_ignore_ascii_case("content-length") {
            for part in h.value.split(|b| *b == b',') {
                let digits = part.trim_ascii();
                if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                    return Err("bad Content-Length");
                }
                let n: u64 = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse().ok())
                    .ok_or("bad Content-Length")?;
                if length.is_some_and(|l| l != n) {
                    return Err("two different Content-Length values");
                }
                length = Some(n);
            }
        }
    }
    match (chunked, length) {
        (Some(true), _) => Ok(BodyKind::Chunked),
        (Some(false), _) => Err("Transfer-Encoding does not end in chunked"),
        (None, Some(0) | None) => Ok(BodyKind::None),
        (None, Some(n)) => Ok(BodyKind::Length(n)),
    }
}

#[derive(Debug)]
enum Phase {
    /// Collecting a head in `inbuf`.
    Head,
    /// Passing `remaining` body bytes, due by `deadline`.
    Body { remaining: u64, deadline: Instant },
    /// A chunked body: passing bytes until the server answers.
    Chunked,
    /// Upgraded (or HTTP/2): passing bytes, no more heads.
    Raw,
    /// Writing a refusal.
    Refusing { answer: Vec<u8>, at: usize },
    /// Refusal written and write side shut: reading what the client still sends.
    Draining { until: Instant, read: usize },
    /// Hyper sees the end of the stream.
    Done,
}

/// The stream hyper reads from: see the module doc.
#[derive(Debug)]
pub struct Guard<S> {
    io: S,
    timeouts: HttpTimeouts,
    phase: Phase,
    /// Bytes read from the socket, not yet judged.
    inbuf: Vec<u8>,
    /// Bytes judged, for hyper.
    ready: Vec<u8>,
    ready_at: usize,
    /// Requests whose final response head has not been written yet.
    due: u32,
    /// Heads passed to hyper so far.
    heads: u64,
    /// When the head being collected got its first byte.
    head_since: Instant,
    /// The last byte read or written.
    active_at: Instant,
    timer: Option<Pin<Box<Sleep>>>,
    /// The reader (hyper) holding back a refusal until the responses still due are
    /// written: woken when the last one is (rare: only a pipelined bad head).
    reader: Option<std::task::Waker>,
}

impl<S> Guard<S> {
    pub(crate) fn new(io: S, timeouts: HttpTimeouts) -> Self {
        let now = Instant::now();
        Self {
            io,
            timeouts,
            phase: Phase::Head,
            inbuf: Vec::new(),
            ready: Vec::new(),
            ready_at: 0,
            due: 0,
            heads: 0,
            head_since: now,
            active_at: now,
            timer: None,
            reader: None,
        }
    }

    /// Polls the connection's timer for `at`: `Ready` once it has fired — possibly
    /// before `at`, when it was already set for an earlier time (callers use
    /// [`Guard::poll_deadline`]). A keep-alive connection's deadline moves on with every
    /// request, and resetting the timer each time took the runtime's timer lock once per
    /// request; left set no later than asked, it is moved only to fire sooner or once it
    /// has fired.
    fn poll_until(&mut self, cx: &mut Context<'_>, at: Instant) -> Poll<()> {
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
        if at < timer.deadline() {
            timer.as_mut().reset(at);
        }
        timer.as_mut().poll(cx)
    }

    /// `Ready` only once `at` has passed: a timer that fired earlier is set again for `at`.
    fn poll_deadline(&mut self, cx: &mut Context<'_>, at: Instant) -> Poll<()> {
        loop {
            ready!(self.poll_until(cx, at));
            if Instant::now() >= at {
                return Poll::Ready(());
            }
            if let Some(timer) = self.timer.as_mut() {
                timer.as_mut().reset(at);
            }
        }
    }

    /// A whole head was accepted (`now`): one more response is due, and `body` says what
    /// follows it.
    fn head_passed(&mut self, body: BodyKind, now: Instant) {
        self.due += 1;
        self.heads += 1;
        self.head_since = now;
        self.phase = match body {
            BodyKind::None => Phase::Head,
            BodyKind::Length(n) => Phase::Body {
                remaining: n,
                deadline: now + self.timeouts.body,
            },
            BodyKind::Chunked => Phase::Chunked,
        };
    }

    /// Nothing to read while waiting for a head: `Pending` until `deadline` (none: no
    /// timer); then `Ready` to look again — a response may have been written meanwhile —
    /// or, past it with nothing due, the connection closed quietly (nothing asked) or
    /// answered 408 (a head begun but not finished).
    fn head_wait(&mut self, cx: &mut Context<'_>, deadline: Option<Instant>) -> Poll<()> {
        let Some(deadline) = deadline else {
            return Poll::Pending;
        };
        if Instant::now() < deadline && self.poll_deadline(cx, deadline).is_pending() {
            return Poll::Pending;
        }
        if Instant::now() < deadline || self.due > 0 {
            return Poll::Ready(());
        }
        if self.inbuf.is_empty() {
            self.phase = Phase::Done;
        } else {
            let refusal = Refusal::new(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::RequestTimeout,
                format!(
                    "the request head did not arrive within {} s",
                    self.timeouts.header.as_secs_f64()
                ),
            );
            self.refuse(&refusal);
        }
        Poll::Ready(())
    }

    fn refuse(&mut self, refusal: &Refusal) {
        tracing::debug!(status = %refusal.status, message = %refusal.message, "request head refused");
        self.inbuf = Vec::new();
        self.phase = Phase::Refusing {
            answer: refusal.to_http(),
            at: 0,
        };
    }

    /// The server wrote `bytes`: the start of a response's head, while one is due?
    fn saw_write(&mut self, bytes: &[u8]) {
        self.active_at = Instant::now();
        if self.due == 0 || bytes.len() < 12 || !bytes.starts_with(b"HTTP/1.") {
            return;
        }
        let Some(status) = std::str::from_utf8(&bytes[9..12])
            .ok()
            .and_then(|s| s.parse::<u16>().ok())
        else {
            return;
        };
        match status {
            101 => {
                self.due = 0;
                self.phase = Phase::Raw;
                // No more heads, no more deadlines: free what the head phase held.
                self.timer = None;
                self.reader = None;
                self.inbuf.shrink_to_fit();
            }
            100..=199 => {}
            _ => {
                self.due -= 1;
                if matches!(self.phase, Phase::Chunked) {
                    self.phase = Phase::Head;
                }
                if self.due == 0
                    && let Some(reader) = self.reader.take()
                {
                    reader.wake();
                }
            }
        }
    }
}

/// Copies what `buf` has room for from `ready[ready_at..]`, freeing `ready` once it is all
/// given (also the link's pending bytes, `conn/link.rs`).
pub(super) fn give(ready: &mut Vec<u8>, ready_at: &mut usize, buf: &mut ReadBuf<'_>) {
    let n = (ready.len() - *ready_at).min(buf.remaining());
    buf.put_slice(&ready[*ready_at..*ready_at + n]);
    *ready_at += n;
    if *ready_at == ready.len() {
        // Freed, not kept: an idle WebSocket holds its guard for hours.
        *ready = Vec::new();
        *ready_at = 0;
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Guard<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.ready_at < this.ready.len() {
                give(&mut this.ready, &mut this.ready_at, buf);
                return Poll::Ready(Ok(()));
            }
            match &mut this.phase {
                Phase::Done => return Poll::Ready(Ok(())),
                Phase::Raw | Phase::Chunked => {
                    if !this.inbuf.is_empty() {
                        this.ready = std::mem::take(&mut this.inbuf);
                        continue;
                    }
                    let before = buf.filled().len();
                    ready!(Pin::new(&mut this.io).poll_read(cx, buf))?;
                    if buf.filled().len() > before {
                        this.active_at = Instant::now();
                    }
                    return Poll::Ready(Ok(()));
                }
                Phase::Body {
                    remaining,
                    deadline,
                } => {
                    if *remaining == 0 {
                        this.phase = Phase::Head;
                        continue;
                    }
                    if !this.inbuf.is_empty() {
                        let n = usize::try_from(*remaining)
                            .unwrap_or(usize::MAX)
                            .min(this.inbuf.len());
                        *remaining -= n as u64;
                        this.ready = this.inbuf.drain(..n).collect();
                        if this.inbuf.is_empty() {
                            // A large read's tail may have grown it: do not keep that
                            // capacity for the connection's life.
                            this.inbuf = Vec::new();
                        }
                        continue;
                    }
                    let deadline = *deadline;
                    let limit = usize::try_from(*remaining)
                        .unwrap_or(usize::MAX)
                        .min(buf.remaining());
                    // Read straight into hyper's buffer, at most the body's remaining bytes
                    // (zeroing them first: no `unsafe` here).
                    let polled = {
                        let dst = buf.initialize_unfilled_to(limit);
                        let mut part = ReadBuf::new(dst);
                        Pin::new(&mut this.io)
                            .poll_read(cx, &mut part)
                            .map_ok(|()| part.filled().len())
                    };
                    match polled {
                        Poll::Ready(Ok(n)) => {
                            buf.advance(n);
                            *remaining -= n as u64;
                            if n > 0 {
                                this.active_at = Instant::now();
                            }
                            return Poll::Ready(Ok(()));
                        }
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Pending => {
                            if this.poll_deadline(cx, deadline).is_ready() {
                                this.phase = Phase::Done;
                                return Poll::Ready(Err(io::Error::new(
                                    io::ErrorKind::TimedOut,
                                    format!(
                                        "the request body did not arrive within {} s",
                                        this.timeouts.body.as_secs_f64()
                                    ),
                                )));
                            }
                            return Poll::Pending;
                        }
                    }
                }
                Phase::Refusing { answer, at } => {
                    while *at < answer.len() {
                        let n = ready!(Pin::new(&mut this.io).poll_write(cx, &answer[*at..]))?;
                        if n == 0 {
                            return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                        }
                        *at += n;
                    }
                    ready!(Pin::new(&mut this.io).poll_flush(cx))?;
                    ready!(Pin::new(&mut this.io).poll_shutdown(cx))?;
                    this.phase = Phase::Draining {
                        until: Instant::now() + DRAIN_WAIT,
                        read: 0,
                    };
                }
                Phase::Draining { until, read } => {
                    let until = *until;
                    let mut sink = [0u8; 4096];
                    let mut rb = ReadBuf::new(&mut sink);
                    match Pin::new(&mut this.io).poll_read(cx, &mut rb) {
                        Poll::Ready(Ok(())) if !rb.filled().is_empty() => {
                            *read += rb.filled().len();
                            if *read > DRAIN_BYTES {
                                this.phase = Phase::Done;
                            }
                        }
                        Poll::Ready(_) => this.phase = Phase::Done,
                        Poll::Pending => {
                            if this.poll_deadline(cx, until).is_ready() {
                                this.phase = Phase::Done;
                                continue;
                            }
                            return Poll::Pending;
                        }
                    }
                }
                Phase::Head => {
                    if !this.inbuf.is_empty() {
                        match judge(&this.inbuf) {
                            HeadVerdict::Complete { len, body } => {
                                this.ready = this.inbuf.drain(..len).collect();
                                if this.inbuf.is_empty() {
                                    this.inbuf = Vec::new();
                                }
                                this.head_passed(body, Instant::now());
                                continue;
                            }
                            HeadVerdict::Http2 => {
                                this.phase = Phase::Raw;
                                continue;
                            }
                            HeadVerdict::Refused(_) if this.due > 0 => {
                                // Answer in order: after the responses still due.
                                this.reader = Some(cx.waker().clone());
                                return Poll::Pending;
                            }
                            HeadVerdict::Refused(refusal) => {
                                this.refuse(&refusal);
                                continue;
                            }
                            HeadVerdict::Partial => {}
                        }
                    }
                    // No timeout while a response is due (the server is working, and a
                    // refusal would have to wait for its answer anyway) — but a check-back
                    // timer a keep-alive period out, so the idle timeout starts without the
                    // writer waking this reader: a self-wake per response reschedules the
                    // connection's task and cost 40 µs per keep-alive request (`conn_layer`
                    // bench ×2.9 → ×1.1).
                    let deadline = if this.due > 0 {
                        Some(this.active_at.max(Instant::now()) + this.timeouts.keep_alive)
                    } else if !this.inbuf.is_empty() {
                        Some(this.head_since + this.timeouts.header)
                    } else if this.heads == 0 {
                        Some(this.active_at + this.timeouts.header)
                    } else {
                        Some(this.active_at + this.timeouts.keep_alive)
                    };
                    // Nothing buffered and room for a head: read straight into the
                    // caller's buffer and judge it there. Most heads arrive whole in one
                    // read and pass with no copy (a zeroed 8 KiB buffer, two copies and
                    // two allocations were ~4 % of the server's CPU per keep-alive
                    // request, `baselines` bench under perf). Anything else — a part of
                    // a head, a refusal, HTTP/2 — moves to `inbuf` and is judged as
                    // before.
                    if this.inbuf.is_empty() && buf.remaining() >= DIRECT_READ_MIN {
                        let before = buf.filled().len();
                        match Pin::new(&mut this.io).poll_read(cx, buf) {
                            Poll::Ready(Ok(())) if buf.filled().len() > before => {
                                let now = Instant::now();
                                this.head_since = now;
                                this.active_at = now;
                                let got = &buf.filled()[before..];
                                if let HeadVerdict::Complete { len, body } = judge(got) {
                                    if len < got.len() {
                                        this.inbuf.extend_from_slice(&got[len..]);
                                        buf.set_filled(before + len);
                                    }
                                    this.head_passed(body, now);
                                    return Poll::Ready(Ok(()));
                                }
                                this.inbuf.extend_from_slice(got);
                                buf.set_filled(before);
                                continue;
                            }
                            Poll::Ready(Ok(())) => {
                                // The end, between requests: nothing is owed.
                                this.phase = Phase::Done;
                                return Poll::Ready(Ok(()));
                            }
                            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                            Poll::Pending => {
                                if this.head_wait(cx, deadline).is_pending() {
                                    return Poll::Pending;
                                }
                                continue;
                            }
                        }
                    }
                    let mut tmp = [0u8; 8192];
                    let mut rb = ReadBuf::new(&mut tmp);
                    match Pin::new(&mut this.io).poll_read(cx, &mut rb) {
                        Poll::Ready(Ok(())) => {
                            let got = rb.filled();
                            if got.is_empty() {
                                if this.inbuf.is_empty() {
                                    this.phase = Phase::Done;
                                } else {
                                    let refusal = malformed("the connection ended inside it");
                                    this.refuse(&refusal);
                                }
                                continue;
                            }
                            let now = Instant::now();
                            if this.inbuf.is_empty() {
                                this.head_since = now;
                            }
                            this.active_at = now;
                            this.inbuf.extend_from_slice(got);
                        }
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Pending => {
                            if this.head_wait(cx, deadline).is_pending() {
                                return Poll::Pending;
                            }
                        }
                    }
                }
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guard<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let n = ready!(Pin::new(&mut this.io).poll_write(cx, buf))?;
        this.saw_write(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let n = ready!(Pin::new(&mut this.io).poll_write_vectored(cx, bufs))?;
        if n > 0
            && let Some(first) = bufs.iter().find(|b| !b.is_empty())
        {
            let seen = &first[..n.min(first.len())];
            this.saw_write(seen);
        }
        Poll::Ready(Ok(n))
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if matches!(this.phase, Phase::Done) {
            // Shut already, after a refusal.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(v: &HeadVerdict) -> Option<(u16, ErrorCode)> {
        match v {
            HeadVerdict::Refused(r) => Some((r.status.as_u16(), r.code)),
            _ => None,
        }
    }

    /// Three pipelined requests (one with a `Content-Length` body) sent in `cuts` pieces
    /// and read through a [`Guard`] `read_size` bytes at a time: what hyper gets, and how
    /// many heads the guard passed.
    fn through_guard(cuts: &[usize], read_size: usize) -> (Vec<u8>, u64, Vec<u8>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let sent = b"GET /api/echo?payload=a HTTP/1.1\r\nhost: x\r\n\r\n\
            POST /api/echo HTTP/1.1\r\nhost: x\r\ncontent-length: 15\r\n\r\n{\"payload\":\"b\"}\
            GET /api/health HTTP/1.1\r\nhost: x\r\n\r\n"
            .to_vec();
        let mut points: Vec<usize> = cuts.iter().map(|c| c % sent.len()).collect();
        points.sort_unstable();
        points.dedup();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let wire = sent.clone();
        let (got, heads) = runtime.block_on(async move {
            let (mut client, server) = tokio::io::duplex(1 << 16);
            let writer = tokio::spawn(async move {
                let mut at = 0;
                for point in points.into_iter().chain([wire.len()]) {
                    client.write_all(&wire[at..point]).await.unwrap();
                    at = point;
                    // Let the reader see each piece on its own.
                    tokio::task::yield_now().await;
                }
            });
            let mut guard = Guard::new(server, HttpTimeouts::default());
            let (mut got, mut buf) = (Vec::new(), vec![0u8; read_size]);
            loop {
                let n = guard.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
            writer.await.unwrap();
            (got, guard.heads)
        });
        (got, heads, sent)
    }

    /// The timer set for the head's deadline is not moved later when the body's
    /// deadline comes (`poll_until`): it fires early, and the body must still have its
    /// whole time — a body that comes after the header timeout but within the body
    /// timeout is read, not refused.
    #[tokio::test(start_paused = true)]
    async fn a_body_has_its_own_time_after_the_heads_timer_fires() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let timeouts = HttpTimeouts {
            header: Duration::from_secs(1),
            body: Duration::from_secs(3),
            keep_alive: Duration::from_secs(5),
        };
        let head = b"POST /api/echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\n";
        let (mut client, server) = tokio::io::duplex(1 << 16);
        let mut guard = Guard::new(server, timeouts);
        let writer = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            client.write_all(head).await.unwrap();
            // Past the header timeout, within the body's.
            tokio::time::sleep(Duration::from_secs(2)).await;
            client.write_all(b"hello").await.unwrap();
            client
        });
        let mut got = vec![0u8; head.len() + 5];
        guard.read_exact(&mut got).await.unwrap();
        assert_eq!(&got[..head.len()], head);
        assert_eq!(&got[head.len()..], b"hello");
        drop(writer.await.unwrap());
    }

    #[test]
    fn heads_pass_whole_however_they_arrive_and_are_read() {
        for read_size in [24, 100, 1024, 8192] {
            let (got, heads, sent) = through_guard(&[], read_size);
            assert_eq!(got, sent, "one piece, reads of {read_size}");
            assert_eq!(heads, 3, "one piece, reads of {read_size}");
        }
    }

    #[test]
    fn heads_are_judged_whole_partial_or_refused() {
        let get = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_eq!(
            judge(get),
            HeadVerdict::Complete {
                len: get.len(),
                body: BodyKind::None
            }
        );
        assert_eq!(judge(b"GET /healthz HTTP/1.1\r\nHo"), HeadVerdict::Partial);
        assert_eq!(
            judge(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
            HeadVerdict::Http2
        );
        assert_eq!(judge(b"PRI * HT"), HeadVerdict::Partial);
        let post = |h: &str| judge(format!("POST / HTTP/1.1\r\n{h}\r\n\r\n").as_bytes());
        assert!(matches!(
            post("Content-Length: 12"),
            HeadVerdict::Complete {
                body: BodyKind::Length(12),
                ..
            }
        ));
        assert!(matches!(
            post("Content-Length: 12\r\nTransfer-Encoding: gzip, chunked"),
            HeadVerdict::Complete {
                body: BodyKind::Chunked,
                ..
            }
        ));
        assert!(matches!(
            post("Content-Length: 7, 7"),
            HeadVerdict::Complete {
                body: BodyKind::Length(7),
                ..
            }
        ));
        for bad in [
            "Content-Length: -1",
            "Content-Length: 1e3",
            "Content-Length: 99999999999999999999999",
            "Content-Length: 3\r\nContent-Length: 4",
            "Transfer-Encoding: chunked, gzip",
        ] {
            assert_eq!(
                code(&post(bad)),
                Some((400, ErrorCode::MalformedRequest)),
                "{bad}"
            );
        }
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_TARGET_BYTES));
        assert_eq!(
            code(&judge(long.as_bytes())),
            Some((414, ErrorCode::UriTooLong))
        );
        let unfinished = format!("GET /{}", "a".repeat(MAX_TARGET_BYTES + 100));
        assert_eq!(
            code(&judge(unfinished.as_bytes())),
            Some((414, ErrorCode::UriTooLong))
        );
        // A long method, not a long target: refused whether the line has ended or not.
        let method = "A".repeat(MAX_TARGET_BYTES + 100);
        assert_eq!(
            code(&judge(format!("{method} / HTTP/1.1\r\n\r\n").as_bytes())),
            Some((414, ErrorCode::UriTooLong))
        );
        assert_eq!(
            code(&judge(method.as_bytes())),
            Some((414, ErrorCode::UriTooLong))
        );
        let big = format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(MAX_HEAD_BYTES));
        assert_eq!(
            code(&judge(big.as_bytes())),
            Some((431, ErrorCode::HeadTooLarge))
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Wherever the pieces break and whatever the reader's buffer (the guard reads
        /// straight into a large one, through its own for a small one), hyper gets the
        /// bytes sent, in order, and each head is passed once.
        #[test]
        fn pieces_and_read_sizes_never_change_what_passes(
            cuts in proptest::collection::vec(0usize..200, 0..6),
            read_size in prop_oneof![Just(24usize), Just(100), Just(1024), Just(8192)],
        ) {
            let (got, heads, sent) = through_guard(&cuts, read_size);
            prop_assert_eq!(got, sent);
            prop_assert_eq!(heads, 3);
        }

        /// Whatever bytes arrive, judging them never panics, and a refusal is a whole
        /// response with a JSON body.
        #[test]
        fn judging_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            if let HeadVerdict::Refused(r) = judge(&bytes) {
                let text = String::from_utf8(r.to_http()).unwrap();
                let json_body = text.contains("\r\n\r\n{\"code\":");
                prop_assert!(json_body, "{}", text);
            }
        }

        /// A valid head of any method, path, headers and line ends is whole exactly at its
        /// end, and every shorter prefix is partial.
        #[test]
        fn a_valid_head_is_whole_at_its_end_and_partial_before(
            method in "[A-Z]{1,7}", path in "/[a-zA-Z0-9/?=&%._-]{0,60}",
            headers in proptest::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,15}", "[ -~]{0,40}"), 0..8),
            crlf in any::<bool>(), length in proptest::option::of(0..1_000_000u64),
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut head = format!("{method} {path} HTTP/1.1{end}");
            for (name, value) in &headers {
                if name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("transfer-encoding") {
                    continue;
                }
                head.push_str(&format!("{name}: {}{end}", value.trim()));
            }
            if let Some(n) = length {
                head.push_str(&format!("Content-Length: {n}{end}"));
            }
            head.push_str(end);
            let body = match length {
                Some(0) | None => BodyKind::None,
                Some(n) => BodyKind::Length(n),
            };
            prop_assert_eq!(judge(head.as_bytes()), HeadVerdict::Complete { len: head.len(), body });
            for cut in 1..head.len() {
                prop_assert_eq!(judge(&head.as_bytes()[..cut]), HeadVerdict::Partial, "cut at {}", cut);
            }
        }
    }
}
