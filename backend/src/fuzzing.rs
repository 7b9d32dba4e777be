//! Entry points for the fuzz targets (`backend/fuzz/`), not an API: the connection
//! layer's request-line sniffing (`conn/link.rs`), which is crate-private, passed through
//! unchanged so a fuzz target can call exactly the code the server runs.

use protocol::emulate::NetModel;

/// `conn::link::model_in_head`: the network model a request head asks for, `None` when
/// the bytes do not start a request head.
pub fn model_in_head(bytes: &[u8]) -> Option<NetModel> {
    crate::conn::link::model_in_head(bytes)
}

/// `conn::link::line_decided`: whether the bytes read so far show what they are (a whole
/// request line, something that cannot start one, or too much to look at).
pub fn line_decided(bytes: &[u8]) -> bool {
    crate::conn::link::line_decided(bytes)
}

/// `conn::link::MAX_LINE`: the longest request line looked at for `emu`.
pub const MAX_LINE: usize = crate::conn::link::MAX_LINE;
