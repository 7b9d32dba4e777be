//! The page's picture of its own TCP connections, built from the observer's events
//! (`protocol::observe`). Pure data and logic: tested natively, drawn by the timeline and
//! joined to lab rows by `(conn, request)`.

use std::collections::{BTreeMap, HashMap};

use protocol::observe::{ClosedBy, ConnEvent, ObserveMsg};

/// A request the server saw on a connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub request: u32,
    pub at_us: u64,
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
}

/// One TCP connection as the server reported it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnView {
    pub id: u64,
    pub accepted_us: u64,
    pub peer_port: u16,
    /// The observer's own socket: shown apart, never counted in lab figures.
    pub observer: bool,
    /// Requests served before this page's key tagged it (e.g. the page's own files).
    pub requests_before: u32,
    pub marks: Vec<Mark>,
    pub upgraded_us: Option<u64>,
    pub closed: Option<(u64, ClosedBy)>,
    /// Totals at the close (or at the snapshot), both directions.
    pub bytes: (u64, u64),
}

/// Everything the observer has told this page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observed {
    pub conns: BTreeMap<u64, ConnView>,
    /// Latest byte counts of each `(conn, request)` exchange: (in, out).
    pub wire: HashMap<(u64, u32), (u64, u64)>,
    pub observer_conn: Option<u64>,
    /// Events the server dropped for this page because it fell behind.
    pub missed: u64,
    /// The server's clock at `Hello` and this page's `performance.now()` then.
    pub clock: Option<(u64, f64)>,
}

/// Most connections kept; the oldest closed ones go first.
pub const MAX_CONNS: usize = 300;

impl Observed {
    /// Applies one message; `local_ms` is `performance.now()` when it arrived.
    pub fn apply(&mut self, msg: ObserveMsg, local_ms: f64) {
        match msg {
            ObserveMsg::Hello {
                observer_conn,
                now_us,
            } => {
                self.observer_conn = observer_conn;
                self.clock = Some((now_us, local_ms));
            }
            ObserveMsg::Missed { count } => self.missed += count,
            ObserveMsg::Event { event } => self.on_event(event),
        }
    }

