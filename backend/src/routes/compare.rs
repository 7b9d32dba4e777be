//! The Compare page's endpoints (paths and caps in `protocol::compare`): the race's HTTP
//! echo and WebSocket echo, the run tally, and the live feed with its four readers.

pub(crate) mod feed_http;
pub(crate) mod feed_ws;
pub(crate) mod race;
pub(crate) mod tally;
