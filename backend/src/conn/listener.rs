//! The listener `axum::serve` accepts from: a `TcpListener` whose connections each get a
//! record, an [`ObservedStream`] and a [`Guard`] over it, and a [`ConnHandle`] that
//! `super::service::MakeConnService` gives the connection's service.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::Listener;
use tokio::net::TcpListener;

use super::bus::Observatory;
use super::gate::{ConnLimits, Gate};
use super::guard::{Guard, HttpTimeouts};
use super::link::Link;
use super::record::ConnRecord;
use super::stream::ObservedStream;

/// Accepts TCP connections through the connection layer.
#[derive(Debug)]
pub struct ObservedListener {
    tcp: TcpListener,
    obs: Arc<Observatory>,
    gate: Arc<Gate>,
    timeouts: HttpTimeouts,
}

impl ObservedListener {
    /// Accepts through the connection layer with the default [`ConnLimits`] and
    /// [`HttpTimeouts`].
    pub fn new(tcp: TcpListener, obs: Arc<Observatory>) -> Self {
        Self::with_limits(tcp, obs, ConnLimits::default(), HttpTimeouts::default())
    }

    /// Accepts at most `limits` connections (in all, per address; the rest get a 503),
    /// each held to `timeouts`.
    pub fn with_limits(
        tcp: TcpListener,
        obs: Arc<Observatory>,
        limits: ConnLimits,
        timeouts: HttpTimeouts,
    ) -> Self {
        Self {
            tcp,
            obs,
            gate: Gate::new(limits),
            timeouts,
        }
    }
}

/// The connection a request arrived on; cheap to clone.
#[derive(Debug, Clone)]
pub struct ConnHandle(pub(crate) Arc<ConnRecord>);

impl ConnHandle {
    /// The connection's id, as events and lab replies name it.
    pub fn id(&self) -> u64 {
        self.0.id
    }

    /// The client's address and port.
    pub fn peer(&self) -> SocketAddr {
        self.0.peer
    }
}

impl Listener for ObservedListener {
    type Io = Guard<ObservedStream>;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.tcp.accept().await {
                Ok((tcp, peer)) => {
                    let permit = match self.gate.admit(peer.ip()) {
                        Ok(permit) => permit,
                        Err(why) => {
                            self.gate.refuse(tcp, why);
                            continue;
                        }
                    };
                    // Small request–response exchanges are what Duplex measures: do not
                    // let Nagle's algorithm hold the last segment back.
                    let _ = tcp.set_nodelay(true);
                    let record = ConnRecord::new(Arc::clone(&self.obs), peer);
                    let handle = ConnHandle(Arc::clone(&record));
                    let stream = ObservedStream::admitted(Link::new(tcp), record, Some(permit));
                    return (Guard::new(stream, self.timeouts), handle);
                }
                // Out of file descriptors and the like: wait a little rather than spin
                // (as axum's own TcpListener does).
                Err(err) => {
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        // The listener itself has no connection record; axum only uses this for logging.
        Err(io::Error::other(
            "the observed listener has no connection handle of its own",
        ))
    }
}

impl ObservedListener {
    /// The bound address.
    pub fn bound_addr(&self) -> io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}
