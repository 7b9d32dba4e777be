//! The accepted socket, wrapped: counts bytes on the wire, splits HTTP/1.1 traffic into
//! request–response exchanges and notices who ends the connection.
//!
//! An exchange starts with the first bytes read after the server has written (or the very
//! first bytes): browsers do not pipeline, so on one connection request k's bytes are all
//! read before response k is written. Each time hyper flushes after writing, the
//! exchange's byte counts go out as a `Wire` event. Upgraded (WebSocket) connections do not
//! split into exchanges and send no `Wire` events — the observer's own socket would
//! otherwise report on its own reports.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use protocol::observe::{ClosedBy, ConnEvent};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::link::Link;
use super::record::ConnRecord;
use super::tally::RunTally;

#[derive(Debug)]
pub struct ObservedStream {
    io: Link,
    record: Arc<ConnRecord>,
    /// The server has written since the last read: the next read starts an exchange.
    written_since_read: bool,
    exchange: u32,
    exchange_in: u64,
    exchange_out: u64,
    /// Bytes written since the last `Wire` event.
    unreported: bool,
    /// The run the current exchange counts towards, the part of the exchange's bytes
    /// already added to it, and whether its attachment has settled.
    tally: Option<Arc<RunTally>>,
    /// This connection's place under the connection caps, freed when it ends.
    _permit: Option<super::gate::Permit>,
    tallied: (u64, u64),
    tally_settled: bool,
}

impl ObservedStream {
    /// A stream holding `permit`, its place under the connection caps.
    pub(crate) fn admitted(
        io: Link,
        record: Arc<ConnRecord>,
        permit: Option<super::gate::Permit>,
    ) -> Self {
        Self {
            _permit: permit,
            io,
            record,
            written_since_read: false,
            exchange: 0,
            exchange_in: 0,
            exchange_out: 0,
            unreported: false,
            tally: None,
            tallied: (0, 0),
            tally_settled: true,
        }
    }

    /// Adds the exchange's bytes not yet counted to its run; `settle` when they are all in.
    fn count_tally(&mut self, settle: bool) {
        let Some(tally) = &self.tally else { return };
        tally.add_bytes(
            self.exchange_in - self.tallied.0,
            self.exchange_out - self.tallied.1,
        );
        self.tallied = (self.exchange_in, self.exchange_out);
        if settle && !self.tally_settled {
            self.tally_settled = true;
            tally.settle();
        }
    }

    fn on_read(&mut self, n: usize) {
        if n == 0 {
            self.record.end(ClosedBy::Client);
            return;
        }
        if (self.exchange == 0 || self.written_since_read) && !self.record.is_upgraded() {
            self.count_tally(true);
            self.tally = None;
            self.tallied = (0, 0);
            self.exchange = self.record.next_exchange();
            self.exchange_in = 0;
            self.exchange_out = 0;
        }
        self.written_since_read = false;
        self.exchange_in += n as u64;
        self.record.moved(n, true);
    }

    fn on_write(&mut self, n: usize) {
        self.written_since_read = true;
        self.exchange_out += n as u64;
        self.unreported = true;
        self.record.moved(n, false);
    }

    fn on_flushed(&mut self) {
        if let Some(tally) = self.record.take_attached() {
            self.count_tally(true);
            self.tally = Some(tally);
            self.tally_settled = false;
        }
        // An upgraded connection's attachment settles when it ends.
        let upgraded = self.record.is_upgraded();
        self.count_tally(!upgraded);
        if self.unreported && !upgraded {
            self.unreported = false;
            let record = &self.record;
            record.emit(|| ConnEvent::Wire {
                conn: record.id,
                request: self.exchange,
                bytes_in: self.exchange_in,
                bytes_out: self.exchange_out,
                at_us: record.now_us(),
            });
        }
    }

    fn on_error<T>(&self, result: io::Result<T>) -> io::Result<T> {
        if result.is_err() {
            self.record.end(ClosedBy::Error);
        }
        result
    }
}

impl AsyncRead for ObservedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = ready!(Pin::new(&mut self.io).poll_read(cx, buf));
        let result = self.on_error(result);
        if result.is_ok() {
            let n = buf.filled().len() - before;
            self.on_read(n);
        }
        Poll::Ready(result)
    }
}

impl AsyncWrite for ObservedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = ready!(Pin::new(&mut self.io).poll_write(cx, buf));
        let result = self.on_error(result);
        if let Ok(n) = result {
            self.on_write(n);
        }
        Poll::Ready(result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = ready!(Pin::new(&mut self.io).poll_write_vectored(cx, bufs));
        let result = self.on_error(result);
        if let Ok(n) = result {
            self.on_write(n);
        }
        Poll::Ready(result)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = ready!(Pin::new(&mut self.io).poll_flush(cx));
        let result = self.on_error(result);
        if result.is_ok() {
            self.on_flushed();
        }
        Poll::Ready(result)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.record.end(ClosedBy::Server);
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

impl Drop for ObservedStream {
    fn drop(&mut self) {
        if let Some(tally) = self.record.take_attached() {
            self.count_tally(true);
            self.tally = Some(tally);
            self.tally_settled = false;
        }
        self.count_tally(true);
        self.record.finish();
    }
}