    fn on_event(&mut self, event: ConnEvent) {
        match event {
            ConnEvent::Accepted {
                conn,
                accepted_us,
                peer_port,
                observer,
                requests_before,
                bytes_in,
                bytes_out,
            } => {
                // A snapshot may repeat a connection already known: keep what we have.
                self.conns.entry(conn).or_insert(ConnView {
                    id: conn,
                    accepted_us,
                    peer_port,
                    observer: observer || self.observer_conn == Some(conn),
                    requests_before,
                    marks: Vec::new(),
                    upgraded_us: None,
                    closed: None,
                    bytes: (bytes_in, bytes_out),
                });
                self.trim();
            }
            ConnEvent::Request {
                conn,
                request,
                method,
                path,
                at_us,
            } => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.marks.push(Mark {
                        request,
                        at_us,
                        method,
                        path,
                        status: None,
                    });
                }
            }
            ConnEvent::Response {
                conn,
                request,
                status,
                ..
            } => {
                if let Some(m) = self
                    .conns
                    .get_mut(&conn)
                    .and_then(|c| c.marks.iter_mut().rev().find(|m| m.request == request))
                {
                    m.status = Some(status);
                }
            }
            ConnEvent::Wire {
                conn,
                request,
                bytes_in,
                bytes_out,
                ..
            } => {
                if self.conns.contains_key(&conn) {
                    self.wire.insert((conn, request), (bytes_in, bytes_out));
                }
            }
            ConnEvent::Upgraded { conn, at_us } => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.upgraded_us = Some(at_us);
                }
            }
            ConnEvent::Closed {
                conn,
                at_us,
                by,
                bytes_in,
                bytes_out,
                ..
            } => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.closed = Some((at_us, by));
                    c.bytes = (bytes_in, bytes_out);
                }
            }
        }
    }

    /// The server's clock now, estimated from `Hello` and the page's clock.
    pub fn server_now_us(&self, local_ms: f64) -> Option<u64> {
        let (server_us, at_ms) = self.clock?;
        Some(server_us + ((local_ms - at_ms).max(0.0) * 1000.0) as u64)
    }

    /// Forgets everything seen so far except connections still open (for "Clear").
    pub fn clear_closed(&mut self) {
        self.conns.retain(|_, c| c.closed.is_none());
        for c in self.conns.values_mut() {
            c.marks.clear();
        }
        let open: Vec<u64> = self.conns.keys().copied().collect();
        self.wire.retain(|(conn, _), _| open.contains(conn));
        self.missed = 0;
    }

    fn trim(&mut self) {
        while self.conns.len() > MAX_CONNS {
            let oldest_closed = self
                .conns
                .values()
                .find(|c| c.closed.is_some())
                .map(|c| c.id);
            let Some(id) = oldest_closed.or_else(|| self.conns.keys().next().copied()) else {
                return;
            };
            self.conns.remove(&id);
            self.wire.retain(|(conn, _), _| *conn != id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: ConnEvent) -> ObserveMsg {
        ObserveMsg::Event { event }
    }

    fn accepted(conn: u64) -> ConnEvent {
        ConnEvent::Accepted {
            conn,
            accepted_us: 100 * conn,
            peer_port: 40_000,
            observer: false,
            requests_before: 0,
            bytes_in: 0,
            bytes_out: 0,
        }
    }

    #[test]
    fn builds_connections_from_events() {
        let mut o = Observed::default();
        o.apply(
            ObserveMsg::Hello {
                observer_conn: Some(1),
                now_us: 1_000,
            },
            50.0,
        );
        o.apply(ev(accepted(1)), 51.0);
        o.apply(ev(accepted(2)), 52.0);
        o.apply(ev(accepted(2)), 52.0); // snapshot repeat: ignored
        o.apply(
            ev(ConnEvent::Request {
                conn: 2,
                request: 1,
                method: "GET".into(),
                path: "/api/lab".into(),
                at_us: 300,
            }),
            53.0,
        );
        o.apply(
            ev(ConnEvent::Response {
                conn: 2,
                request: 1,
                status: 200,
                at_us: 310,
            }),
            53.0,
        );
        o.apply(
            ev(ConnEvent::Wire {
                conn: 2,
                request: 1,
                bytes_in: 90,
                bytes_out: 10,
                at_us: 311,
            }),
            53.0,
        );
        o.apply(
            ev(ConnEvent::Wire {
                conn: 2,
                request: 1,
                bytes_in: 90,
                bytes_out: 400,
                at_us: 312,
            }),
            53.0,
        );
        o.apply(
            ev(ConnEvent::Closed {
                conn: 2,
                at_us: 320,
                by: ClosedBy::Server,
                requests: 1,
                bytes_in: 90,
                bytes_out: 400,
                first_byte_us: Some(300),
                last_byte_us: Some(312),
            }),
            54.0,
        );
        // Events for a connection never announced are ignored.
        o.apply(
            ev(ConnEvent::Wire {
                conn: 9,
                request: 1,
                bytes_in: 1,
                bytes_out: 1,
                at_us: 1,
            }),
            54.0,
        );
        assert!(
            o.conns[&1].observer,
            "Hello named the observer's connection"
        );
        let c = &o.conns[&2];
        assert_eq!(c.marks.len(), 1);
        assert_eq!(c.marks[0].status, Some(200));
        assert_eq!(c.closed, Some((320, ClosedBy::Server)));
        assert_eq!(o.wire[&(2, 1)], (90, 400), "the last Wire wins");
        assert!(!o.wire.contains_key(&(9, 1)));
        assert_eq!(o.server_now_us(60.0), Some(11_000));

        o.clear_closed();
        assert_eq!(o.conns.keys().copied().collect::<Vec<_>>(), vec![1]);
        assert!(o.wire.is_empty());
    }

    #[test]
    fn keeps_a_bounded_number_of_connections() {
        let mut o = Observed::default();
        for id in 1..=(MAX_CONNS as u64 + 5) {
            o.apply(ev(accepted(id)), 0.0);
        }
        assert_eq!(o.conns.len(), MAX_CONNS);
        assert!(!o.conns.contains_key(&1), "oldest dropped first");
    }
}
