//! Every type that crosses the wire between the Duplex page and its server.
//!
//! Both the wasm front end and the axum backend depend on this crate, so a wire type
//! exists exactly once. It depends only on `serde`; JSON encoding is chosen by the
//! two ends (`serde_json` on the server, gloo-net in the page).

pub mod chat;
pub mod compare;
pub mod emulate;
pub mod error;
pub mod http;
pub mod lab;
pub mod limits;
pub mod named;
pub mod observe;
pub mod oembed;
pub mod pages;
pub mod query;
pub mod report;
pub mod stats;
pub mod tagged;
pub mod ws;

pub use error::{ErrorBody, ErrorCode};
pub use http::{EchoReply, EchoRequest, Health, HttpMethod};
pub use ws::{ClientMsg, ServerMsg, close_code};
