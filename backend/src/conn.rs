//! The connection layer: every TCP connection the server accepts goes through here, HTTP
//! and WebSocket alike, so there is one record per connection and one place to extend
//! (network emulation will live here too).
//!
//! - [`listener::ObservedListener`] wraps the `TcpListener` for `axum::serve`, gives each
//!   connection an id and a [`record::ConnRecord`]; [`service::MakeConnService`] gives
//!   each connection a service holding its `ConnHandle` and the app's router.
//! - [`stream::ObservedStream`] counts bytes on the wire, splits HTTP/1.1 traffic into
//!   request–response exchanges, and notices who ended the connection.
//! - [`tag::arrive`] / [`tag::depart`] (run by that service, [`service::ConnService`]) read the
//!   page's client key, tag the connection with it and report requests and responses.
//! - [`bus::Observatory`] is the bounded event bus plus the table of live connections.
//! - [`gate::Gate`] caps connections in all and per address (`503` past a cap).
//! - [`guard::Guard`] judges every request head before hyper reads it (size, syntax,
//!   header/body/keep-alive timeouts), answering refusals itself with [`answer::Refusal`]'s
//!   JSON body.

pub mod answer;
pub(crate) mod bus;
pub(crate) mod gate;
pub mod guard;
pub(crate) mod link;
pub(crate) mod listener;
pub(crate) mod record;
pub(crate) mod service;
pub(crate) mod stream;
pub(crate) mod tag;
pub(crate) mod tally;

pub use bus::Observatory;
pub use gate::ConnLimits;
pub use guard::HttpTimeouts;
pub use listener::{ConnHandle, ObservedListener};
